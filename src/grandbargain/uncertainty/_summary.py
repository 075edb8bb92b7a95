"""From draws to a forecast with its spread: quantiles, anchor bands, the ensemble (U-07..U-09).

Bands (U-07): an issue's anchors, sorted by value, cut its scale at the midpoints between
neighbours; band k runs from the midpoint below anchor k (or the scale's low end) to the one
above it (or the high end). A value exactly on a midpoint belongs to the lower anchor, as with
`Issue.nearest_anchor`, so the most probable band is the nearest anchor's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grandbargain.scenario import Anchor, Issue

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QUANTILE_NAMES = ("q05", "q25", "median", "q75", "q95")
ENSEMBLE = "ensemble"


def sorted_anchors(issue: Issue) -> tuple[Anchor, ...]:
    return tuple(sorted(issue.anchors, key=lambda a: a.value))


def band_edges(issue: Issue) -> np.ndarray:
    """The cuts between anchor bands: midpoints of neighbouring anchors (sorted)."""
    values = np.array([a.value for a in sorted_anchors(issue)], dtype=float)
    return (values[:-1] + values[1:]) / 2.0


def band_index(issue: Issue, values: np.ndarray) -> np.ndarray:
    """Index (into `sorted_anchors`) of the band each value falls in."""
    return np.searchsorted(band_edges(issue), values, side="left")


def band_probabilities(issue: Issue, values: np.ndarray) -> list[float]:
    """Share of the (finite) values in each anchor's band; [] when the issue has no anchors."""
    if not issue.anchors or values.size == 0:
        return [0.0] * len(issue.anchors) if issue.anchors else []
    counts = np.bincount(band_index(issue, values), minlength=len(issue.anchors))
    return [float(c) / values.size for c in counts]


def distribution_summary(issue: Issue, values: np.ndarray, lang: str = "en") -> dict[str, Any]:
    """Mean, sd, quantiles and band probabilities of one issue's draws (NaN draws left out)."""
    finite = values[np.isfinite(values)]
    out: dict[str, Any] = {"defined": float(finite.size / values.size) if values.size else 0.0}
    if finite.size == 0:
        out.update({"mean": None, "sd": None, **dict.fromkeys(QUANTILE_NAMES)})
        out["bands"] = []
        return out
    out["mean"] = float(finite.mean())
    out["sd"] = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    qs = np.quantile(finite, QUANTILES)
    out.update({name: float(q) for name, q in zip(QUANTILE_NAMES, qs, strict=True)})
    probabilities = band_probabilities(issue, finite)
    out["bands"] = [{"anchor": a.value, "label": a.text(lang), "p": p}
                    for a, p in zip(sorted_anchors(issue), probabilities, strict=True)]
    return out


def point_outside(point: float | None, summary: dict[str, Any]) -> bool:
    """True when the point forecast lies outside the draws' 90% interval [q05, q95] (a model
    that is not linear in its inputs can do that even with unbiased draws, U-02)."""
    low, high = summary.get("q05"), summary.get("q95")
    if point is None or low is None or high is None:
        return False
    return not (low <= point <= high)


def check_weights(names: Sequence[str], weights: Mapping[str, float] | None) -> dict[str, float]:
    """Ensemble weights per model: equal by default; named ones as given, others 0 (U-08)."""
    if not weights:
        return dict.fromkeys(names, 1.0)
    unknown = [n for n in weights if n not in names]
    if unknown:
        raise ValueError(f"weights for model(s) not run: {', '.join(unknown)} "
                         f"(running: {', '.join(names)})")
    bad = [n for n, w in weights.items() if not (np.isfinite(w) and w >= 0)]
    if bad:
        raise ValueError(f"weights must be finite and >= 0 (got {', '.join(bad)})")
    if sum(weights.values()) <= 0:
        raise ValueError("at least one ensemble weight must be positive")
    return {n: float(weights.get(n, 0.0)) for n in names}


def ensemble(values: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted mean across models, draw by draw; models without a forecast in a draw (NaN)
    drop out and the rest are renormalised; NaN where none has one."""
    names = [n for n in values if weights.get(n, 0.0) > 0]
    if not names:
        raise ValueError("the ensemble has no model with a positive weight")
    stack = np.stack([values[n] for n in names])
    w = np.array([weights[n] for n in names]).reshape((-1,) + (1,) * (stack.ndim - 1))
    present = np.isfinite(stack)
    total = np.where(present, w, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.where(present, stack * w, 0.0).sum(axis=0) / total,
                        np.nan)
