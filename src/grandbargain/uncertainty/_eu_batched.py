"""The expected-utility model batched over Monte Carlo draws (decision U-06).

`grandbargain.models._eu_core` takes leading batch axes, so this module only runs the rounds
of `expected_utility.simulate` for a block of draws at once: vectors (B, n), matrices
(B, n, n), the width (B,). The arithmetic is the core's own, element by element and reduction
by reduction, so each draw's forecast equals `ExpectedUtilityModel.forecast` bit for bit,
settling rule included (tests/test_uncertainty_eu.py checks it for both variants and every
option).

With numba (a dependency), `run_draws_compiled` runs each round's n x n work in the compiled
kernels of `_eu_kernels` instead, one draw at a time in the core's order of operations, and
takes every power with numpy between the kernels (decision U-13): the same bits, 3-5x less
CPU.
"""

from __future__ import annotations

import os

import numpy as np

from grandbargain.models import _eu_core as core
from grandbargain.models.compromise import weighted_mean
from grandbargain.models.median import weighted_median_draws

# Draws per block of rounds: keeps each (draws, n, n) temporary near 100 KB for 10 actors, which
# glibc serves without mmap even under Dask's MALLOC_TRIM_THRESHOLD_ (2x faster on its workers).
BLOCK = 128
# The compiled path (numba, U-13) holds a few (draws, n, n) arrays of powered utilities per
# block: this many entries each (8 MB); `GRANDBARGAIN_EU_NUMPY=1` forces the numpy path.
COMPILED_ELEMENTS = 1 << 20
_KERNELS: object = False if os.environ.get("GRANDBARGAIN_EU_NUMPY") != "1" else None


def compiled():
    """The numba kernels (imported on first use), or None without numba."""
    global _KERNELS
    if _KERNELS is False:
        try:
            from grandbargain.uncertainty import _eu_kernels
        except ImportError:  # pragma: no cover - numba is a dependency
            _KERNELS = None
        else:
            _KERNELS = _eu_kernels
    return _KERNELS


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


def _powered(kernels, x, width, median, risk, rows, settings: core.Settings, extra: bool):
    """Everything raised to a risk exponent in one round, for the draws `rows`: the bases
    from the kernel, the powers with numpy as the core takes them (`_utility`: base ** r_i;
    the votes: np.power with the sorted voters' exponents), so each value has the core's
    bits; returned as the powers (U_s and U_f before 2 - 4 p), U_sq and the scholz-2011
    votes' distances."""
    n = x.shape[1]
    k = rows.size
    u_s, u_f = np.empty((k, n, n)), np.empty((k, n, n))
    u_b = u_w = table = np.empty((0, n, n))
    if extra:
        u_b, u_w = np.empty((k, n, n)), np.empty((k, n, n))
    voter_risk = np.empty((k if settings.scholz else 0, 1, n))
    if settings.scholz:
        table = np.empty((k, n, n))
    if k == 0:
        return table, u_s, u_f, np.empty((0, n)), u_b, u_w
    kernels.bases(x, width, median, risk, rows, settings.scholz, extra, u_s, u_f, u_b, u_w,
                  table, voter_risk)
    r_rows = risk[rows][:, :, None]
    for base in (u_s, u_f, u_b, u_w) if extra else (u_s, u_f):
        np.power(base, r_rows, out=base)
    if settings.scholz:
        np.power(table, voter_risk, out=table)
    u_sq = np.ascontiguousarray(core.status_quo_utility(r_rows)[:, :, 0])
    return table, u_s, u_f, u_sq, u_b, u_w


def run_draws_compiled(x, s, c, width, rounds: int, settings: core.Settings, tolerance,
                       rank, current: bool, outcome: str, start_mean, span: float):
    """`run_draws` with each round's n x n work in the numba kernels (U-13): the same rounds,
    stopping rule and settling, the same numbers."""
    kernels = compiled()
    size = x.shape[0]
    x, s = np.ascontiguousarray(x), np.ascontiguousarray(s)
    w = np.ascontiguousarray(c * s)
    rank = np.ascontiguousarray(rank, dtype=np.int64)
    width = np.array(np.broadcast_to(np.asarray(width, dtype=float), (size,)))
    scholz = settings.scholz
    extra = not scholz and settings.q != 1.0
    t_given = settings.t is not None
    t = float(settings.t) if t_given else 0.0
    rule = kernels.RULES[settings.rule]
    balanced = settings.ties == "balanced"
    median = np.empty(size)
    kernels.medians(x, w, width, scholz, rank, median)
    history = np.empty((size, rounds + 1))
    history[:, 0] = median if outcome == "median" else start_mean
    stopped = np.zeros(size, dtype=bool)
    going = np.arange(size)
    risk = None
    for number in range(1, rounds + 1):
        if current:
            spread = x.max(axis=-1) - x.min(axis=-1)
            width = np.where(spread > 0, spread, 1.0)
        p0 = np.empty((*x.shape, x.shape[1]))
        kernels.probabilities(x, w, width, scholz, p0)
        if risk is None or settings.risk == "every-round":
            if settings.risk == "neutral":
                risk = np.ones_like(x)
            else:
                risk = np.empty_like(x)
                kernels.security_risk(x, s, width, median, p0, settings.q, extra, t_given,
                                      t, risk)
        use_r = ~np.all(risk == 1.0, axis=-1)  # per draw, as the one-draw model decides
        rows = np.flatnonzero(use_r)
        slot = np.full(x.shape[0], -1, dtype=np.int64)
        slot[rows] = np.arange(rows.size)
        table, u_s, u_f, u_sq, u_b, u_w = _powered(kernels, x, width, median, risk, rows,
                                                   settings, extra)
        new_x = np.empty_like(x)
        kernels.offers(x, s, w, width, median, p0, slot, table, u_s, u_f, u_sq, u_b, u_w,
                       scholz, settings.q, extra, t_given, t, rule, balanced, rank, new_x)
        new_median = np.empty(x.shape[0])
        kernels.medians(new_x, w, width, scholz, rank, new_median)
        value = new_median if outcome == "median" else weighted_mean(new_x, w)
        history[going, number:] = value[:, None]
        keep = np.any(new_x != x, axis=-1)
        if tolerance is not None:
            keep &= ~(np.abs(new_median - median) < tolerance)
        stopped[going[~keep]] = True
        if not keep.any():
            break
        if not keep.all():
            going, x, s, w, width, median, risk, rank = (
                going[keep], new_x[keep], s[keep], w[keep], width[keep], new_median[keep],
                risk[keep], rank[keep])
        else:
            x, median = new_x, new_median
    return core.settle(history, stopped, span)[0]


def forecast_draws(model, positions, saliences, capabilities, low: float,
                   high: float, scale_inferred: bool = False,
                   compiled_path: bool = True) -> np.ndarray:
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
    kernels = compiled() if compiled_path else None
    if kernels is not None:
        block = max(1, COMPILED_ELEMENTS // (n * n))
        run = run_draws_compiled
    else:
        block = max(1, min(BLOCK, 4 * core.BLOCK_ELEMENTS // max(1, 2 * n * n)))
        run = run_draws
    for first in range(0, todo.size, block):  # draws are independent: any blocks, same bits
        rows = todo[first:first + block]
        value[rows] = run(xo[rows], so[rows], co[rows], width[rows], model.rounds,
                                settings, model.tolerance, order[rows], kind == "current",
                                model.outcome, mean[rows], float(high - low))
    return np.where(w.sum(axis=-1) > 0, value, np.nan)
