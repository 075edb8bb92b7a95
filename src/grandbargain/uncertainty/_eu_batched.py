"""The expected-utility model batched over Monte Carlo draws (decision U-06).

`grandbargain.models._eu_core` takes leading batch axes, so this module only runs the rounds
of `expected_utility.simulate` for a block of draws at once: vectors (B, n), matrices
(B, n, n), the width (B,). The arithmetic is the core's own, element by element and reduction
by reduction, so each draw's forecast equals `ExpectedUtilityModel.forecast` bit for bit,
settling rule included (tests/test_uncertainty_eu.py checks it for both variants and every
option).
"""

from __future__ import annotations

import numpy as np

from grandbargain.models import _eu_core as core
from grandbargain.models.compromise import weighted_mean
from grandbargain.models.median import weighted_median_draws

# Draws per block of rounds: keeps each (draws, n, n) temporary near 100 KB for 10 actors, which
# glibc serves without mmap even under Dask's MALLOC_TRIM_THRESHOLD_ (2x faster on its workers).
BLOCK = 128


def _median(x, w, width, settings: core.Settings, rank):
    if settings.scholz:
        return core.walk_median(x, w, width, rank)
    return weighted_median_draws(x, w)


def run_draws(x, s, c, width, rounds: int, settings: core.Settings, tolerance, rank,
              current: bool, outcome: str, start_mean, span: float):
    """The rounds of `expected_utility.simulate` for every draw at once (canonical order).
    A draw stops when nobody moves or its median settles within `tolerance`; later rounds run
    on the draws still going. Returns each draw's forecast (`core.settle` on its history)."""
    size = x.shape[0]
    w = c * s
    median = _median(x, w, width, settings, rank)
    history = np.empty((size, rounds + 1))
    history[:, 0] = median if outcome == "median" else start_mean
    stopped = np.zeros(size, dtype=bool)
    going = np.arange(size)
    risk = None
    for number in range(1, rounds + 1):
        if current:
            spread = x.max(axis=-1) - x.min(axis=-1)
            width = np.where(spread > 0, spread, 1.0)
        keep_risk = risk if risk is not None and settings.risk != "every-round" else None
        risk, _, _, new_x, _, _ = core.play_round(x, s, w, width, settings, median, keep_risk,
                                                  rank)
        new_median = _median(new_x, w, width, settings, rank)
        value = new_median if outcome == "median" else weighted_mean(new_x, w)
        history[going, number:] = value[:, None]
        keep = np.any(new_x != x, axis=-1)
        if tolerance is not None:
            keep &= ~(np.abs(new_median - median) < tolerance)
        stopped[going[~keep]] = True
        if not keep.any():
            break
        going, x, s, w, width, median, risk, rank = (
            going[keep], new_x[keep], s[keep], w[keep], np.asarray(width)[keep],
            new_median[keep], risk[keep], rank[keep])
    return core.settle(history, stopped, span)[0]


def forecast_draws(model, positions, saliences, capabilities, low: float,
                   high: float, scale_inferred: bool = False) -> np.ndarray:
    """`ExpectedUtilityModel.forecast` on one issue for every draw (rows of the arrays);
    NaN where every participant has salience 0."""
    settings = model._settings()
    x, s, c = positions, saliences, capabilities
    w = c * s
    size, n = x.shape
    # the same canonical actor order as ExpectedUtilityModel.run, draw by draw (EU-10)
    order = np.lexsort((c, s, x), axis=-1)
    xo, so, co = (np.take_along_axis(a, order, -1) for a in (x, s, c))
    kind = model.width_kind(scale_inferred)
    width = x.max(axis=-1) - x.min(axis=-1) if kind != "scale" else \
        np.full(size, float(high - low))
    start = _median(xo, co * so, np.where(width != 0, width, 1.0), settings, order)
    mean = weighted_mean(x, w)
    value = start.copy() if model.outcome == "median" else mean.copy()
    runs = (w.sum(axis=-1) > 0) & (width > 0) & ~np.all(x == x[:, :1], axis=-1)
    todo = np.flatnonzero(runs) if model.rounds > 0 else np.zeros(0, dtype=int)
    block = max(1, min(BLOCK, 4 * core.BLOCK_ELEMENTS // max(1, 2 * n * n)))
    for first in range(0, todo.size, block):  # draws are independent: any blocks, same bits
        rows = todo[first:first + block]
        value[rows] = run_draws(xo[rows], so[rows], co[rows], width[rows], model.rounds,
                                settings, model.tolerance, order[rows], kind == "current",
                                model.outcome, mean[rows], float(high - low))
    return np.where(w.sum(axis=-1) > 0, value, np.nan)
