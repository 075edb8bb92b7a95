"""The exchange model of issue linkage (Stokman & Van Oosten 1994), in the equal-gain form that
Decide implements (models.md section 5): "I move toward you on the issue you care about; you
move toward me on mine".

Each round every pair of actors on opposite sides of the expected outcome O on two issues may
trade: the one that cares relatively more about issue p gets the other to move toward it on p,
and moves in return on q, both gaining the same. The exchange with the highest gain is carried
out first, the exchanges it touches are recomputed, and so on until none is left; the round's
forecast is O over the resulting voting positions. Next round starts from positions moved toward
those votes by 0.1 + 0.4 (1 - salience).

`run_exchange_model` gives every round and every exchange; `ExchangeModel.forecast` wraps it
(forecast = the last round's O). Gains are in Decide's units: salience x shift of O on the
issue's scale mapped to 0-100. The numpy engine is `_exchange_core`; choices are EX-xx in
docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from grandbargain.models import _exchange_core as core
from grandbargain.models._base import IssueForecast, Model, ModelResult
from grandbargain.scenario import Scenario, ScenarioError
from grandbargain.scenario._errors import Location, Problem

TIE_BREAKS = ("random", "ordered")
VARIANTS = ("spec", "decide")


@dataclass(frozen=True)
class Move:
    """One side of an exchange: `actor` moves on `issue` from `start` to `end` (issue units)
    toward the position of `toward`, its partner, who moves in return on the other issue."""

    actor: str
    issue: str
    start: float
    end: float
    toward: str
    gain: float


@dataclass(frozen=True)
class Exchange:
    """A carried-out exchange. `first` demanded `second.issue` and moved on `first.issue`;
    `second` the other way round. Both gain `gain` (equal gain). `tied` counts the exchanges
    that had the same highest gain when this one was chosen (1: no tie)."""

    first: Move
    second: Move
    gain: float
    tied: int = 1


@dataclass(frozen=True)
class ExchangeRound:
    """One round: O at its start and after its exchanges (issue units; None where no actor
    takes part), the exchanges in the order they were carried out, and how many candidate
    exchanges the round started with."""

    number: int
    start: Mapping[str, float | None]
    forecast: Mapping[str, float | None]
    exchanges: tuple[Exchange, ...]
    candidates: int

    @property
    def ties(self) -> int:
        return sum(1 for e in self.exchanges if e.tied > 1)


@dataclass(frozen=True)
class ExchangeRun:
    """Every round of one run of the exchange model."""

    scenario: str
    rounds: tuple[ExchangeRound, ...]
    seed: int | None
    tie_break: str
    variant: str

    @property
    def initial(self) -> Mapping[str, float | None]:
        """The expected outcome before any exchange (the compromise model's forecast)."""
        return self.rounds[0].start

    @property
    def final(self) -> Mapping[str, float | None]:
        return self.rounds[-1].forecast


class ExchangeTooLarge(ScenarioError, ValueError):
    """The scenario is too large for the exchange model (EX-14). A ScenarioError, so that a
    command ends with a clean message naming the file (exit 2); a ValueError, so that
    `validate` reports it as this model's failure on that input and goes on."""

    def __reduce__(self):  # rebuilt from its problems when it crosses a process boundary
        return (type(self), (list(self.problems),))


def _too_large(scenario: Scenario, problem: str) -> ExchangeTooLarge:
    from grandbargain.models import MODELS

    others = " ".join(f"-m {name}" for name in MODELS if name != ExchangeModel.name)
    return ExchangeTooLarge([Problem(
        Location(scenario.source or scenario.id), "exchange model",
        f"{problem}. The model pairs every two actors on opposite sides of every two issues, "
        "so its work grows with actors squared times issues squared. Run it on a smaller set "
        "of issues bargained together, or leave it out, e.g. "
        f"`grandbargain forecast {scenario.source or scenario.id} {others}` (EX-14)")])


def refusal(scenario: Scenario) -> str | None:
    """Why the exchange model refuses this scenario (None: it runs it); cheap, for commands
    that want to skip the model up front rather than stop on its error."""
    x, s, c, _, _ = normalised_inputs(scenario)
    w = np.where(np.isfinite(x), c * s, 0.0)
    return core.size_problem(x, w)


def _check_options(rounds: int, seed: int | None, tie_break: str, variant: str) -> None:
    if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 1:
        raise ValueError(f"rounds must be a whole number >= 1, got {rounds!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                             or seed < 0):
        raise ValueError(f"seed must be a whole number >= 0 or None, got {seed!r}")
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"tie_break must be one of {', '.join(TIE_BREAKS)}, got {tie_break!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")


def normalised_inputs(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                   np.ndarray, np.ndarray]:
    """Positions on 0-100 per issue (EX-03), saliences 0-1, powers, and each issue's low and
    width to map back."""
    low = np.array([i.low for i in scenario.issues], dtype=float)
    width = np.array([i.width for i in scenario.issues], dtype=float)
    if np.any(width <= 0):
        bad = [i.id for i in scenario.issues if i.width <= 0]
        raise ValueError(f"the exchange model needs issues with a scale: {', '.join(bad)}")
    x = (scenario.positions - low) * (100.0 / width)
    return x, np.array(scenario.saliences), np.array(scenario.capability_matrix), low, width


def run_exchange_model(scenario: Scenario, rounds: int = 10, seed: int | None = 0,
                       tie_break: str = "random", variant: str = "spec") -> ExchangeRun:
    """Run the exchange model for `rounds` rounds.

    tie_break: equal highest gains go to a random choice seeded by `seed` ("random"), or to the
    first candidate in Decide's creation order ("ordered"), EX-01.
    variant: "spec" follows models.md section 5; "decide" reproduces decide-exchange-model
    2022.1.28 where its arithmetic departs from it (EX-04): an outcome that already sits at the
    demander's position does not stop a further move, and the move that brings the outcome to
    the demander's position is measured from the supplier's first recorded vote rather than its
    current one (which can carry the supplier past its partner); and where its rules lean one
    way: an actor exactly at the expected outcome counts as below it (EX-16), and "at most 100
    in all" is checked on the signed sum of the moves, which downward moves never reach (EX-17).
    """
    _check_options(rounds, seed, tie_break, variant)
    x, s, c, low, width = normalised_inputs(scenario)
    rng = np.random.default_rng(seed) if tie_break == "random" else None
    issues = [i.id for i in scenario.issues]
    actors = [a.id for a in scenario.actors]
    rank = np.empty(len(actors), dtype=np.int64)
    rank[np.argsort(np.array(actors, dtype=object), kind="stable")] = np.arange(len(actors))
    from grandbargain._memo import memo

    try:  # pure: a command line may keep the rounds for the same inputs (grandbargain._memo)
        raw = memo("exchange", (x, s, c, rounds, seed, tie_break, variant, rank),
                   lambda: core.run_rounds(x, s, c, rounds, rng, decide=variant == "decide",
                                           actor_rank=rank))
    except core.TooManyExchanges as exc:
        raise _too_large(scenario, exc.problem) from None

    def units(value: float, d: int) -> float:
        return float(low[d] + value * width[d] / 100.0)

    def outcome(values: np.ndarray) -> Mapping[str, float | None]:
        # clipped to the scale: sum(w x) / sum(w) can land an ulp outside it
        return MappingProxyType({
            issue: (min(max(units(v, d), low[d]), low[d] + width[d]) if np.isfinite(v) else None)
            for d, (issue, v) in enumerate(zip(issues, values, strict=True))})

    out = []
    for number, rr in enumerate(raw, start=1):
        exchanges = tuple(
            Exchange(
                first=Move(actors[e.actor_i], issues[e.issue_q], units(e.i_from, e.issue_q),
                           units(e.i_to, e.issue_q), actors[e.actor_j], e.gain),
                second=Move(actors[e.actor_j], issues[e.issue_p], units(e.j_from, e.issue_p),
                            units(e.j_to, e.issue_p), actors[e.actor_i], e.gain),
                gain=e.gain, tied=e.tied)
            for e in rr.exchanges)
        out.append(ExchangeRound(number, outcome(rr.start), outcome(rr.outcome), exchanges,
                                 rr.candidates))
    return ExchangeRun(scenario.id, tuple(out), seed if tie_break == "random" else None,
                       tie_break, variant)


class ExchangeModel(Model):
    """Equal-gain exchange model over all issues; the forecast is the last round's outcome."""

    name = "exchange"
    label = "Exchange (Stokman equal gain)"
    links_issues = True

    def __init__(self, rounds: int = 10, seed: int | None = 0, tie_break: str = "random",
                 variant: str = "spec") -> None:
        self.rounds = rounds
        self.seed = seed
        self.tie_break = tie_break
        self.variant = variant

    def refusal(self, scenario: Scenario) -> str | None:
        problem = refusal(scenario)
        return None if problem is None else _too_large(scenario, problem).problems[0].message

    def run(self, scenario: Scenario) -> ExchangeRun:
        return run_exchange_model(scenario, self.rounds, self.seed, self.tie_break,
                                  self.variant)

    def forecast(self, scenario: Scenario) -> ModelResult:
        run = self.run(scenario)
        forecasts = []
        for issue in scenario.issues:
            value = run.final[issue.id]
            detail = {"start": run.initial[issue.id],
                      "per_round": tuple(r.forecast[issue.id] for r in run.rounds)}
            if value is None:
                detail["reason"] = "no actor with a positive weight takes part"
            forecasts.append(IssueForecast(issue.id, value, detail))
        return self._result(forecasts, run=run)
