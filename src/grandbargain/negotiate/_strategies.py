"""Negotiation strategies (models.md section 7): how a party makes offers, and when it accepts.

Every strategy is a small frozen class with one method, `offer(arena, me, t, turn, offers,
proposers) -> package id`, and an acceptance rule with `accepts(u_offer, u_next, t, reserve)`.
`t` is relative time in (0, 1), `turn` how many offers the party has made so far, `offers` and
`proposers` the package ids offered so far and by whom (read-only sequences, numpy arrays in
`negotiate`).

Time-dependent concession (Faratin et al. 1998; NegMAS's `PolyAspiration`): the target utility
at time t is  floor + (best - floor) * (1 - t^(1/e)),  where best is the party's best package,
floor the larger of its reservation value and its worst package. e < 1 concedes late
(Boulware, e = 1/4 by default as in NegMAS), e = 1 linearly, e > 1 early (Conceder, e = 4).
The offer is the least package (for the party) worth at least target - tolerance (NegMAS's
`worst_in`, decision NEG-003), with the arena's tie rule (NEG-004).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from grandbargain.negotiate._arena import Arena

TOLERANCE = 1e-4  # NegMAS's default `eps` of time-based negotiators (absolute utility)


# --- acceptance -------------------------------------------------------------------------------

class Acceptance(ABC):
    """When a party accepts the offer on the table. Never below its reservation value."""

    @abstractmethod
    def accepts(self, u_offer: float, u_next: float, t: float, reserve: float) -> bool: ...

    @property
    @abstractmethod
    def spec(self) -> str: ...


@dataclass(frozen=True)
class AcceptNext(Acceptance):
    """AC_next: accept when the offer is worth at least what the party would offer next."""

    def accepts(self, u_offer: float, u_next: float, t: float, reserve: float) -> bool:
        return u_offer >= u_next and u_offer >= reserve

    @property
    def spec(self) -> str:
        return "next"


@dataclass(frozen=True)
class AcceptConstant(Acceptance):
    """AC_const: accept any offer worth at least `level` (and the reservation value)."""

    level: float

    def accepts(self, u_offer: float, u_next: float, t: float, reserve: float) -> bool:
        return u_offer >= max(self.level, reserve)

    @property
    def spec(self) -> str:
        return f"const:{self.level:g}"


@dataclass(frozen=True)
class AcceptTime(Acceptance):
    """AC_time: from relative time `after` on, accept any offer at least the reservation value;
    before it, accept as AC_next does."""

    after: float

    def accepts(self, u_offer: float, u_next: float, t: float, reserve: float) -> bool:
        return u_offer >= reserve and (t >= self.after or u_offer >= u_next)

    @property
    def spec(self) -> str:
        return f"time:{self.after:g}"


# --- offering -----------------------------------------------------------------------------------

class Strategy(ABC):
    """A negotiation strategy: its offers and its acceptance rule."""

    acceptance: Acceptance

    @abstractmethod
    def offer(self, arena: Arena, me: int, t: float, turn: int, offers: Sequence[int],
              proposers: Sequence[int]) -> int: ...

    @property
    @abstractmethod
    def kind(self) -> str: ...

    @property
    def spec(self) -> str:
        """The name that `parse_strategy` reads back."""
        suffix = "" if isinstance(self.acceptance, AcceptNext) else f"+{self.acceptance.spec}"
        return f"{self.kind}{suffix}"


def _last(offers: Sequence[int], proposers: Sequence[int], me: int, count: int,
          mine: bool) -> list[int]:
    """The last `count` offers made by `me` (mine=True) or by the others, oldest first."""
    out: list[int] = []
    for k in range(len(offers) - 1, -1, -1):
        if (proposers[k] == me) == mine:
            out.append(int(offers[k]))
            if len(out) == count:
                break
    return out[::-1]


def _at_level(arena: Arena, me: int, level: float, turn: int, band: float = 0.0) -> int:
    level = min(max(level, arena.floor[me]), arena.best[me])
    return arena.nicest(me, level, band, turn)


def target_utility(arena: Arena, me: int, t: float, exponent: float) -> float:
    """floor + (best - floor) * (1 - t^(1/e)) for the party `me`."""
    best, floor = float(arena.best[me]), float(arena.floor[me])
    return floor + (best - floor) * (1.0 - t ** (1.0 / exponent))


NAMED_EXPONENTS = {"boulware": 0.25, "linear": 1.0, "conceder": 4.0}


@dataclass(frozen=True)
class TimeDependent(Strategy):
    """Concede on a fixed schedule in time: Boulware (e < 1), linear (e = 1), conceder (e > 1)."""

    exponent: float = 1.0
    acceptance: Acceptance = field(default_factory=AcceptNext)
    tolerance: float = TOLERANCE
    band: float = 0.0  # > 0: offer the package best for the other side within this band

    def __post_init__(self) -> None:
        if not (np.isfinite(self.exponent) and self.exponent > 0):
            raise ValueError(f"a time-dependent exponent must be a positive number, not "
                             f"{self.exponent}")

    def offer(self, arena, me, t, turn, offers, proposers) -> int:
        return _at_level(arena, me, target_utility(arena, me, t, self.exponent)
                         - self.tolerance, turn, self.band)

    @property
    def kind(self) -> str:
        for name, e in NAMED_EXPONENTS.items():
            if e == self.exponent:
                return name
        return f"time:{self.exponent:g}"


@dataclass(frozen=True)
class Hardliner(Strategy):
    """Offer its best package every time (never concede)."""

    acceptance: Acceptance = field(default_factory=AcceptNext)

    def offer(self, arena, me, t, turn, offers, proposers) -> int:
        return _at_level(arena, me, float(arena.best[me]), turn)

    @property
    def kind(self) -> str:
        return "hardliner"


@dataclass(frozen=True)
class TitForTat(Strategy):
    """Relative tit-for-tat (Faratin et al. 1998, in utility): concede, in its own utility, as
    much as the other side's last offer gained it over the one before (and take back as much
    when the other side hardens). Opens with its best package."""

    acceptance: Acceptance = field(default_factory=AcceptNext)
    tolerance: float = TOLERANCE
    band: float = 0.0

    def offer(self, arena, me, t, turn, offers, proposers) -> int:
        mine, theirs = _last(offers, proposers, me, 1, True), \
            _last(offers, proposers, me, 2, False)
        if not mine or len(theirs) < 2:
            level = float(arena.best[me]) if not mine else float(arena.utilities[mine[-1], me])
            return _at_level(arena, me, level, turn, self.band)
        u = arena.utilities[:, me]
        gained = float(u[theirs[-1]] - u[theirs[-2]])
        return _at_level(arena, me, float(u[mine[-1]]) - gained - self.tolerance, turn,
                         self.band)

    @property
    def kind(self) -> str:
        return "tit-for-tat"


def frequency_model(arena: Arena, packages: Sequence[int]) -> list[np.ndarray]:
    """Per issue, the estimated weighted value of each option to the party that offered
    `packages` (the frequency model of Hardheaded / Baarslag et al. 2013): an option's value
    is how often it was offered over the count of the most offered option of that issue; an
    issue's weight grows with how often the party kept it unchanged between consecutive offers
    (1 + unchanged count, normalised to sum 1)."""
    shape = tuple(len(a) for a in arena.allowed)
    positions = np.unravel_index(np.asarray(packages, dtype=np.int64), shape)
    weights = np.array([1.0 + np.count_nonzero(pos[1:] == pos[:-1]) for pos in positions])
    weights = weights / weights.sum()
    out = []
    for d, pos in enumerate(positions):
        counts = np.bincount(pos, minlength=shape[d]).astype(float)
        out.append(weights[d] * counts / counts.max())
    return out


def _modelled(arena: Arena, tables: list[np.ndarray], ids: np.ndarray) -> np.ndarray:
    shape = tuple(len(a) for a in arena.allowed)
    positions = np.unravel_index(ids.astype(np.int64), shape)
    total = np.zeros(len(ids))
    for table, pos in zip(tables, positions, strict=True):
        total += table[pos]
    return total


@dataclass(frozen=True)
class BestResponse(Strategy):
    """Best response to a frequency model of the other side (two parties): among the packages
    worth at least its time-dependent floor (exponent `exponent`), offer the best for itself
    that the model says the other side would accept (modelled utility at least that of the
    other side's own last offer); if none, the one the model rates highest. Opens with its best
    package."""

    exponent: float = 1.0
    acceptance: Acceptance = field(default_factory=AcceptNext)
    tolerance: float = TOLERANCE

    def offer(self, arena, me, t, turn, offers, proposers) -> int:
        theirs = np.asarray(offers, dtype=np.int64)[np.asarray(proposers) != me]
        if not len(theirs):
            return _at_level(arena, me, float(arena.best[me]), turn)
        level = min(max(target_utility(arena, me, t, self.exponent) - self.tolerance,
                        float(arena.floor[me])), float(arena.best[me]))
        start = arena.lowest_at_least(me, level)
        candidates = arena.order[me][start:]  # ascending own utility
        tables = frequency_model(arena, theirs)
        modelled = _modelled(arena, tables, candidates)
        bar = float(_modelled(arena, tables, np.array([theirs[-1]]))[0])
        ok = np.flatnonzero(modelled >= bar - 1e-12)
        if ok.size:
            return int(candidates[ok[-1]])  # highest own utility the model says it accepts
        top = np.flatnonzero(modelled == modelled.max())
        return int(candidates[top[-1]])

    @property
    def kind(self) -> str:
        return "best-response" if self.exponent == 1.0 else f"best-response:{self.exponent:g}"


# --- names ----------------------------------------------------------------------------------------

STRATEGY_NAMES = ("boulware", "linear", "conceder", "time:E", "hardliner", "tit-for-tat",
                  "best-response[:E]")
ACCEPTANCE_NAMES = ("next", "const:U", "time:T")
SPEC_HELP = ("NAME[+ACCEPT] with NAME one of boulware (e=0.25), linear, conceder (e=4), time:E "
             "(any exponent E > 0), hardliner, tit-for-tat, best-response[:E]; ACCEPT one of "
             "next (default: accept what you would offer next), const:U (accept utility >= U), "
             "time:T (accept anything above the reservation value from relative time T)")
_NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
_TIME = re.compile(rf"^time:{_NUMBER}$")
_BEST = re.compile(rf"^best-response(?::{_NUMBER})?$")
ALIASES = {"tft": "tit-for-tat", "titfortat": "tit-for-tat", "br": "best-response",
           "hawk": "boulware", "hardheaded": "hardliner"}


def parse_acceptance(text: str) -> Acceptance:
    text = text.strip().lower()
    if text in ("next", "ac_next", "ac-next"):
        return AcceptNext()
    kind, _, value = text.partition(":")
    try:
        number = float(value)
    except ValueError:
        number = None
    if kind == "const" and number is not None and np.isfinite(number):
        return AcceptConstant(number)
    if kind == "time" and number is not None and 0 <= number <= 1:
        return AcceptTime(number)
    raise ValueError(f"unknown acceptance rule '{text}' (known: next, const:U, time:T with T in "
                     "[0, 1])")


def parse_strategy(text: str) -> Strategy:
    """A strategy from its name, e.g. 'conceder', 'time:0.5', 'boulware+const:0.7'
    (ValueError naming what is wrong)."""
    name, _, accept = text.strip().lower().partition("+")
    name = ALIASES.get(name, name)
    acceptance = parse_acceptance(accept) if accept else AcceptNext()
    if name in NAMED_EXPONENTS:
        return TimeDependent(NAMED_EXPONENTS[name], acceptance)
    match = _TIME.match(name)
    if match:
        exponent = float(match.group(1))
        if not exponent > 0 or not np.isfinite(exponent):
            raise ValueError(f"time:E needs an exponent E > 0, got '{match.group(1)}'")
        return TimeDependent(exponent, acceptance)
    if name == "hardliner":
        return Hardliner(acceptance)
    if name == "tit-for-tat":
        return TitForTat(acceptance)
    match = _BEST.match(name)
    if match:
        exponent = float(match.group(1)) if match.group(1) else 1.0
        if not exponent > 0:
            raise ValueError("best-response:E needs an exponent E > 0")
        return BestResponse(exponent, acceptance)
    raise ValueError(f"unknown strategy '{text}' (known: {', '.join(STRATEGY_NAMES)}, "
                     f"optionally +ACCEPT with ACCEPT one of {', '.join(ACCEPTANCE_NAMES)})")


def with_band(strategy: Strategy, band: float) -> Strategy:
    """The strategy offering, within `band` above its target, the package best for the other
    side (time-dependent and tit-for-tat strategies; others are returned as they are)."""
    from dataclasses import replace

    if not (np.isfinite(band) and band >= 0):
        raise ValueError(f"the band must be a utility of 0 or more, got {band}")
    return replace(strategy, band=band) if hasattr(strategy, "band") else strategy


# The tournament's default field: ten strategies, 100 ordered pairs.
TOURNAMENT_FIELD = ("time:0.1", "boulware", "time:0.5", "linear", "time:2", "conceder",
                    "time:10", "hardliner", "tit-for-tat", "best-response")
