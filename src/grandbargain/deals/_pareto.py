"""Non-dominated filtering of utility points, exactly, on integer utilities.

Utilities are snapped to integers (`quantize`: each party's contributions become multiples of a
power of two small enough that any sum is exact), so every comparison below is exact, sums do
not depend on the order in which issues are added, and ties are true ties (decision PD-002).

A point q dominates p when q >= p on every party and q > p on at least one. Points with equal
utility vectors do not dominate each other: ties are all kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

MANTISSA_BITS = 52
_BLOCK = 512


def quantum(tables: Sequence[np.ndarray], extra: np.ndarray | None = None) -> np.ndarray:
    """Per party, the power of two q such that every package utility (a sum of one row of each
    table, plus `extra`, a per-party bound on further terms) is at most 2**52 q in size."""
    n_parties = tables[0].shape[1] if tables else (0 if extra is None else len(extra))
    bound = np.zeros(n_parties)
    for table in tables:
        if len(table):
            bound += np.abs(table).max(axis=0)
    if extra is not None:
        bound += np.abs(extra)
    out = np.empty(n_parties)
    for p, b in enumerate(bound):
        exponent = math.ceil(math.log2(b)) if b > 0 else 0
        out[p] = math.ldexp(1.0, exponent - MANTISSA_BITS)
    return out


def quantize(table: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The table in units of q (int64), rounded to the nearest unit."""
    return np.rint(np.asarray(table, dtype=float) / q).astype(np.int64)


def nondominated(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of an (n, P) int64 array (ties kept)."""
    points = np.asarray(points)
    n, n_parties = points.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if n_parties == 1:
        return points[:, 0] == points[:, 0].max()
    if n_parties == 2:
        return _nondominated_2d(points)
    return _nondominated_nd(points)


def _nondominated_2d(points: np.ndarray) -> np.ndarray:
    # Sort by u0 descending, then u1 descending. Within a run of equal u0 only the rows with the
    # run's largest u1 survive, and only if that u1 beats every row with a larger u0.
    a, b = points[:, 0], points[:, 1]
    order = np.lexsort((-b, -a))
    a, b = a[order], b[order]
    starts = np.empty(len(a), dtype=bool)
    starts[0] = True
    starts[1:] = a[1:] != a[:-1]
    run = np.cumsum(starts) - 1
    run_best = b[starts]
    before = np.empty_like(run_best)
    before[0] = np.iinfo(np.int64).min
    if len(run_best) > 1:
        before[1:] = np.maximum.accumulate(run_best)[:-1]
    keep = (b == run_best[run]) & (run_best[run] > before[run])
    mask = np.zeros(len(a), dtype=bool)
    mask[order[keep]] = True
    return mask


def _dominated_by(candidates: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each candidate row, whether some row of `others` dominates it."""
    if len(others) == 0:
        return np.zeros(len(candidates), dtype=bool)
    at_least = np.ones((len(candidates), len(others)), dtype=bool)
    differs = np.zeros_like(at_least)
    for p in range(candidates.shape[1]):
        column = others[None, :, p]
        mine = candidates[:, None, p]
        at_least &= column >= mine
        differs |= column != mine
    return (at_least & differs).any(axis=1)


def _nondominated_nd(points: np.ndarray) -> np.ndarray:
    # A dominating point has a strictly larger sum, so scan by decreasing sum in blocks: a block
    # is checked against the survivors so far and against itself.
    order = np.argsort(-points.sum(axis=1), kind="stable")
    ranked = points[order]
    survivors = np.empty((0, points.shape[1]), dtype=points.dtype)
    keep = np.zeros(len(points), dtype=bool)
    for start in range(0, len(ranked), _BLOCK):
        block = ranked[start:start + _BLOCK]
        beaten = _dominated_by(block, survivors) | _dominated_by(block, block)
        keep[order[start:start + _BLOCK][~beaten]] = True
        survivors = np.concatenate([survivors, block[~beaten]])
    return keep


def first_of_ties(points: np.ndarray) -> np.ndarray:
    """Mask keeping the first row of each group of identical rows."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    _, first = np.unique(points, axis=0, return_index=True)
    mask = np.zeros(len(points), dtype=bool)
    mask[first] = True
    return mask
