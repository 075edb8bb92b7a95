"""The exact Pareto frontier of the whole product space, built issue by issue.

With additive utilities, a package is Pareto-optimal only if its restriction to issues 1..j is
Pareto-optimal among the packages of issues 1..j (otherwise swapping in the better partial
package would dominate it). So the frontier of issues 1..j+1 is the non-dominated part of the
Minkowski sum of the frontier of 1..j and the options of issue j+1: exact, and the product space
is never enumerated (models.md section 6; decision PD-001).

Each step keeps, per surviving point, a back-pointer to its parent point and the option it
added (two small integer arrays), so packages are decoded only at the end.

Non-additive terms (`Interaction`) and coupling constraints (`Exclusion`) tie some issues
together: those issues are merged into one compound issue whose joint options are enumerated in
chunks (each chunk pruned to its non-dominated points before the next), and the Minkowski
construction runs over the compound issues (decision PD-003).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from math import prod

import numpy as np

from grandbargain.deals._pareto import first_of_ties, nondominated, quantize, quantum
from grandbargain.deals._space import DealSpace, Interaction

CHUNK = 1 << 18
MAX_ENUMERATION = 200_000_000
MAX_POINTS = 5_000_000


class FrontierTooLarge(ValueError):
    """The frontier (or an enumeration it needs) would exceed the set limit."""


@dataclass(frozen=True)
class _Block:
    """One step of the construction: one issue, or several issues coupled by non-additive terms.
    `options[r]` gives, for row r of `table`, the option index of each issue in `issues`."""

    issues: tuple[int, ...]
    table: np.ndarray  # (rows, P) int64 utilities in quanta
    options: np.ndarray  # (rows, len(issues)) option indices


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier of a deal space: one row per frontier package.

    `utilities[i]` is the utility vector of frontier package i (sorted by party 0 descending,
    then party 1 descending, ...); `packages` decodes the option index per issue from the
    stored back-pointers.
    """

    space: DealSpace
    utilities: np.ndarray
    _steps: tuple[tuple[np.ndarray, np.ndarray], ...]
    _blocks: tuple[_Block, ...]
    _order: np.ndarray
    ties: str = "all"

    def __len__(self) -> int:
        return len(self.utilities)

    @cached_property
    def packages(self) -> np.ndarray:
        """(N, m) option index per issue for every frontier point, in `utilities` order."""
        return self.decode(self._order)

    def decode(self, points: np.ndarray) -> np.ndarray:
        """Packages of the given final-step point indices, walking the back-pointers."""
        return _decode(self._steps, self._blocks, points, len(self.space.issues))

    def package(self, index: int) -> tuple[int, ...]:
        return tuple(int(o) for o in self.packages[index])

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the utilities and back-pointers (not counting decoded packages)."""
        steps = sum(parent.nbytes + option.nbytes for parent, option in self._steps)
        blocks = sum(b.table.nbytes + b.options.nbytes for b in self._blocks)
        return self.utilities.nbytes + steps + blocks + self._order.nbytes


def _decode(steps, blocks, points: np.ndarray, n_issues: int) -> np.ndarray:
    points = np.asarray(points, dtype=np.int64)
    out = np.zeros((len(points), n_issues), dtype=np.int64)
    current = points
    for (parent, option), block in zip(reversed(steps), reversed(blocks), strict=True):
        rows = option[current]
        out[:, list(block.issues)] = block.options[rows]
        current = parent[current]
    return out


def _coupled_groups(space: DealSpace) -> list[tuple[int, ...]]:
    """Issues tied together by non-additive terms (union-find), each group sorted; every other
    issue is its own group. Groups come in the order of their first issue."""
    parent = list(range(len(space.issues)))

    def root(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for term in (*space.interactions, *space.exclusions):
        issues = sorted(term.when)
        for d in issues[1:]:
            parent[root(d)] = root(issues[0])
    groups: dict[int, list[int]] = {}
    for d in range(len(space.issues)):
        groups.setdefault(root(d), []).append(d)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: g[0])


def _mixed_radix(indices: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Rows of option positions for flat indices of a product of `sizes` (last varies fastest)."""
    out = np.empty((len(indices), len(sizes)), dtype=np.int64)
    rest = indices.copy()
    for j in range(len(sizes) - 1, -1, -1):
        out[:, j] = rest % sizes[j]
        rest //= sizes[j]
    return out


def _chunks(total: int, size: int) -> Iterator[np.ndarray]:
    for start in range(0, total, size):
        yield np.arange(start, min(total, start + size), dtype=np.int64)


def _block(space: DealSpace, group: tuple[int, ...], q: np.ndarray, ties: str) -> _Block:
    """The non-dominated joint options of one group of issues, red lines and exclusions applied."""
    allowed = [np.flatnonzero(space.allowed[d]) for d in group]
    if any(len(a) == 0 for a in allowed):
        return _Block(group, np.zeros((0, space.n_parties), np.int64),
                      np.zeros((0, len(group)), np.int64))
    local = {d: j for j, d in enumerate(group)}
    terms = [t for t in (*space.interactions, *space.exclusions) if set(t.when) <= set(group)]
    if len(group) == 1 and not terms:
        d = group[0]
        table = quantize(space.values[d][allowed[0]], q)
        keep = _prune(table, ties)
        return _Block(group, table[keep], allowed[0][keep, None])
    sizes = [len(a) for a in allowed]
    total = prod(sizes)
    if total > MAX_ENUMERATION:
        raise FrontierTooLarge(
            f"issues {', '.join(space.issues[d].id for d in group)} are coupled by non-additive "
            f"terms and have {total:,} joint options; the limit for enumeration is "
            f"{MAX_ENUMERATION:,}")
    best_table = np.zeros((0, space.n_parties), np.int64)
    best_options = np.zeros((0, len(group)), np.int64)
    for flat in _chunks(total, CHUNK):
        positions = _mixed_radix(flat, sizes)
        options = np.column_stack([allowed[j][positions[:, j]] for j in range(len(group))])
        utility = np.zeros((len(flat), space.n_parties))
        for j, d in enumerate(group):
            utility += space.values[d][options[:, j]]
        ok = np.ones(len(flat), dtype=bool)
        for term in terms:
            hit = np.ones(len(flat), dtype=bool)
            for d, opts in term.when.items():
                hit &= np.isin(options[:, local[d]], list(opts))
            if isinstance(term, Interaction):
                utility[hit, term.party] += term.value
            else:
                ok &= ~hit
        table = np.concatenate([best_table, quantize(utility[ok], q)])
        options = np.concatenate([best_options, options[ok]])
        keep = _prune(table, ties)
        best_table, best_options = table[keep], options[keep]
    return _Block(group, best_table, best_options)


def _prune(table: np.ndarray, ties: str) -> np.ndarray:
    keep = nondominated(table)
    if ties == "one":
        kept = np.flatnonzero(keep)
        keep = np.zeros_like(keep)
        keep[kept[first_of_ties(table[kept])]] = True
    return keep


def pareto_frontier(space: DealSpace, *, ties: str = "all",
                    max_points: int = MAX_POINTS) -> Frontier:
    """The exact Pareto frontier of every feasible package of `space`.

    `ties="all"` keeps every package of a tied utility vector; `ties="one"` keeps the first
    (fewest option indices in issue order). Raises FrontierTooLarge past `max_points`.
    """
    if ties not in ("all", "one"):
        raise ValueError(f"ties must be 'all' or 'one', not {ties!r}")
    extra = np.zeros(space.n_parties)
    for term in space.interactions:
        extra[term.party] += abs(term.value)
    q = quantum(list(space.values), extra)
    blocks = tuple(_block(space, group, q, ties) for group in _coupled_groups(space))
    current = np.zeros((1, space.n_parties), dtype=np.int64)
    steps = []
    for block in blocks:
        rows = len(block.table)
        candidates = (current[:, None, :] + block.table[None, :, :]).reshape(-1, space.n_parties)
        keep = np.flatnonzero(_prune(candidates, ties))
        if len(keep) > max_points:
            raise FrontierTooLarge(f"the frontier reached {len(keep):,} points (limit "
                                   f"{max_points:,}); try ties='one' or fewer options")
        index_type = np.int32 if max(len(current), rows) < 2**31 else np.int64
        steps.append(((keep // rows).astype(index_type), (keep % rows).astype(index_type)))
        current = candidates[keep]
    # Sort by party 0 descending, then party 1 ...; ties by lexicographic order of packages.
    points = np.arange(len(current))
    packages = _decode(steps, blocks, points, len(space.issues))
    keys = (*(packages[:, j] for j in range(packages.shape[1] - 1, -1, -1)),
            *(-current[:, p] for p in range(space.n_parties - 1, -1, -1)))
    order = np.lexsort(keys) if len(current) else points
    utilities = current[order] * q
    utilities.setflags(write=False)
    frontier = Frontier(space=space, utilities=utilities, _steps=tuple(steps), _blocks=blocks,
                        _order=order, ties=ties)
    packages = packages[order]
    packages.setflags(write=False)
    frontier.__dict__["packages"] = packages  # the cached decode
    return frontier
