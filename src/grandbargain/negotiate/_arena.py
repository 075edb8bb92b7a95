"""Every package of a deal space with every party's utility, precomputed once as arrays.

Packages are numbered by their flat index in the product of each issue's allowed options (the
last issue varies fastest, as `itertools.product` and NegMAS enumerate them). For each party
the packages are also kept sorted by its own utility, so that "the least I would still offer
at target utility u" is one binary search (`numpy.searchsorted`).

Tie rule (decision NEG-004): packages a party values equally (to 1e-12) are ordered by the
others' total utility, best for the others first, so a party never offers a package that is
worse for the other side at no gain to itself; packages equal for every party are taken in
turn (the k-th offer from such a group is its (k mod size)-th member), so no option index is
favoured.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from grandbargain.deals import DealSpace

MAX_PACKAGES = 5_000_000
_TIE = 1e-12


class ArenaTooLarge(ValueError):
    """The deal space has more packages than a negotiation enumerates."""


@dataclass(frozen=True, eq=False)
class Arena:
    """The deal space as arrays: `utilities[i, p]` of package i for party p, `reserve[p]` its
    reservation value (the disagreement point), and per party the packages in ascending order
    of its own utility (`order[p]`, `sorted_utility[p]`)."""

    space: DealSpace
    allowed: tuple[np.ndarray, ...]  # per issue, the option indices packages can take
    utilities: np.ndarray  # (n, P)
    reserve: np.ndarray  # (P,)
    order: tuple[np.ndarray, ...]  # per party, (n,) package ids by own utility, ascending
    sorted_utility: tuple[np.ndarray, ...]  # per party, (n,) own utility in that order (a run
    # of ties, to 1e-12, at its lowest value, so that a search lands on the run's start)
    group_start: tuple[np.ndarray, ...]  # per party, (n,) first position of the tie group
    group_size: tuple[np.ndarray, ...]  # per party, (n,) size of the tie group
    best: np.ndarray  # (P,) highest utility of each party over the packages
    floor: np.ndarray  # (P,) max(reserve, lowest utility): where concession stops
    excluded: np.ndarray | None = None  # (n,) True where an exclusion rules a package out

    @property
    def n_packages(self) -> int:
        return int(self.utilities.shape[0])

    @property
    def n_parties(self) -> int:
        return int(self.utilities.shape[1])

    def options(self, package: int | np.ndarray) -> np.ndarray:
        """Option index per issue of package id(s): (m,) for one id, (k, m) for an array."""
        shape = tuple(len(a) for a in self.allowed)
        flat = np.asarray(package, dtype=np.int64)
        positions = np.unravel_index(flat, shape)
        return np.stack([a[pos] for a, pos in zip(self.allowed, positions, strict=True)],
                        axis=-1)

    def package_id(self, options) -> int:
        """The package id of a tuple of option indices (one per issue); KeyError if a red line
        or an exclusion rules it out."""
        positions = []
        for a, o in zip(self.allowed, options, strict=True):
            where = np.flatnonzero(a == int(o))
            if not where.size:
                raise KeyError(tuple(options))
            positions.append(int(where[0]))
        flat = int(np.ravel_multi_index(positions, tuple(len(a) for a in self.allowed)))
        if self.excluded is not None and self.excluded[flat]:
            raise KeyError(tuple(options))
        return flat

    def lowest_at_least(self, party: int, level: float) -> int:
        """Position in `order[party]` of the least package worth at least `level` to the party
        (the best one if none is)."""
        su = self.sorted_utility[party]
        k = int(np.searchsorted(su, level, side="left"))
        return min(k, len(su) - 1)

    def nicest(self, party: int, level: float, band: float, turn: int) -> int:
        """Among the packages worth `level` to `level + band` to the party, the one best for
        the others (ties: the lowest such utility for the party, then the rotation of `pick`);
        with band 0, the least package worth at least `level`."""
        start = self.lowest_at_least(party, level)
        if band <= 0:
            return self.pick(party, start, turn)
        stop = int(np.searchsorted(self.sorted_utility[party], level + band, side="right"))
        if stop <= start + 1:
            return self.pick(party, start, turn)
        ids = self.order[party][start:stop]
        others = self.utilities[ids].sum(axis=1) - self.utilities[ids, party]
        return self.pick(party, start + int(np.argmax(others)), turn)

    def pick(self, party: int, position: int, turn: int) -> int:
        """The package at a sorted position, rotating among packages tied for every party."""
        start = int(self.group_start[party][position])
        size = int(self.group_size[party][position])
        return int(self.order[party][start + turn % size]) if size > 1 else \
            int(self.order[party][position])


def _utility_grid(space: DealSpace, allowed: tuple[np.ndarray, ...]) -> np.ndarray:
    """(n, P) utilities of every package of the allowed-option product, flat C order."""
    P = space.n_parties
    total = np.zeros((1, P))
    for table, options in zip(space.values, allowed, strict=True):
        part = table[options]  # (k, P)
        total = (total[:, None, :] + part[None, :, :]).reshape(-1, P)
    return total


def _runs(tied: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted values where tied[i] says element i+1 ties element i: per element, the first
    position of its run and the run's size."""
    new = np.ones(len(tied) + 1, dtype=bool)
    new[1:] = ~tied
    first = np.flatnonzero(new)
    size = np.diff(np.append(first, len(new)))
    run = np.cumsum(new) - 1
    return first[run], size[run]


def _sorted_with_ties(own: np.ndarray, others: np.ndarray):
    """Positions sorted by own utility ascending; within own ties (to 1e-12, chained), by the
    others' utility descending. Also, per sorted position, the start and size of its group of
    packages tied on both."""
    order = np.argsort(own)  # ties are put in a fixed order below, whatever the sort did
    su = own[order]
    tied = np.diff(su) <= _TIE * np.maximum(1.0, np.abs(su[1:]))
    levels = su
    if tied.any():
        first, size = _runs(tied)
        levels = su[first]  # a tied run searches as one value: its lowest
        in_run = np.flatnonzero(size > 1)
        sub = order[in_run]
        within = np.lexsort((sub, -others[sub], first[in_run]))
        order[in_run] = sub[within]
        so = others[order]
        both = tied & (np.abs(np.diff(so)) <= _TIE * np.maximum(1.0, np.abs(so[1:])))
        start, group = _runs(both)
    else:
        start, group = np.arange(len(order)), np.ones(len(order), dtype=np.int64)
    return order, levels, start, group


def _fingerprint(space: DealSpace) -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for part in (*space.values, *space.rejected, space.disagreement):
        digest.update(np.ascontiguousarray(part).tobytes())
        digest.update(str(part.shape).encode())
    digest.update(repr((space.parties, space.issues, space.interactions,
                        space.exclusions)).encode())
    return digest.hexdigest()


_LAST: dict[str, Arena] = {}


def cached_arena(space: DealSpace, *, max_packages: int = MAX_PACKAGES) -> Arena:
    """`build_arena`, reusing the last arena built in this process when the deal space is the
    same (same utilities, red lines, parties, issues and options): a command run twice in one
    process (tests, the web app) sorts millions of packages once."""
    key = _fingerprint(space)
    if key not in _LAST:
        arena = build_arena(space, max_packages=max_packages)
        _LAST.clear()
        _LAST[key] = arena
    return _LAST[key]


def build_arena(space: DealSpace, *, max_packages: int = MAX_PACKAGES) -> Arena:
    """Enumerate the feasible packages of a deal space and sort them for every party."""
    allowed = tuple(np.flatnonzero(mask) for mask in space.allowed)
    empty = [space.issues[d].id for d, a in enumerate(allowed) if not a.size]
    if empty:
        raise ArenaTooLarge(f"the red lines rule out every option of issue(s) "
                            f"{', '.join(empty)}: no package is feasible")
    n = prod(len(a) for a in allowed)
    if n > max_packages:
        raise ArenaTooLarge(f"the deal space has {n:,} packages, more than the {max_packages:,} "
                            "a negotiation enumerates; give some issues fewer options")
    utilities = _utility_grid(space, allowed)
    excluded = None
    if not space.additive:
        shape = tuple(len(a) for a in allowed)
        packs = np.stack([a[pos] for a, pos in zip(allowed, np.unravel_index(
            np.arange(n), shape), strict=True)], axis=-1)
        utilities = space.utilities(packs)
        excluded = ~space.feasible(packs)
        if excluded.all():
            raise ArenaTooLarge("the exclusions rule out every package")
        # Excluded packages stay in the numbering but never in any party's order.
    P = space.n_parties
    keep = np.flatnonzero(~excluded) if excluded is not None else None
    index_dtype = np.int32 if n < 2**31 else np.int64
    orders, sorted_u, starts, sizes = [], [], [], []
    total = utilities.sum(axis=1) if keep is None else utilities[keep].sum(axis=1)
    for p in range(P):
        own = utilities[:, p] if keep is None else utilities[keep, p]
        others = total - own
        order, levels, start, size = _sorted_with_ties(own, others)
        ids = order if keep is None else keep[order]
        orders.append(ids.astype(index_dtype))
        sorted_u.append(np.ascontiguousarray(levels))
        starts.append(start.astype(index_dtype))
        sizes.append(size.astype(index_dtype))
    feasible = utilities if keep is None else utilities[keep]
    reserve = np.asarray(space.disagreement, dtype=float)
    best = feasible.max(axis=0)
    floor = np.maximum(reserve, feasible.min(axis=0))
    for array in (utilities, reserve, best, floor, *orders, *sorted_u, *starts, *sizes):
        array.setflags(write=False)
    if excluded is not None:
        excluded.setflags(write=False)
    return Arena(space=space, allowed=allowed, utilities=utilities, reserve=reserve,
                 order=tuple(orders), sorted_utility=tuple(sorted_u),
                 group_start=tuple(starts), group_size=tuple(sizes), best=best, floor=floor,
                 excluded=excluded)
