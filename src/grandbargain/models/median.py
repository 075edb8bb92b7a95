"""Weighted median ("median voter"): the position that beats every other in pairwise weighted
votes, with weights c_i s_i (models.md section 2). On one dimension that is the weighted median.

When the cumulative weight reaches exactly half at a position, every point between it and the
next position ties; we report the midpoint of that interval (docs/decisions.md, D-002).
"""

from __future__ import annotations

import numpy as np

from grandbargain.models._base import IssueForecast, PerIssueModel


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median of 1-d positions; the midpoint where the half-weight falls on a gap."""
    # Sorting on (position, weight) makes the cumulative sums, and so the result, independent of
    # the order in which actors are listed, down to the last bit.
    order = np.lexsort((weights, positions))
    x, w = positions[order], weights[order]
    keep = w > 0
    x, w = x[keep], w[keep]
    cumulative = np.cumsum(w)
    half = cumulative[-1] / 2.0
    tol = 1e-12 * cumulative[-1]  # a half that rounding misses on one side only is still a tie
    k = int(np.searchsorted(cumulative, half - tol, side="left"))
    if cumulative[k] <= half + tol and k + 1 < x.size:
        return float((x[k] + x[k + 1]) / 2.0)
    return float(x[k])


def weighted_median_draws(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`weighted_median` of every row of (draws, actors) arrays; NaN where no weight.

    Row by row the same arithmetic as `weighted_median` (zero weights add nothing to the
    cumulative sums), so each value equals the one-draw result exactly.
    """
    order = np.lexsort((weights, positions), axis=-1)  # the canonical order of weighted_median
    x = np.take_along_axis(positions, order, axis=-1)
    w = np.take_along_axis(weights, order, axis=-1)
    w = np.where(w > 0, w, 0.0)
    cumulative = np.cumsum(w, axis=-1)
    half = cumulative[:, -1:] / 2.0
    tol = 1e-12 * cumulative[:, -1:]
    k = np.argmax(cumulative >= half - tol, axis=-1)  # first index reaching half (weight > 0)
    rows = np.arange(x.shape[0])
    at_k = cumulative[rows, k]
    later = (w > 0) & (np.arange(x.shape[1])[None, :] > k[:, None])
    has_next = later.any(axis=-1)
    following = x[rows, np.argmax(later, axis=-1)]
    tie = (at_k <= half[:, 0] + tol[:, 0]) & has_next
    value = np.where(tie, (x[rows, k] + following) / 2.0, x[rows, k])
    return np.where(cumulative[:, -1] > 0, value, np.nan)


class WeightedMedianModel(PerIssueModel):
    """The weighted median of positions, weights = capability x salience."""

    name = "median"
    label = "Weighted median"

    def __init__(self) -> None:
        pass

    def forecast_issue(self, positions, saliences, capabilities, low, high, status_quo,
                       issue_id) -> IssueForecast:
        weights = capabilities * saliences
        if weights.sum() <= 0:
            return IssueForecast(issue_id, None, {"reason": "every participant has salience 0"})
        return IssueForecast(issue_id, weighted_median(positions, weights))

    def forecast_issue_draws(self, positions, saliences, capabilities, low, high, status_quo,
                             issue_id) -> np.ndarray:
        """Batched over draws (arrays draws x participants): NaN where no weight (U-06)."""
        return weighted_median_draws(positions, capabilities * saliences)
