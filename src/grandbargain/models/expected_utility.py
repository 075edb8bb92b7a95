"""Expected-utility ("challenge") model of Bueno de Mesquita (models.md section 4).

Two variants, chosen with `variant`:
- "textbook" (default): the equations as printed in the spec (each actor evaluates its own
  challenges with its own risk exponent; P_i + P_j = 1; Q and T terms; capitulation fires);
- "scholz-2011": the open replication of Scholz, Calbert & Smith (2011), which reproduces
  the published BDM 1994 emission-standards rounds (docs/decisions.md EU-01 .. EU-12).

Each round: risk exponents from the actors' security, every actor's best offer, all move at
once. The forecast is the median after the last round (or the weighted mean, `outcome`).
The per-round record is kept as frozen dataclasses in `ModelResult.detail["runs"]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grandbargain.models import _eu_core as core
from grandbargain.models._base import IssueForecast, Model, ModelResult, check_choices
from grandbargain.models.compromise import weighted_mean
from grandbargain.models.median import weighted_median
from grandbargain.scenario import Scenario

VARIANTS = ("textbook", "scholz-2011")
CHOICES = {
    "variant": VARIANTS,
    "width": (None, "scale", "positions", "current"),
    "offer_choice": (None, "type-first", "least-move", "scholz-2011"),
    "risk": ("every-round", "first-round", "neutral"),
    "outcome": ("median", "mean"),
    "ties": (None, "balanced", "first-listed"),
}


@dataclass(frozen=True)
class AcceptedOffer:
    """One actor's move in a round: `actor` accepted `proposer`'s offer of `kind`."""

    actor: str
    proposer: str
    kind: str  # "confrontation", "compromise" or "capitulation"
    start: float
    end: float
    actor_eu: float     # the mover's expected utility of challenging the proposer
    proposer_eu: float  # the proposer's expected utility of challenging the mover

    def sentence(self, names: dict[str, str] | None = None, digits: int = 1,
                 lang: str = "en") -> str:
        """'Belgium compromises with France: 7.0 -> 8.6' (names maps ids to display names);
        `lang="zh"`: the same in Traditional Chinese."""
        names = names or {}
        who, other = names.get(self.actor, self.actor), names.get(self.proposer, self.proposer)
        move = f"{self.start:.{digits}f} → {self.end:.{digits}f}"
        if lang == "zh":
            verb = {"confrontation": "在對抗中輸給", "compromise": "與", "capitulation": "向"}
            tail = {"confrontation": "", "compromise": "妥協", "capitulation": "讓步"}
            return f"{who}{verb[self.kind]}{other}{tail[self.kind]}：{move}"
        verb = {"confrontation": "loses a confrontation to", "compromise": "compromises with",
                "capitulation": "capitulates to"}[self.kind]
        return f"{who} {verb} {other}: {self.start:.{digits}f} -> {self.end:.{digits}f}"


@dataclass(frozen=True)
class Round:
    """The state after round `number`: positions and risk exponents in participant order."""

    number: int
    positions: tuple[float, ...]
    risk: tuple[float, ...]
    offers: tuple[AcceptedOffer, ...]
    median: float
    mean: float


@dataclass(frozen=True)
class Run:
    """One issue's run: the starting point and every round."""

    issue: str
    actors: tuple[str, ...]
    variant: str
    width: float
    start_positions: tuple[float, ...]
    start_median: float
    start_mean: float
    rounds: tuple[Round, ...]
    stopped: str  # why the run ended: "rounds", "tolerance", "fixed point", "unanimous"


def _median(x, w, width, settings: core.Settings, rank):
    if settings.scholz:
        return core.walk_median(x, w, width, rank)
    return weighted_median(x, w)


def simulate(x: np.ndarray, s: np.ndarray, c: np.ndarray, width: float, rounds: int,
             settings: core.Settings, tolerance: float | None = None,
             rank: np.ndarray | None = None, current_width: bool = False):
    """Run the model on arrays in a fixed (canonical) order; `rank` is each actor's place in
    the input file (ties go to the first, EU-10). Yields per round
    (positions, risk, accepted offers, median, mean); `current_width`: R is the range of the
    current positions, recomputed every round (EU-02)."""
    w = c * s
    rank = np.arange(x.size) if rank is None else rank
    median = _median(x, w, width, settings, rank)
    risk = None
    for _ in range(rounds):
        if current_width:
            width = float(x.max() - x.min()) or 1.0  # all equal: nobody moves, R is moot
        keep = risk if risk is not None and settings.risk != "every-round" else None
        risk, chosen, kinds, new_x, own, other = core.play_round(
            x, s, w, width, settings, np.asarray(median), keep, rank)
        movers = np.flatnonzero(chosen >= 0)
        offers = [(int(i), int(chosen[i]), int(kinds[i]), float(x[i]), float(new_x[i]),
                   float(own[i]), float(other[i])) for i in movers]
        new_median = _median(new_x, w, width, settings, rank)
        yield new_x, risk, offers, new_median, float(weighted_mean(new_x, w))
        moved = bool(np.any(new_x != x))
        converged = tolerance is not None and abs(new_median - median) < tolerance
        x, median = new_x, new_median
        if not moved or converged:
            return


# Most pair-rounds (sum over issues of participants^2 x rounds) one forecast takes on: about
# 10 s of one core; a larger scenario is refused with the reason (EU-19).
MAX_PAIR_ROUNDS = 20_000_000


def too_large(sizes: list[int], rounds: int) -> str | None:
    """The reason the model refuses a scenario with these participants per issue, or None."""
    work = sum(n * n for n in sizes) * rounds
    if work <= MAX_PAIR_ROUNDS:
        return None
    return (f"too large for the expected-utility model: it compares every pair of actors in "
            f"every round, and this scenario needs {work:,} pair-rounds (sum over issues of "
            f"participants squared x {rounds} rounds; largest issue {max(sizes):,} actors), "
            f"above its limit of {MAX_PAIR_ROUNDS:,}. Use fewer rounds (--rounds), fewer "
            "actors, or the median, compromise or Nash models")


def scale_inferred(issue) -> bool:
    """The reader inferred the issue's scale from the positions (no declared scale)."""
    return issue.attributes.get("scale") == "inferred"


def settlement(run: Run, outcome: str, span: float) -> tuple[float, dict]:
    """The forecast of a run and its `settled` detail (EU-17): when the last rounds keep
    moving, the middle of their range, flagged, with the rounds and the range."""
    if outcome == "median":
        history = [run.start_median, *(r.median for r in run.rounds)]
    else:
        history = [run.start_mean, *(r.mean for r in run.rounds)]
    stopped = run.stopped in ("fixed point", "tolerance", "unanimous")
    value, settled, first, low, high = core.settle(np.asarray(history), np.asarray(stopped), span)
    detail: dict = {"settled": bool(settled)}
    if not settled:
        detail["last_rounds"] = {"from_round": int(first), "to_round": len(history) - 1,
                                 "low": float(low), "high": float(high)}
    return float(value), detail


def file_places(order: np.ndarray, actors: tuple[str, ...]) -> np.ndarray:
    """Each canonical actor's place in the input file: the replication settles exact ties by it
    (scholz-2011's median walk and first-listed offers, EU-09, EU-16), so eu-scholz depends on
    the listing order there and only there (EU-20; a test swaps in an id order to show it)."""
    return order


class ExpectedUtilityModel(Model):
    """Bueno de Mesquita's expected-utility model; `variant="scholz-2011"` for the replication.

    Options (None = the variant's default; docs/decisions.md EU-01 .. EU-18):
      q          probability that the status quo holds (1.0; 0.5 is the other published value)
      t          textbook only: probability that things get better without a challenge
                 (None: 1 if |x_i - mu| < |x_i - x_j| else 0)
      rounds     most rounds to run (10); stops early at a fixed point
      tolerance  stop when the median moves less than this (None: never)
      width      the R that distances are divided by: "scale" (the issue's declared scale),
                 "positions" (range of the initial positions, scholz-2011 default) or
                 "current" (range of the current positions, each round); textbook default:
                 "scale", or "current" where the scale was inferred from the positions
      offer_choice  "least-move" (textbook default), "type-first", "scholz-2011"
      risk       "every-round" (default), "first-round" (computed once), "neutral" (all r = 1)
      outcome    "median" (BDM's forecast, default) or "mean" (weighted mean of the last round)
      ties       equally good offers: "balanced" (textbook default: offers pulling both ways
                 cancel) or "first-listed" (scholz-2011 default: the first proposer in the
                 input file, as the replication)
    The forecast is the last round's median (or mean) when the run has settled, else the
    middle of the range of its last rounds, flagged in the detail (EU-17).
    """

    name = "eu"
    label = "Expected utility (BDM, textbook)"

    def __init__(self, variant: str = "textbook", q: float = 1.0, t: float | None = None,
                 rounds: int = 10, tolerance: float | None = None, width: str | None = None,
                 offer_choice: str | None = None, risk: str = "every-round",
                 outcome: str = "median", ties: str | None = None) -> None:
        self.variant = variant
        self.q = q
        self.t = t
        self.rounds = rounds
        self.tolerance = tolerance
        self.width = width
        self.offer_choice = offer_choice
        self.risk = risk
        self.outcome = outcome
        self.ties = ties

    def _settings(self) -> core.Settings:
        check_choices(self, CHOICES)
        if not 0.0 <= self.q <= 1.0:
            raise ValueError(f"{type(self).__name__}: q={self.q!r} must be in [0, 1]")
        if self.t is not None and not 0.0 <= self.t <= 1.0:
            raise ValueError(f"{type(self).__name__}: t={self.t!r} must be in [0, 1] or None")
        if not (isinstance(self.rounds, int) and self.rounds >= 0):
            raise ValueError(f"{type(self).__name__}: rounds={self.rounds!r} must be an "
                             "integer >= 0")
        scholz = self.variant == "scholz-2011"
        if scholz and self.t is not None:
            raise ValueError(f"{type(self).__name__}: t applies to the textbook variant only "
                             "(scholz-2011 subtracts only the Q U_sq term)")
        rule = self.offer_choice or ("scholz-2011" if scholz else "least-move")
        ties = self.ties or ("first-listed" if scholz else "balanced")
        return core.Settings(self.variant, float(self.q), self.t, rule, self.risk, ties)

    def width_kind(self, scale_inferred: bool = False) -> str:
        """"scale", "positions" or "current" for an issue (EU-02): the textbook divides by
        the declared scale, or by the current positions' range where the scale was only
        inferred from the positions (a BDM table without --scale)."""
        if self.width:
            return self.width
        if self.variant == "scholz-2011":
            return "positions"
        return "current" if scale_inferred else "scale"

    def _width(self, x: np.ndarray, low: float, high: float, kind: str) -> float:
        return float(x.max() - x.min()) if kind != "scale" else float(high - low)

    def run(self, x: np.ndarray, s: np.ndarray, c: np.ndarray, low: float, high: float,
            issue_id: str = "issue", actors: tuple[str, ...] | None = None,
            scale_inferred: bool = False) -> Run | None:
        """The full run on one issue; None where every participant has salience 0."""
        settings = self._settings()
        actors = actors or tuple(f"actor{k + 1}" for k in range(x.size))
        w = c * s
        if w.sum() <= 0:
            return None
        # A canonical actor order (by position, salience, capability) makes every sum and
        # every tie-break independent of the order the actors were listed in (EU-10).
        order = np.lexsort((c, s, x))
        xo, so, co = x[order], s[order], c[order]
        kind = self.width_kind(scale_inferred)
        width = self._width(x, low, high, kind)
        rank = file_places(order, actors)
        start_median = _median(xo, co * so, width or 1.0, settings, rank)
        start = (tuple(map(float, x)), start_median, float(weighted_mean(x, w)))
        if width <= 0 or np.all(x == x[0]):
            return Run(issue_id, actors, self.variant, width, *start, (), "unanimous")
        inverse = np.argsort(order)
        rounds: list[Round] = []
        for number, (pos, risk, offers, median, mean) in enumerate(
                simulate(xo, so, co, width, self.rounds, settings, self.tolerance, rank,
                         kind == "current"), start=1):
            accepted = tuple(
                AcceptedOffer(actors[order[i]], actors[order[j]], core.KIND_NAMES[kind],
                              start_x, end_x, eu_i, eu_j)
                for i, j, kind, start_x, end_x, eu_i, eu_j in sorted(
                    offers, key=lambda offer: order[offer[0]]))  # in the actors' order
            rounds.append(Round(number, tuple(map(float, pos[inverse])),
                                tuple(map(float, risk[inverse])), accepted, median, mean))
        previous = rounds[-2].median if len(rounds) > 1 else start_median
        if rounds and rounds[-1].positions == (rounds[-2].positions if len(rounds) > 1
                                                else start[0]):
            stopped = "fixed point"
        elif (self.tolerance is not None and rounds
              and abs(rounds[-1].median - previous) < self.tolerance):
            stopped = "tolerance"
        else:
            stopped = "rounds"
        return Run(issue_id, actors, self.variant, width, *start, tuple(rounds), stopped)

    def forecast_issue_draws(self, positions, saliences, capabilities, low, high, status_quo,
                             issue_id) -> np.ndarray:
        """`forecast` on one issue for many input draws at once (arrays draws x participants;
        NaN for no forecast): the batched path of grandbargain.uncertainty (U-06)."""
        from grandbargain.uncertainty._eu_batched import forecast_draws

        if too_large([positions.shape[1]], self.rounds):
            return np.full(positions.shape[0], np.nan)
        return forecast_draws(self, positions, saliences, capabilities, low, high)

    def forecast_draws(self, scenario: Scenario, positions: np.ndarray, saliences: np.ndarray,
                       capabilities: np.ndarray) -> np.ndarray:
        """`forecast` for many draws at once (arrays draws x actors x issues): the batched
        path of grandbargain.uncertainty (U-06), per issue with the issue's own scale kind."""
        from grandbargain.uncertainty._eu_batched import forecast_draws

        out = np.full((positions.shape[0], len(scenario.issues)), np.nan)
        if too_large([int(scenario.takes_part[:, d].sum())
                      for d in range(len(scenario.issues))], self.rounds):
            return out  # refused, as `forecast` does (EU-19)
        for d, issue in enumerate(scenario.issues):
            part = scenario.takes_part[:, d]
            if not part.any():
                continue
            # C-contiguous rows: numpy then sums each row exactly as it sums a 1-d array.
            x, s, c = (np.ascontiguousarray(a[:, part, d])
                       for a in (positions, saliences, capabilities))
            out[:, d] = forecast_draws(self, x, s, c, issue.low, issue.high,
                                       scale_inferred(issue))
        return out

    def refusal(self, scenario: Scenario) -> str | None:
        return too_large([int(scenario.takes_part[:, d].sum())
                          for d in range(len(scenario.issues))], self.rounds)

    def forecast(self, scenario: Scenario) -> ModelResult:
        forecasts, runs = [], {}
        refused = self.refusal(scenario)
        if refused:
            return self._result([IssueForecast(issue.id, None, {"reason": refused})
                                 for issue in scenario.issues], runs=runs)
        for issue in scenario.issues:
            x, s, c = scenario.issue_arrays(issue.id)
            if x.size == 0:
                forecasts.append(IssueForecast(issue.id, None, {"reason": "no actor takes part"}))
                continue
            actors = tuple(a.id for a in scenario.participants(issue.id))
            run = self.run(x, s, c, issue.low, issue.high, issue.id, actors,
                           scale_inferred(issue))
            if run is None:
                forecasts.append(IssueForecast(issue.id, None,
                                               {"reason": "every participant has salience 0"}))
                continue
            runs[issue.id] = run
            last = run.rounds[-1] if run.rounds else None
            median = last.median if last else run.start_median
            mean = last.mean if last else run.start_mean
            value, settled = settlement(run, self.outcome, issue.width)
            forecasts.append(IssueForecast(issue.id, value, {
                "rounds": len(run.rounds), "stopped": run.stopped, "median": median,
                "mean": mean, "start_median": run.start_median, "start_mean": run.start_mean,
                **settled}))
        return self._result(forecasts, runs=runs)


class ScholzExpectedUtilityModel(ExpectedUtilityModel):
    """The same model with `variant="scholz-2011"` by default (the registry's `eu-scholz`)."""

    name = "eu-scholz"
    label = "Expected utility (BDM, Scholz et al. 2011 replication)"

    def __init__(self, variant: str = "scholz-2011", q: float = 1.0, t: float | None = None,
                 rounds: int = 10, tolerance: float | None = None, width: str | None = None,
                 offer_choice: str | None = None, risk: str = "every-round",
                 outcome: str = "median", ties: str | None = None) -> None:
        super().__init__(variant, q, t, rounds, tolerance, width, offer_choice, risk, outcome,
                         ties)
