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
_LARGEST = 2.0**500  # below this, sums, differences and products of two utilities stay finite
_TINIEST = math.ldexp(1.0, -1074)


class UtilityRangeError(ValueError):
    """Utilities so large that package sums cannot be formed exactly in floating point."""
_LEAF = 32  # rows compared pairwise at the bottom of the 3-party sweep (a power of two)
_LEAVES_AT_ONCE = 1 << 15
_BRUTE = 128  # up to this many rows, pairwise comparison is cheaper than recursing


def quantum(tables: Sequence[np.ndarray], extra: np.ndarray | None = None) -> np.ndarray:
    """Per party, the power of two q such that every package utility (a sum of one row of each
    table, plus `extra`, a per-party bound on further terms) is at most 2**52 q in size."""
    n_parties = tables[0].shape[1] if tables else (0 if extra is None else len(extra))
    bound = np.zeros(n_parties)
    with np.errstate(over="ignore"):
        for table in tables:
            if len(table):
                bound += np.abs(table).max(axis=0)
        if extra is not None:
            bound += np.abs(extra)
    out = np.empty(n_parties)
    for p, b in enumerate(bound):
        if not b < _LARGEST:
            raise UtilityRangeError(
                f"party {p + 1}'s utilities are too large to add up exactly: the sum of its "
                f"largest contributions is {b:g}, beyond {_LARGEST:.3g} (so that gains, their "
                "sums and products stay finite); rescale that party's utilities")
        exponent = math.ceil(math.log2(b)) if b > 0 else 0
        # Every float is a multiple of the smallest subnormal, so a smaller q buys nothing.
        out[p] = max(math.ldexp(1.0, exponent - MANTISSA_BITS), _TINIEST)
    return out


def quantize(table: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The table in units of q (int64), rounded to the nearest unit."""
    return np.rint(np.asarray(table, dtype=float) / q).astype(np.int64)


def nondominated(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of an (n, P) int64 array (ties kept).

    One and two parties: one sort and a sweep. Three or more: divide and conquer on party 0
    (Kung, Luccio & Preparata 1975; Bentley 1980), O(n log^(P-1) n), every step a vectorised
    sort, search or prefix maximum (decision PD-014).
    """
    points = np.asarray(points)
    n, n_parties = points.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if n_parties == 1:
        return points[:, 0] == points[:, 0].max()
    if n_parties == 2:
        return _nondominated_2d(points)
    if n_parties == 3:
        return _nondominated_3d(points)
    return _nondominated_nd(points)


_INT64_MIN = np.iinfo(np.int64).min


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
    before[0] = _INT64_MIN
    if len(run_best) > 1:
        before[1:] = np.maximum.accumulate(run_best)[:-1]
    keep = (b == run_best[run]) & (run_best[run] > before[run])
    mask = np.zeros(len(a), dtype=bool)
    mask[order[keep]] = True
    return mask


def _dense_rank(column: np.ndarray) -> np.ndarray:
    """0 for the smallest value, 1 for the next distinct one, ... (ties share a rank)."""
    order = np.argsort(column, kind="stable")
    ranks = np.empty(len(column), dtype=np.int64)
    ranks[order] = np.concatenate([[0], np.cumsum(column[order][1:] != column[order][:-1])])
    return ranks


def _nondominated_3d(points: np.ndarray) -> np.ndarray:
    """Three columns. After removing duplicate rows and ordering the rest lexicographically,
    largest first, a row is dominated exactly when an earlier row is at least as large on
    columns 1 and 2 (an earlier row is already at least as large on column 0, and differs).
    That "earlier and at least as large on two columns" test runs bottom-up over the binary
    blocks of the order (offline divide and conquer): within leaves of _LEAF rows pairwise,
    then at each level every row of a right block against the rows of its left sibling, from
    the rows sorted on (sibling pair, column 1 descending) (a merge of the previous level's
    sorted blocks) and a running maximum of column 2 per pair."""
    lexical = np.lexsort((points[:, 2], points[:, 1], points[:, 0]))[::-1]
    ranked = points[lexical]
    new = np.empty(len(ranked), dtype=bool)
    new[0] = True
    new[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
    group = np.empty(len(points), dtype=np.int64)
    group[lexical] = np.cumsum(new) - 1
    ordered = ranked[new]
    n = len(ordered)
    first, second = _dense_rank(ordered[:, 1]), _dense_rank(ordered[:, 2])
    pad = (-n) % _LEAF
    a = np.concatenate([first, np.full(pad, -1)]).reshape(-1, _LEAF)
    b = np.concatenate([second, np.full(pad, -1)]).reshape(-1, _LEAF)
    earlier = np.tri(_LEAF, k=-1, dtype=bool)  # [row, other]: other comes before row
    dominated = np.empty(len(a) * _LEAF, dtype=bool)
    for lo in range(0, len(a), _LEAVES_AT_ONCE):  # bounded temporaries (32 MB each)
        x, y = a[lo:lo + _LEAVES_AT_ONCE], b[lo:lo + _LEAVES_AT_ONCE]
        hit = (x[:, None, :] >= x[:, :, None]) & (y[:, None, :] >= y[:, :, None]) & earlier
        dominated[lo * _LEAF:(lo + len(x)) * _LEAF] = hit.any(axis=2).reshape(-1)
    dominated = dominated[:n]
    level = _LEAF.bit_length() - 1
    index = np.arange(n)
    descending = n - 1 - first
    order = np.argsort((index >> level) * n + descending, kind="stable")
    while (1 << level) < n:
        # `order` holds each block of 2**level rows sorted on column 1 descending; merge the
        # two blocks of each pair (on equal column 1, the left block's rows first).
        block = index[order] >> level
        pair = block >> 1
        right = (block & 1).astype(bool)
        merge = np.argsort((pair * n + descending[order]) * 2 + right, kind="stable")
        order, pair, right = order[merge], pair[merge], right[merge]
        offset = pair * (n + 2)  # keeps each pair's running maximum to itself
        rank = second[order]
        best = np.maximum.accumulate(offset + np.where(right, 0, rank + 1)) - offset - 1
        dominated[order[right & (best >= rank)]] = True
        level += 1
    return ~dominated[group]


def _split_value(column: np.ndarray) -> int | None:
    """A value v splitting `column` into two non-empty parts (< v and >= v), near the median;
    None when the column is constant."""
    low, high = column.min(), column.max()
    if low == high:
        return None
    middle = np.partition(column, len(column) // 2)[len(column) // 2]
    if middle == low:  # more than half the values are the minimum: split just above it
        middle = column[column > low].min()
    return middle


def _nondominated_nd(points: np.ndarray) -> np.ndarray:
    """Non-dominated mask for 3+ columns. Split on column 0 at a value v: no row of the upper
    part (u0 >= v) is dominated by a row of the lower part, each part is filtered on its own,
    and a surviving lower row is dominated exactly when some surviving upper row is at least
    as large on every other column (it is already strictly larger on column 0). On a constant
    column 0, dominance is dominance on the other columns."""
    n = len(points)
    if n <= _BRUTE:
        return ~_dominated_by(points, points)
    if points.shape[1] == 3:
        return _nondominated_3d(points)
    v = _split_value(points[:, 0])
    if v is None:
        return nondominated(points[:, 1:])
    upper = points[:, 0] >= v
    keep = np.zeros(n, dtype=bool)
    keep[upper] = _nondominated_nd(points[upper])
    lower = np.flatnonzero(~upper)
    lower_keep = _nondominated_nd(points[lower])
    lower = lower[lower_keep]
    beaten = _weakly_dominated(points[lower, 1:], points[upper & keep, 1:])
    keep[lower[~beaten]] = True
    return keep


def _weakly_dominated(queries: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each query row, whether some row of `points` is >= it on every column (Bentley's
    multidimensional divide and conquer, down to a sorted sweep on two columns)."""
    if len(queries) == 0 or len(points) == 0:
        return np.zeros(len(queries), dtype=bool)
    if queries.shape[1] == 1:
        return queries[:, 0] <= points[:, 0].max()
    if queries.shape[1] == 2:
        return _weakly_dominated_2d(queries, points)
    if len(queries) * len(points) <= _BRUTE * _BRUTE:
        return _at_least_any(queries, points)
    v = _split_value(np.concatenate([queries[:, 0], points[:, 0]]))
    if v is None:
        return _weakly_dominated(queries[:, 1:], points[:, 1:])
    q_upper, p_upper = queries[:, 0] >= v, points[:, 0] >= v
    out = np.zeros(len(queries), dtype=bool)
    # Upper queries can only be met by upper points; lower queries by lower points, or by any
    # upper point that is at least as large on the remaining columns.
    out[q_upper] = _weakly_dominated(queries[q_upper], points[p_upper])
    lower = np.flatnonzero(~q_upper)
    hit = _weakly_dominated(queries[lower, 1:], points[p_upper, 1:])
    rest = lower[~hit]
    out[lower[hit]] = True
    out[rest] = _weakly_dominated(queries[rest], points[~p_upper])
    return out


def _weakly_dominated_2d(queries: np.ndarray, points: np.ndarray) -> np.ndarray:
    # Sort the points on column 0; the largest column 1 among points with column 0 >= a is a
    # suffix maximum, found by binary search.
    order = np.argsort(points[:, 0], kind="stable")
    first = points[order, 0]
    best_after = np.maximum.accumulate(points[order, 1][::-1])[::-1]
    at = np.searchsorted(first, queries[:, 0], side="left")
    found = at < len(first)
    out = np.zeros(len(queries), dtype=bool)
    out[found] = best_after[at[found]] >= queries[found, 1]
    return out


def _at_least_any(queries: np.ndarray, points: np.ndarray) -> np.ndarray:
    at_least = np.ones((len(queries), len(points)), dtype=bool)
    for p in range(queries.shape[1]):
        at_least &= points[None, :, p] >= queries[:, None, p]
    return at_least.any(axis=1)


def _dominated_by(candidates: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each candidate row, whether some row of `others` dominates it (pairwise)."""
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


def first_of_ties(points: np.ndarray) -> np.ndarray:
    """Mask keeping the first row of each group of identical rows."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    _, first = np.unique(points, axis=0, return_index=True)
    mask = np.zeros(len(points), dtype=bool)
    mask[first] = True
    return mask
