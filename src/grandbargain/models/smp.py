"""KTAB's Spatial Model of Politics (models.md section 8): one joint run over every issue.

The issues of a scenario are the dimensions of one space; each actor has a position on each and
a salience for each. Every turn each actor challenges the actor it expects to gain most from,
proposes a bargain interpolated between the two positions, and each actor adopts the most
probable bargain of its queue (a PCE over the states the bargains lead to). The run stops when a
turn moves the actors less than 2% of the first turn's move (KTAB's smpStopFn).

The forecast on each issue is that dimension's coordinate of the most probable position of the
final state (KTAB's "winning probabilities", a PCE over the distinct positions; tied or
grouped positions give their mean, SMP-12), or, with
`outcome="expected"`, the probability-weighted mean over those positions (docs/decisions.md
SMP-05). The per-turn record is `ModelResult.detail["run"]`, an `SmpRun`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from grandbargain.models import _smp_core as core
from grandbargain.models._base import IssueForecast, Model, ModelResult, check_choices
from grandbargain.scenario import Scenario

#: win probabilities this close (relative) to the largest count as tied in the readout
TIE_TOLERANCE = 1e-9

CHOICES = {
    "voting_rule": core.VOTING_RULES,
    "victory_model": core.VICTORY_MODELS,
    "pce_model": core.PCE_MODELS,
    "state_transition": core.STATE_TRANSITIONS,
    "risk_range": core.RISK_RANGES,
    "risk_adjust": core.RISK_ADJUSTS,
    "third_party": core.THIRD_PARTY,
    "interpolation": core.INTERPOLATIONS,
    "bargain_model": core.BARGAIN_MODELS,
    "outcome": ("most-probable", "expected"),
    "order": ("canonical", "input"),
}


@dataclass(frozen=True)
class SmpBargain:
    """A bargain accepted in a turn: `actor` adopted the position `end` (per issue, on the
    issues' scales) from the bargain `initiator` proposed to `receiver`."""

    actor: str
    initiator: str
    receiver: str
    start: tuple[float, ...]
    end: tuple[float, ...]
    probability: float   # the PCE probability of this bargain in the actor's queue
    gain: float          # the initiator's expected gain from its challenge


@dataclass(frozen=True)
class SmpTurn:
    """The state after turn `number`: positions (actors x issues, issue scales), and the risk
    attitudes and win probabilities of the state the turn started from."""

    number: int
    positions: tuple[tuple[float, ...], ...]
    risk: tuple[float, ...]
    win_probabilities: tuple[float, ...]
    accepted: tuple[SmpBargain, ...]
    proposals: int
    change: float   # KTAB's state distance (sum of the actors' Euclidean moves, 0-1 scale)


@dataclass(frozen=True)
class SmpRun:
    """The joint run: actors and issues (dimensions) in order, the start and every turn."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    start: tuple[tuple[float, ...], ...]
    turns: tuple[SmpTurn, ...]
    final_risk: tuple[float, ...]
    final_win_probabilities: tuple[float, ...]
    forecast: tuple[float, ...]
    stopped: str  # "quiet" (KTAB's stopping rule) or "max-turns"
    excluded: tuple[str, ...] = ()  # actors left out (no salience on any issue)


@dataclass(frozen=True)
class SmpInputs:
    """A scenario mapped onto KTAB's internal scales (docs/decisions.md SMP-02 .. SMP-04)."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    low: np.ndarray        # (d,) issue scale minima
    width: np.ndarray      # (d,) issue scale widths
    positions: np.ndarray  # (n, d) in [0, 1]
    saliences: np.ndarray  # (n, d), rows summing to at most 1
    capabilities: np.ndarray  # (n,)
    excluded: tuple[str, ...]


def smp_inputs(scenario: Scenario, positions: np.ndarray | None = None,
               saliences: np.ndarray | None = None,
               capabilities: np.ndarray | None = None) -> SmpInputs | None:
    """KTAB's arrays from a scenario (optionally with drawn positions/saliences (actors x
    issues, issue scale and 0-1) and capabilities (actors,) in the scenario's order).
    None when no actor has both salience and capability."""
    index = scenario.issue_index
    issues = [i for i in scenario.issues if scenario.takes_part[:, index[i.id]].any()]
    if not issues:
        return None
    cols = [scenario.issue_index[i.id] for i in issues]
    low = np.array([i.low for i in issues], dtype=float)
    width = np.array([i.high - i.low for i in issues], dtype=float)
    x = np.array(scenario.positions if positions is None else positions, dtype=float)[:, cols]
    sal = np.array(scenario.saliences if saliences is None else saliences, dtype=float)[:, cols]
    cap = np.array(scenario.capabilities if capabilities is None else capabilities, dtype=float)
    part = scenario.takes_part[:, cols]
    sal = np.where(part, np.clip(sal, 0.0, None), 0.0)
    # An actor without a stance on an issue has salience 0 there and sits at the
    # capability-weighted mean of the participants' positions (SMP-03).
    for d in range(len(cols)):
        w = cap[part[:, d]]
        filler = float(np.average(x[part[:, d], d], weights=w)) if w.sum() > 0 else float(
            np.mean(x[part[:, d], d]))
        x[~part[:, d], d] = filler
    x = (x - low) / width
    total = sal.sum(axis=1)
    keep = (total > 0) & (cap > 0)
    over = total > 1.0
    sal[over] = sal[over] / total[over, None]  # KTAB refuses a total over 100 (SMP-02)
    ids = [a.id for a in scenario.actors]
    if keep.sum() < 1:
        return None
    return SmpInputs(tuple(a for a, k in zip(ids, keep, strict=True) if k),
                     tuple(i.id for i in issues), low, width, x[keep], sal[keep], cap[keep],
                     tuple(a for a, k in zip(ids, keep, strict=True) if not k))


# Most actor-cubes x turns (the challenges are O(n^3) a turn, n the actors taking part, for at
# most max_turns turns) one forecast takes on: 1.6e9 is about 250 actors at KTAB's 100 turns,
# some 20-40 s of one core; a larger scenario is refused with the reason (SMP-13).
MAX_CUBE_TURNS = 1_600_000_000


def too_large(actors: int, max_turns: int) -> str | None:
    """The reason the model refuses a run of this many actors, or None."""
    work = actors ** 3 * max_turns
    if work <= MAX_CUBE_TURNS:
        return None
    return (f"too large for the SMP: every turn weighs every actor's challenge to every other "
            f"with every third party's vote (actors cubed), and {actors:,} actors x up to "
            f"{max_turns} turns is {work:,} actor-cubes x turns, above its limit of "
            f"{MAX_CUBE_TURNS:,} (about 250 actors at 100 turns). Use fewer actors, fewer turns "
            "(max_turns), or the median, compromise or Nash models (SMP-13)")


def actors_taking_part(scenario: Scenario) -> int:
    """How many actors a run has: those with some salience and a positive capability."""
    part = scenario.takes_part & (np.nan_to_num(scenario.saliences) > 0)
    return int((part.any(axis=1) & (np.asarray(scenario.capabilities) > 0)).sum())


class SpatialModelOfPolitics(Model):
    """KTAB's SMP with KTAB's defaults (docs/decisions.md SMP-01 .. SMP-09).

    Options (KTAB's names in brackets):
      voting_rule       "proportional" [Prop], "binary", "prop-bin", "prop-cubic", "cubic",
                        "asym-prospect": how an actor's utility difference becomes a vote
      victory_model     "linear" [Linear], "square", "quartic", "octic", "binary": p from strengths
      pce_model         "conditional" [Conditional], "markov-incentive", "markov-uniform"
      state_transition  "deterministic" [Deterministic: most probable bargain], "stochastic"
                        (drawn with `seed`)
      risk_range        "mid" [Mid: R in [-1/2, 1]], "min" [0, 1], "max" [-1, 1]
      risk_adjust       "one-third" [OneThird: r_hi = (2 r_h + r_i)/3], "full", "two-thirds",
                        "half", "none"
      third_party       "semi" [SemiCommit], "full", "none"
      interpolation     "s2p2" [S2P2: weights (s P)^2, rounded to 4 decimals], "s1p1", "s2pmax"
      bargain_model     "init-only" [InitOnlyInterp], "init-receiver", "power-weighted"
      min_turns, max_turns, min_delta_ratio  KTAB's stopping rule (2, 100, 0.02)
      outcome           "most-probable" (default) or "expected" (SMP-05)
      order             "canonical" (default: actors sorted by position, salience, capability,
                        so their listing order changes nothing) or "input" (KTAB's: the file's
                        order decides ties and the order of sums) (SMP-06)
      seed              for state_transition="stochastic"
    """

    name = "smp"
    label = "Spatial Model of Politics (KTAB)"
    #: one run over every issue at once: the per-issue forecasts come out of one joint run
    joint: bool = True

    def __init__(self, voting_rule: str = "proportional", victory_model: str = "linear",
                 pce_model: str = "conditional", state_transition: str = "deterministic",
                 risk_range: str = "mid", risk_adjust: str = "one-third",
                 third_party: str = "semi", interpolation: str = "s2p2",
                 bargain_model: str = "init-only", min_turns: int = 2, max_turns: int = 100,
                 min_delta_ratio: float = 0.02, outcome: str = "most-probable",
                 order: str = "canonical", seed: int | None = None) -> None:
        self.voting_rule = voting_rule
        self.victory_model = victory_model
        self.pce_model = pce_model
        self.state_transition = state_transition
        self.risk_range = risk_range
        self.risk_adjust = risk_adjust
        self.third_party = third_party
        self.interpolation = interpolation
        self.bargain_model = bargain_model
        self.min_turns = min_turns
        self.max_turns = max_turns
        self.min_delta_ratio = min_delta_ratio
        self.outcome = outcome
        self.order = order
        self.seed = seed

    def options(self) -> core.Options:
        check_choices(self, CHOICES)
        for name in ("min_turns", "max_turns"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise ValueError(f"{type(self).__name__}: {name}={value!r} must be an integer >= 1")
        if not self.min_delta_ratio >= 0:
            raise ValueError(f"{type(self).__name__}: min_delta_ratio={self.min_delta_ratio!r} "
                             "must be >= 0")
        return core.Options(self.voting_rule, self.victory_model, self.pce_model,
                            self.state_transition, self.risk_range, self.risk_adjust,
                            self.third_party, self.interpolation, self.bargain_model,
                            self.min_turns, self.max_turns, float(self.min_delta_ratio))

    def simulate(self, inputs: SmpInputs) -> core.Simulation:
        """The core run; with order="canonical" on the actors sorted by (positions, saliences,
        capability) and mapped back, so the listing order changes nothing (SMP-06)."""
        opts = self.options()
        if self.order == "input":
            return core.simulate(inputs.positions, inputs.saliences, inputs.capabilities, opts,
                                 self.seed)
        x, sal, cap = inputs.positions, inputs.saliences, inputs.capabilities
        order = np.lexsort((cap, *sal.T[::-1], *x.T[::-1]))
        back = np.argsort(order)
        sim = core.simulate(x[order], sal[order], cap[order], opts, self.seed)
        turns = []
        for t in sim.turns:
            bargains = tuple(replace(b, initiator=int(order[b.initiator]),
                                     receiver=int(order[b.receiver])) for b in t.bargains)
            turns.append(replace(t, risk=t.risk[back], win_probabilities=t.win_probabilities[back],
                                 bargains=bargains, chosen=tuple(t.chosen[k] for k in back),
                                 chosen_probability=tuple(t.chosen_probability[k] for k in back),
                                 positions=t.positions[back]))
        return replace(sim, start=sim.start[back], turns=tuple(turns),
                       final_risk=sim.final_risk[back],
                       final_win_probabilities=sim.final_win_probabilities[back],
                       final_unique=tuple(int(order[u]) for u in sim.final_unique))

    def readout(self, inputs: SmpInputs, sim: core.Simulation) -> np.ndarray:
        """The forecast per dimension (internal 0-1 scale) from a finished run (SMP-05)."""
        x = sim.turns[-1].positions if sim.turns else sim.start
        unique = np.array(sim.final_unique)
        p = sim.final_unique_probabilities
        if self.outcome == "expected":
            return (p[:, None] * x[unique]).sum(axis=0) / p.sum()
        # KTAB's position for a group of positions closer than its tolerance is the first
        # listed one's, and of equally probable groups (a symmetric stand-off) the first; in
        # the canonical order (sorted by position) both lean towards the low end. The forecast
        # is the mean of the members of the most probable group(s) instead (SMP-12).
        tolerance = self.options().position_tolerance
        top = unique[p >= p.max() * (1.0 - TIE_TOLERANCE)]
        groups = [x[np.sqrt(((x - x[u]) ** 2).sum(axis=1)) < tolerance].mean(axis=0)
                  for u in top]
        return np.mean(groups, axis=0)

    def run(self, scenario: Scenario) -> SmpRun | None:
        inputs = smp_inputs(scenario)
        if inputs is None:
            return None
        sim = self.simulate(inputs)
        return self._record(inputs, sim)

    def _record(self, inputs: SmpInputs, sim: core.Simulation) -> SmpRun:
        def scale(x: np.ndarray) -> np.ndarray:
            return inputs.low + x * inputs.width

        def rows(x: np.ndarray) -> tuple[tuple[float, ...], ...]:
            return tuple(tuple(float(v) for v in row) for row in scale(x))

        names = inputs.actors
        turns = []
        previous = sim.start
        for turn in sim.turns:
            accepted = []
            for k, b in enumerate(turn.chosen):
                if b < 0:
                    continue
                bargain = turn.bargains[b]
                accepted.append(SmpBargain(
                    names[k], names[bargain.initiator], names[bargain.receiver],
                    tuple(map(float, scale(previous[k]))),
                    tuple(map(float, scale(turn.positions[k]))),
                    turn.chosen_probability[k], bargain.gain))
            turns.append(SmpTurn(turn.number, rows(turn.positions),
                                 tuple(map(float, turn.risk)),
                                 tuple(map(float, turn.win_probabilities)), tuple(accepted),
                                 len(turn.bargains), turn.change))
            previous = turn.positions
        forecast = tuple(map(float, scale(self.readout(inputs, sim))))
        return SmpRun(names, inputs.issues, rows(sim.start), tuple(turns),
                      tuple(map(float, sim.final_risk)),
                      tuple(map(float, sim.final_win_probabilities)), forecast, sim.stopped,
                      inputs.excluded)

    def refusal(self, scenario: Scenario) -> str | None:
        return too_large(actors_taking_part(scenario), self.max_turns)

    def forecast(self, scenario: Scenario) -> ModelResult:
        refused = self.refusal(scenario)
        if refused:
            return self._result([IssueForecast(i.id, None, {"reason": refused})
                                 for i in scenario.issues])
        run = self.run(scenario)
        if run is None:
            return self._result([IssueForecast(i.id, None, {
                "reason": "no actor has both salience and capability"})
                for i in scenario.issues])
        values = dict(zip(run.issues, run.forecast, strict=True))
        out = []
        for issue in scenario.issues:
            if issue.id not in values:
                out.append(IssueForecast(issue.id, None, {"reason": "no actor takes part"}))
                continue
            out.append(IssueForecast(issue.id, values[issue.id], {
                "turns": len(run.turns), "stopped": run.stopped, "joint": len(run.issues) > 1}))
        return self._result(out, run=run)
