"""Compromise model: the capability-and-salience weighted mean of the positions.

    O = sum_i c_i s_i x_i / sum_i c_i s_i          (models.md section 1)
"""

from __future__ import annotations

import numpy as np

from grandbargain.models._base import IssueForecast, PerIssueModel


def weighted_mean(positions: np.ndarray, weights: np.ndarray, axis: int = -1) -> np.ndarray:
    """Weighted mean along `axis`; NaN where the weights sum to zero. Works on batches.

    Rounding can put sum(w x) / sum(w) an ulp outside the weighted positions (one actor at
    -10 gives -10.000000000000002); the result is clipped to their range, where it belongs.
    """
    total = weights.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (positions * weights).sum(axis=axis) / total
    weighted = weights > 0
    lowest = np.where(weighted, positions, np.inf).min(axis=axis)
    highest = np.where(weighted, positions, -np.inf).max(axis=axis)
    return np.where(np.isfinite(lowest), np.clip(mean, lowest, highest), mean)


class CompromiseModel(PerIssueModel):
    """The weighted mean of positions, weights = capability x salience."""

    name = "compromise"
    label = "Compromise (weighted mean)"

    def __init__(self) -> None:
        pass

    def forecast_issue(self, positions, saliences, capabilities, low, high, status_quo,
                       issue_id) -> IssueForecast:
        weights = capabilities * saliences
        if weights.sum() <= 0:
            return IssueForecast(issue_id, None, {"reason": "every participant has salience 0"})
        return IssueForecast(issue_id, float(weighted_mean(positions, weights)),
                             {"total_weight": float(weights.sum())})

    def forecast_issue_draws(self, positions, saliences, capabilities, low, high, status_quo,
                             issue_id) -> np.ndarray:
        """Batched over draws (arrays draws x participants): NaN where no weight (U-06)."""
        weights = capabilities * saliences
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(weights.sum(axis=-1) > 0, weighted_mean(positions, weights), np.nan)
