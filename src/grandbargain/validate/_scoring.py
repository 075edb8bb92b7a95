"""Scoring forecasts against outcomes: errors as shares of the issue's scale, and per model the
mean and median absolute error and the hit rates within 5, 10 and 20% of the scale."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from grandbargain.models import IssueForecast, ModelResult

HIT_THRESHOLDS = (0.05, 0.10, 0.20)
_EPS = 1e-12  # an error of exactly 5% counts as a hit within 5%, despite rounding


@dataclass(frozen=True)
class Score:
    """One forecast of one outcome. `group` is the DEU procedure (COD, CNS...), else ""."""

    case: str
    reading: str
    primary: bool
    model: str
    label: str
    kind: str  # "model" or "published"
    forecast: float | None
    outcome: float
    low: float
    high: float
    group: str = ""

    @property
    def error(self) -> float | None:
        """(forecast - outcome) / scale width; None where the model gave no forecast."""
        if self.forecast is None or not math.isfinite(self.forecast):
            return None
        return (self.forecast - self.outcome) / (self.high - self.low)


@dataclass(frozen=True)
class Summary:
    """A model's record over a set of scores (errors as shares of the scale)."""

    model: str
    label: str
    kind: str
    n: int
    missing: int
    mae: float | None
    median_ae: float | None
    hits: tuple[int, ...]  # counts within each of HIT_THRESHOLDS

    def hit_rate(self, k: int) -> float | None:
        return self.hits[k] / self.n if self.n else None


def summarise(scores: Iterable[Score]) -> tuple[Summary, ...]:
    """Per model (in order of first appearance): n, MAE, median AE and hit counts."""
    by_model: dict[str, list[Score]] = {}
    for s in scores:
        by_model.setdefault(s.model, []).append(s)
    out = []
    for model, group in by_model.items():
        errors = np.array([abs(s.error) for s in group if s.error is not None], dtype=float)
        n = int(errors.size)
        hits = tuple(int(np.sum(errors <= t + _EPS)) for t in HIT_THRESHOLDS)
        out.append(Summary(model, group[0].label, group[0].kind, n, len(group) - n,
                           float(errors.mean()) if n else None,
                           float(np.median(errors)) if n else None, hits))
    return tuple(out)


ENSEMBLE_NAME = "ensemble"
ENSEMBLE_LABEL = "Ensemble (equal-weight mean of the models)"


def equal_weight_ensemble(results: Sequence[ModelResult]) -> ModelResult:
    """The plain mean of the given models' forecasts on each issue (docs/decisions.md V-02).

    A stand-in used by `validate` only while MODELS holds no ensemble model of its own: every
    model counts once, an issue's value is the mean over the models that forecast it, None
    where none does.
    """
    issues = [f.issue for f in results[0].forecasts] if results else []
    forecasts = []
    for issue in issues:
        values = [v for r in results if (v := r.value(issue)) is not None and math.isfinite(v)]
        value = float(np.mean(values)) if values else None
        forecasts.append(IssueForecast(issue, value, {"members": len(values)}))
    return ModelResult(ENSEMBLE_NAME, ENSEMBLE_LABEL,
                       {"members": [r.model for r in results]}, tuple(forecasts))
