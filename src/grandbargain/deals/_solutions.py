"""Bargaining solutions on the frontier and the zone of possible agreement (ZOPA).

With disagreement utilities d and gains g_p = u_p - d_p, over the frontier packages every party
weakly prefers to no deal (g_p >= 0):
- Nash: max prod_p g_p.
- Kalai-Smorodinsky: max min_p g_p / (a_p - d_p), a_p the best utility p can get in a deal all
  parties accept (decision PD-004 on how this differs from argmin |g_1 - g_2|).
- egalitarian: max min_p g_p.
- utilitarian: max sum_p u_p.
Ties are broken by leximin on the same gains, then by the larger sum of gains, then by the
first frontier row (decision PD-005). If no package makes every party strictly better off
(an empty ZOPA), there is no solution: the disagreement point stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from grandbargain.deals._frontier import Frontier, _chunks, _mixed_radix

SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
RELATIVE_TOLERANCE = 1e-9
ENUMERATION_LIMIT = 2_000_000
CHUNK = 1 << 16


@dataclass(frozen=True, eq=False)
class Solution:
    """One bargaining solution: which frontier row, its package, utilities and gains."""

    name: str
    index: int
    package: tuple[int, ...]
    utilities: np.ndarray
    gains: np.ndarray
    tied: int = 1


@dataclass(frozen=True, eq=False)
class Zopa:
    """The packages every party strictly prefers to no deal.

    `packages`: frontier packages in the ZOPA (`indices` into the frontier). `max_gain` and
    `min_gain`: per party, the largest and smallest gain among them. `area` (two parties): the
    area between the disagreement point and the frontier, in utility units squared. `share`:
    the fraction of all feasible packages in the ZOPA, counted exactly (`share_exact`) or
    estimated from `sampled` random packages.
    """

    empty: bool
    packages: int
    indices: np.ndarray
    disagreement: np.ndarray
    max_gain: np.ndarray
    min_gain: np.ndarray
    area: float | None
    share: float | None
    share_exact: bool
    sampled: int


def tolerance(frontier: Frontier) -> np.ndarray:
    """Per party, gains smaller than this count as zero (1e-9 of the utility range, at least
    1e-12): utilities are sums of rounded numbers, so exact zero tests would be arbitrary."""
    u = frontier.utilities
    spread = np.zeros(frontier.space.n_parties)
    for table in frontier.space.values:
        if len(table):
            spread += table.max(axis=0) - table.min(axis=0)
    if len(u):
        spread = np.maximum(spread, np.abs(u).max(axis=0))
    return np.maximum(spread * RELATIVE_TOLERANCE, 1e-12)


def _disagreement(frontier: Frontier, disagreement) -> np.ndarray:
    if disagreement is None:
        return np.asarray(frontier.space.disagreement, dtype=float)
    d = np.asarray(disagreement, dtype=float).reshape(-1)
    if d.shape != (frontier.space.n_parties,):
        raise ValueError(f"disagreement must hold {frontier.space.n_parties} utilities")
    return d


def _strict(frontier: Frontier, d: np.ndarray) -> np.ndarray:
    return np.all(frontier.utilities - d > tolerance(frontier), axis=1)


def _best(candidates: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The candidates whose score is the maximum, within a relative 1e-12."""
    top = scores[candidates].max()
    return candidates[scores[candidates] >= top - 1e-12 * max(1.0, abs(top))]


def _leximin(candidates: np.ndarray, values: np.ndarray) -> np.ndarray:
    ranked = np.sort(values, axis=1)
    for column in range(ranked.shape[1]):
        candidates = _best(candidates, ranked[:, column])
        if len(candidates) == 1:
            break
    return candidates


def _pick(name: str, gains: np.ndarray, normalised: np.ndarray, rows: np.ndarray) -> tuple:
    total = gains.sum(axis=1)
    everyone = np.arange(len(gains))
    if name == "nash":
        # Each party's gains times a power of two (exact) so that the product cannot overflow;
        # the order of the products, ties included, is unchanged.
        _, exponent = np.frexp(gains.max(axis=0))
        tied = _best(everyone, np.prod(np.ldexp(gains, -exponent), axis=1))
        chosen = _best(_leximin(tied, gains), total)
    elif name == "kalai_smorodinsky":
        tied = _best(everyone, normalised.min(axis=1))
        chosen = _best(_leximin(tied, normalised), total)
    elif name == "egalitarian":
        tied = _best(everyone, gains.min(axis=1))
        chosen = _best(_leximin(tied, gains), total)
    elif name == "utilitarian":
        tied = _best(everyone, total)
        chosen = _leximin(tied, gains)
    else:
        raise ValueError(f"unknown solution '{name}' (known: {', '.join(SOLUTIONS)})")
    return int(rows[chosen.min()]), len(tied)


def solve(frontier: Frontier, disagreement=None,
          names: tuple[str, ...] = SOLUTIONS) -> dict[str, Solution | None]:
    """The bargaining solutions on the frontier (None for each when the ZOPA is empty)."""
    d = _disagreement(frontier, disagreement)
    if not len(frontier) or not _strict(frontier, d).any():
        return {name: None for name in names}
    u = frontier.utilities
    tol = tolerance(frontier)
    rows = np.flatnonzero(np.all(u - d >= -tol, axis=1))
    gains = np.clip(u[rows] - d, 0.0, None)
    reach = gains.max(axis=0)
    normalised = np.where(reach > tol, gains / np.where(reach > tol, reach, 1.0), 1.0)
    out: dict[str, Solution | None] = {}
    for name in names:
        index, tied = _pick(name, gains, normalised, rows)
        utilities = u[index].copy()
        out[name] = Solution(name=name, index=index, package=frontier.package(index),
                             utilities=utilities, gains=utilities - d, tied=tied)
    return out


def _area(gains: np.ndarray) -> float:
    """Area dominated by 2-D gain points (all positive), above the origin."""
    order = np.argsort(-gains[:, 0], kind="stable")
    x, y = gains[order, 0], gains[order, 1]
    top = np.maximum.accumulate(y)
    previous = np.concatenate([[0.0], top[:-1]])
    return float(np.sum(x * np.clip(top - previous, 0.0, None)))


def _half_sums(space, issues: list[int], allowed: list[np.ndarray]) -> np.ndarray:
    """Utilities (n, P) of every combination of the allowed options of some issues."""
    sizes = [len(allowed[d]) for d in issues]
    positions = _mixed_radix(np.arange(prod(sizes), dtype=np.int64), sizes)
    out = np.zeros((len(positions), space.n_parties))
    for j, d in enumerate(issues):
        out += space.values[d][allowed[d][positions[:, j]]]
    return out


def _count_exact(space, allowed: list[np.ndarray], threshold: np.ndarray) -> int:
    """Packages whose utility exceeds `threshold` for every party, counted by meeting in the
    middle: all sums of the first issues against all sums of the rest, block by block."""
    sizes = [len(a) for a in allowed]
    split, left = 0, 1
    while split < len(sizes) and left * sizes[split] <= prod(sizes) // (left * sizes[split]):
        left *= sizes[split]
        split += 1
    first = _half_sums(space, list(range(split)), allowed)
    second = _half_sums(space, list(range(split, len(sizes))), allowed)
    block = max(1, (1 << 22) // max(1, len(second)))
    count = 0
    for start in range(0, len(first), block):
        need = threshold - first[start:start + block]
        above = np.ones((len(need), len(second)), dtype=bool)
        for p in range(space.n_parties):
            above &= second[None, :, p] > need[:, None, p]
        count += int(above.sum())
    return count


def _share(frontier: Frontier, d: np.ndarray, tol: np.ndarray, exact_limit: int, sample: int,
           seed: int) -> tuple[float | None, bool, int]:
    space = frontier.space
    allowed = [np.flatnonzero(a) for a in space.allowed]
    if any(len(a) == 0 for a in allowed):
        return None, True, 0
    sizes = [len(a) for a in allowed]
    total = prod(sizes)
    if space.additive and total <= exact_limit:
        return _count_exact(space, allowed, d + tol) / total, True, 0
    if total <= min(exact_limit, ENUMERATION_LIMIT):
        batches = (_mixed_radix(flat, sizes) for flat in _chunks(total, CHUNK))
        exact = True
    else:
        rng = np.random.default_rng(seed)
        batches = ((rng.random((n, len(sizes))) * sizes).astype(np.int64)
                   for n in [CHUNK] * (sample // CHUNK) + [sample % CHUNK] if n)
        exact = False
    inside = feasible = 0
    tables = [space.values[d_][options] for d_, options in enumerate(allowed)]
    for positions in batches:
        if space.additive:
            utilities = np.zeros((len(positions), space.n_parties))
            for d_, table in enumerate(tables):
                utilities += table[positions[:, d_]]
            feasible += len(positions)
        else:
            packages = np.empty_like(positions)
            for d_, options in enumerate(allowed):
                packages[:, d_] = options[positions[:, d_]]
            ok = space.feasible(packages)
            feasible += int(ok.sum())
            utilities = space.utilities(packages[ok])
        inside += int(np.all(utilities - d > tol, axis=1).sum())
    if feasible == 0:
        return None, exact, 0
    return inside / feasible, exact, 0 if exact else sample


def zopa(frontier: Frontier, disagreement=None, *, exact_limit: int = 10**8,
         sample: int = 200_000, seed: int = 0) -> Zopa:
    """The ZOPA: its frontier packages, each party's gain range, its area (two parties) and its
    share of the feasible package space: counted exactly for additive spaces of up to
    `exact_limit` packages (meet in the middle: about sqrt(n) memory, n comparisons), by
    enumeration for non-additive spaces up to 2 million packages, else estimated from `sample`
    random packages drawn with `seed`."""
    d = _disagreement(frontier, disagreement)
    tol = tolerance(frontier)
    strict = _strict(frontier, d) if len(frontier) else np.zeros(0, dtype=bool)
    indices = np.flatnonzero(strict)
    gains = frontier.utilities[indices] - d
    n_parties = frontier.space.n_parties
    empty = len(indices) == 0
    share, exact, sampled = _share(frontier, d, tol, exact_limit, sample, seed)
    return Zopa(
        empty=empty, packages=len(indices), indices=indices, disagreement=d,
        max_gain=gains.max(axis=0) if not empty else np.zeros(n_parties),
        min_gain=gains.min(axis=0) if not empty else np.zeros(n_parties),
        area=(_area(gains) if not empty else 0.0) if n_parties == 2 else None,
        share=share, share_exact=exact, sampled=sampled)
