"""Nash bargaining solution on one issue (models.md section 3).

Notation: positions x_i, weights w_i = c_i s_i (asymmetric, default) or 1 (symmetric),
disagreement point d, scale width R, gains g_i(x) = u_i(x) - u_i(d) with
u_i(x) = -|x - x_i| / R (linear loss, default) or -((x - x_i) / R)^2 (quadratic).

    x* = argmax over {x : g_i(x) >= 0 for all i} of  sum_i w_i log g_i(x)

Every g_i >= 0 on [p_i, q_i] = [x_i - D_i, x_i + D_i], D_i = |d - x_i|, so the feasible set is
[max p_i, min q_i]; it contains d, and when it is only d the forecast is d. The objective is
concave on it, so its one-sided derivatives fall from left to right: the maximiser is the
breakpoint (an x_i) where the derivative changes sign, or the root of the derivative between two
breakpoints, found by bisection to the last floating-point digit (docs/decisions.md EU-13).
"""

from __future__ import annotations

import itertools

import numpy as np

from grandbargain.models._base import IssueForecast, PerIssueModel, check_choices

CHOICES = {
    "loss": ("linear", "quadratic"),
    "weights": ("asymmetric", "symmetric"),
    "no_status_quo": ("worst", "mean", "skip"),
}


def _root_of_decreasing(slope, low: float, high: float) -> float:
    """The point in (low, high) where a decreasing function changes sign, by bisection until
    the interval cannot shrink (exact to the last digit; the ends may be infinite slopes)."""
    while True:
        mid = 0.5 * (low + high)
        if not low < mid < high:
            return mid
        value = slope(mid)
        if value > 0:
            low = mid
        elif value < 0:
            high = mid
        else:
            return mid


def _linear_slope(x: float, side: int, pos, weight, left_root, right_root) -> float:
    """One-sided derivative (side +1: from the right, -1: from the left) of sum w log g."""
    rising = pos > x if side > 0 else pos >= x  # actors whose gain still grows past x
    with np.errstate(divide="ignore"):
        up = np.where(rising, weight / (x - left_root), 0.0)
        down = np.where(rising, 0.0, weight / (right_root - x))
    return float(up.sum() - down.sum())


def nash_solution(positions: np.ndarray, weights: np.ndarray, reference: np.ndarray,
                  loss: str = "linear") -> tuple[float | None, tuple[float, float] | None]:
    """The Nash point and the feasible interval, for per-actor reference distances D_i.

    `reference[i]` = D_i, the distance from x_i at which actor i is as well off as under
    disagreement. Returns (None, None) when no point other than the reference improves for all.
    """
    left_root, right_root = positions - reference, positions + reference
    low, high = float(left_root.max()), float(right_root.min())
    if not low < high:
        return None, None
    active = weights > 0
    pos, wt = positions[active], weights[active]
    lo_root, hi_root = left_root[active], right_root[active]
    if loss == "quadratic":
        def slope(v: float) -> float:
            return float((wt / (v - lo_root) - wt / (hi_root - v)).sum())
        return _root_of_decreasing(slope, low, high), (low, high)
    inside = np.unique(pos[(pos > low) & (pos < high)])
    breaks = np.concatenate([[low], inside, [high]])
    last = breaks.size - 1
    for k, b in enumerate(breaks.tolist()):  # a kink (or an end) where the slope turns
        from_left = np.inf if k == 0 else _linear_slope(b, -1, pos, wt, lo_root, hi_root)
        from_right = -np.inf if k == last else _linear_slope(b, +1, pos, wt, lo_root, hi_root)
        if from_left >= 0 >= from_right:
            return b, (low, high)
    for a, b in itertools.pairwise(breaks.tolist()):
        if (_linear_slope(a, +1, pos, wt, lo_root, hi_root) > 0
                > _linear_slope(b, -1, pos, wt, lo_root, hi_root)):
            mid_side = pos > 0.5 * (a + b)  # which actors rise is fixed inside the piece

            def slope(v: float, rising=mid_side) -> float:
                return float((np.where(rising, wt / (v - lo_root), 0.0)
                              - np.where(rising, 0.0, wt / (hi_root - v))).sum())
            return _root_of_decreasing(slope, a, b), (low, high)
    raise AssertionError("concave objective without a maximum")  # pragma: no cover


class NashModel(PerIssueModel):
    """Nash bargaining solution; disagreement point = the issue's status quo.

    Options:
      loss           "linear" (default) or "quadratic" utility loss
      weights        "asymmetric" (exponents c_i s_i, default) or "symmetric" (all 1)
      no_status_quo  where the issue has no status quo (BDM tables; EU-14): "worst" (each
                     actor's disagreement utility is its worst point on the scale, default),
                     "mean" (the capability-and-salience weighted mean), "skip" (no forecast)
    """

    name = "nash"
    label = "Nash bargaining solution"

    def __init__(self, loss: str = "linear", weights: str = "asymmetric",
                 no_status_quo: str = "worst") -> None:
        self.loss = loss
        self.weights = weights
        self.no_status_quo = no_status_quo

    def forecast_issue(self, positions, saliences, capabilities, low, high, status_quo,
                       issue_id) -> IssueForecast:
        check_choices(self, CHOICES)
        power = capabilities * saliences
        if self.weights == "symmetric":
            weights = np.ones_like(positions)
        elif power.sum() <= 0:
            return IssueForecast(issue_id, None, {"reason": "every participant has salience 0"})
        else:
            weights = power
        detail: dict = {"disagreement": status_quo, "disagreement_source": "status quo"}
        if status_quo is not None:
            reference = np.abs(status_quo - positions)
        elif self.no_status_quo == "skip":
            return IssueForecast(issue_id, None, {"reason": "the issue has no status quo"})
        elif self.no_status_quo == "mean":
            d = float((power * positions).sum() / power.sum()) if power.sum() > 0 else \
                float(positions.mean())
            reference = np.abs(d - positions)
            detail = {"disagreement": d, "disagreement_source": "weighted mean"}
        else:
            reference = np.maximum(positions - low, high - positions)
            detail = {"disagreement": None, "disagreement_source": "each actor's worst point"}
        value, feasible = nash_solution(np.asarray(positions, float), weights, reference,
                                        self.loss)
        if value is None:
            detail["reason"] = "no point improves on the disagreement point for every actor"
            return IssueForecast(issue_id, detail["disagreement"], detail)
        detail["feasible"] = feasible
        return IssueForecast(issue_id, float(np.clip(value, low, high)), detail)
