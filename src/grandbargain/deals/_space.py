"""The deal space: parties, issues with discrete options, and additive utilities.

Notation (used across `grandbargain.deals`): parties p = 0..P-1, issues d = 0..m-1, options
o = 0..k_d-1 of issue d. `values[d][o, p]` is party p's utility contribution from option o of
issue d, already weighted (u_p(package) = sum_d values[d][package[d], p], plus any
`Interaction` terms). `rejected[d][o, p]` is True where party p's red line rules option o out;
a package is feasible when no party rejects any of its options and no `Exclusion` matches it.
`disagreement[p]` is p's utility if there is no deal (the status quo package, or a reservation
value); `reference` is the no-deal package itself when there is one (option index per issue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from math import prod
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class Party:
    """A party to a deal (a government, or a negotiator in a benchmark domain)."""

    id: str
    name: str = ""
    name_zh: str = ""

    def text(self, lang: str = "en") -> str:
        if lang == "zh" and self.name_zh:
            return self.name_zh
        return self.name or self.id


@dataclass(frozen=True)
class Option:
    """One option of an issue: a point on the issue's scale (`value`) or a named category."""

    label: str
    label_zh: str = ""
    value: float | None = None

    def text(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" and self.label_zh else self.label


@dataclass(frozen=True)
class DealIssue:
    """An issue of the deal with its discrete options."""

    id: str
    options: tuple[Option, ...]
    name: str = ""
    name_zh: str = ""

    def text(self, lang: str = "en") -> str:
        if lang == "zh" and self.name_zh:
            return self.name_zh
        return self.name or self.id


@dataclass(frozen=True)
class Interaction:
    """A non-additive term: `party` gains `value` when, on every issue d of `when`, the package's
    option is one of `when[d]` (option indices). Negative values are penalties."""

    party: int
    when: Mapping[int, frozenset[int]]
    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", MappingProxyType(
            {int(d): frozenset(int(o) for o in opts) for d, opts in self.when.items()}))


@dataclass(frozen=True)
class Exclusion:
    """A coupling constraint: packages whose option on every issue d of `when` is one of
    `when[d]` are not feasible (e.g. "no chip relief without rare-earth licences")."""

    when: Mapping[int, frozenset[int]]
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", MappingProxyType(
            {int(d): frozenset(int(o) for o in opts) for d, opts in self.when.items()}))


def _readonly(array: np.ndarray, dtype) -> np.ndarray:
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class DealSpace:
    """Everything the frontier and the solutions need, as small frozen objects and arrays."""

    parties: tuple[Party, ...]
    issues: tuple[DealIssue, ...]
    values: tuple[np.ndarray, ...]
    disagreement: np.ndarray
    rejected: tuple[np.ndarray, ...] = ()
    reference: tuple[int, ...] | None = None
    interactions: tuple[Interaction, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    title: str = ""
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        n_parties = len(self.parties)
        if n_parties < 1:
            raise ValueError("a deal needs at least one party")
        if len(self.values) != len(self.issues):
            raise ValueError("values must hold one table per issue")
        values = []
        for issue, table in zip(self.issues, self.values, strict=True):
            table = np.asarray(table, dtype=float)
            if table.shape != (len(issue.options), n_parties):
                raise ValueError(f"issue '{issue.id}': values must have shape "
                                 f"({len(issue.options)}, {n_parties}), not {table.shape}")
            if not np.all(np.isfinite(table)):
                raise ValueError(f"issue '{issue.id}': values must be finite")
            values.append(_readonly(table, float))
        object.__setattr__(self, "values", tuple(values))
        rejected = self.rejected or tuple(np.zeros(t.shape, dtype=bool) for t in values)
        if len(rejected) != len(values):
            raise ValueError("rejected must hold one mask per issue")
        checked = []
        for issue, mask, table in zip(self.issues, rejected, values, strict=True):
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != table.shape:
                raise ValueError(f"issue '{issue.id}': rejected must have shape {table.shape}")
            checked.append(_readonly(mask, bool))
        object.__setattr__(self, "rejected", tuple(checked))
        d = np.asarray(self.disagreement, dtype=float).reshape(-1)
        if d.shape != (n_parties,) or not np.all(np.isfinite(d)):
            raise ValueError(f"disagreement must be {n_parties} finite utilities")
        object.__setattr__(self, "disagreement", _readonly(d, float))
        if self.reference is not None:
            ref = tuple(int(o) for o in self.reference)
            if len(ref) != len(self.issues) or any(
                    not 0 <= o < len(i.options) for o, i in zip(ref, self.issues, strict=True)):
                raise ValueError("reference must give a valid option index for every issue")
            object.__setattr__(self, "reference", ref)
        for term in (*self.interactions, *self.exclusions):
            for d_, opts in term.when.items():
                if not 0 <= d_ < len(self.issues) or any(
                        not 0 <= o < len(self.issues[d_].options) for o in opts):
                    raise ValueError(f"a non-additive term names an unknown issue or option: "
                                     f"{dict(term.when)}")
        for term in self.interactions:
            if not 0 <= term.party < n_parties or not np.isfinite(term.value):
                raise ValueError("an interaction names an unknown party or a non-finite value")
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_packages(self) -> int:
        """Size of the whole product space (every option of every issue)."""
        return prod(len(i.options) for i in self.issues)

    @cached_property
    def allowed(self) -> tuple[np.ndarray, ...]:
        """Per issue, the options no party's red line rules out (computed once: the frontier
        asks for it per issue)."""
        out = tuple(~mask.any(axis=1) for mask in self.rejected)
        for array in out:
            array.setflags(write=False)
        return out

    @property
    def additive(self) -> bool:
        return not self.interactions and not self.exclusions

    def party_index(self, party_id: str) -> int:
        for p, party in enumerate(self.parties):
            if party.id == party_id:
                return p
        raise KeyError(party_id)

    def utilities(self, packages: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """(n, P) utilities of packages given as (n, m) option indices (red lines ignored)."""
        packs = np.asarray(packages, dtype=np.int64).reshape(-1, len(self.issues))
        out = np.zeros((len(packs), self.n_parties))
        for d, table in enumerate(self.values):
            out += table[packs[:, d]]
        for term in self.interactions:
            hit = np.ones(len(packs), dtype=bool)
            for d, opts in term.when.items():
                hit &= np.isin(packs[:, d], list(opts))
            out[hit, term.party] += term.value
        return out

    def feasible(self, packages: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """(n,) True where no red line and no exclusion rules the package out."""
        packs = np.asarray(packages, dtype=np.int64).reshape(-1, len(self.issues))
        ok = np.ones(len(packs), dtype=bool)
        for d, allowed in enumerate(self.allowed):
            ok &= allowed[packs[:, d]]
        for term in self.exclusions:
            hit = np.ones(len(packs), dtype=bool)
            for d, opts in term.when.items():
                hit &= np.isin(packs[:, d], list(opts))
            ok &= ~hit
        return ok

    def best_values(self) -> np.ndarray:
        """(m, P) each party's best contribution on each issue among the allowed options
        (its ideal among what is on the table); NaN where an issue has no allowed option."""
        out = np.full((len(self.issues), self.n_parties), np.nan)
        for d, (table, allowed) in enumerate(zip(self.values, self.allowed, strict=True)):
            if allowed.any():
                out[d] = table[allowed].max(axis=0)
        return out
