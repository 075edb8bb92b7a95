"""Nash bargaining solution on one issue (models.md section 3).

Notation: positions x_i, weights w_i = c_i s_i (asymmetric, default) or 1 (symmetric),
disagreement point d, scale width R, gains g_i(x) = u_i(x) - u_i(d) with
u_i(x) = -|x - x_i| / R (linear loss, default) or -((x - x_i) / R)^2 (quadratic).

    x* = argmax over {x : g_i(x) >= 0 for all i} of  sum_i w_i log g_i(x)

Every g_i >= 0 on [p_i, q_i] = [x_i - D_i, x_i + D_i], D_i = |d - x_i|, so the feasible set is
[max p_i, min q_i]; it contains d, and when it is only d the forecast is d. The objective is
concave on it, so its slope (from the right, at the kinks x_i of the linear loss) falls from
left to right: the maximiser is the first point where it is <= 0, a kink or a root between two,
found by bisection to the last floating-point digit (docs/decisions.md EU-13).

`NashModel.forecast_issue_draws` runs the same bisection on a whole batch of draws at once
(arrays draws x participants, decision U-06): the same formulas row by row, each draw's
interval halved until it cannot shrink, so every draw gets its one-draw answer (to the last
digits; sums over the actors may group differently when some weights are 0).
"""

from __future__ import annotations

import numpy as np

from grandbargain.models._base import IssueForecast, PerIssueModel, check_choices

CHOICES = {
    "loss": ("linear", "quadratic"),
    "weights": ("asymmetric", "symmetric"),
    "no_status_quo": ("worst", "mean", "skip"),
}


def _turning_point(slope, low: float, high: float) -> float:
    """The smallest float in [low, high] where a decreasing function is <= 0 (high if none),
    by bisection until the interval cannot shrink: exact to the last floating-point digit, and
    exactly the kink when the maximum sits on one."""
    if slope(low) <= 0:
        return low
    while True:
        mid = 0.5 * (low + high)
        if not low < mid < high:
            return high
        if slope(mid) > 0:
            low = mid
        else:
            high = mid


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

    def slope(v: float) -> float:
        """d/dx sum w log g at v, from the right (the one-sided slope at a kink)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if loss == "quadratic":
                return float((wt / (v - lo_root) - wt / (hi_root - v)).sum())
            rising = pos > v  # actors whose gain still grows to the right of v
            return float(np.where(rising, wt / (v - lo_root), 0.0).sum()
                         - np.where(rising, 0.0, wt / (hi_root - v)).sum())

    return _turning_point(slope, low, high), (low, high)


def _turning_points(slope, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """`_turning_point` on many intervals at once: `slope(v, rows)` gives the slope at v[j] for
    draw rows[j]. Each draw's interval is halved until it cannot shrink, as in the scalar."""
    low, high = low.copy(), high.copy()
    out = np.full(low.shape, np.nan)
    rows = np.arange(low.size)
    at_low = slope(low, rows) <= 0  # as the scalar: a NaN slope goes on bisecting
    out[at_low] = low[at_low]
    rows = rows[~at_low]
    while rows.size:
        mid = 0.5 * (low[rows] + high[rows])
        stuck = ~((low[rows] < mid) & (mid < high[rows]))
        out[rows[stuck]] = high[rows[stuck]]
        rows, mid = rows[~stuck], mid[~stuck]
        if not rows.size:
            break
        rising = slope(mid, rows) > 0
        low[rows[rising]] = mid[rising]
        high[rows[~rising]] = mid[~rising]
    return out


def nash_solution_draws(positions: np.ndarray, weights: np.ndarray, reference: np.ndarray,
                        loss: str = "linear") -> np.ndarray:
    """`nash_solution` for every row (draw) of (draws, actors) arrays: the Nash point per draw,
    NaN where no point other than the reference improves for all."""
    left_root, right_root = positions - reference, positions + reference
    low, high = left_root.max(axis=1), right_root.min(axis=1)
    out = np.full(low.shape, np.nan)
    feasible = np.flatnonzero(low < high)
    if not feasible.size:
        return out
    active = weights[feasible] > 0
    pos, wt = positions[feasible], weights[feasible]
    lo_root, hi_root = left_root[feasible], right_root[feasible]

    def slope(v: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x = v[:, None]
        a, w, lo, hi = active[rows], wt[rows], lo_root[rows], hi_root[rows]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if loss == "quadratic":
                return np.where(a, w / (x - lo) - w / (hi - x), 0.0).sum(axis=1)
            rising = pos[rows] > x
            return (np.where(a & rising, w / (x - lo), 0.0).sum(axis=1)
                    - np.where(a & ~rising, w / (hi - x), 0.0).sum(axis=1))

    out[feasible] = _turning_points(slope, low[feasible], high[feasible])
    return out


class NashModel(PerIssueModel):
    """Nash bargaining solution; disagreement point = the issue's status quo.

    Options:
      loss           "linear" (default) or "quadratic" utility loss
      weights        "asymmetric" (exponents c_i s_i, default) or "symmetric" (all 1)
      no_status_quo  where the issue has no status quo (BDM tables; EU-14): "worst" (each
                     actor's disagreement utility is its worst point on the scale, default),
                     "mean" (the capability-and-salience weighted mean), "skip" (no forecast)
    """

    name = "nash-issue"
    label = "Nash bargaining, issue by issue (status quo as disagreement)"

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

    def forecast_issue_draws(self, positions, saliences, capabilities, low, high, status_quo,
                             issue_id) -> np.ndarray:
        """`forecast_issue` on a batch of draws (arrays draws x participants); NaN where it
        gives no forecast (U-06)."""
        check_choices(self, CHOICES)
        positions = np.asarray(positions, float)
        power = capabilities * saliences
        total = power.sum(axis=1)
        if self.weights == "symmetric":
            weights = np.ones_like(positions)
            undefined = np.zeros(total.shape, dtype=bool)
        else:
            weights = power
            undefined = total <= 0
        if status_quo is not None:
            disagreement = np.full(total.shape, float(status_quo))
            reference = np.abs(status_quo - positions)
        elif self.no_status_quo == "skip":
            return np.full(total.shape, np.nan)
        elif self.no_status_quo == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                disagreement = np.where(total > 0, (power * positions).sum(axis=1) / total,
                                        positions.mean(axis=1))
            reference = np.abs(disagreement[:, None] - positions)
        else:
            disagreement = np.full(total.shape, np.nan)
            reference = np.maximum(positions - low, high - positions)
        value = nash_solution_draws(positions, weights, reference, self.loss)
        out = np.where(np.isnan(value), disagreement, np.clip(value, low, high))
        return np.where(undefined, np.nan, out)
