"""The bottom line as data: the headline package, its robustness under input draws, who gives
and gets what, where the models disagree, and signposts (decisions BL-01 .. BL-07)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grandbargain.bottomline._packages import PACKAGE_COLUMNS
from grandbargain.bottomline._signposts import Signpost, signposts
from grandbargain.deals import DealAnalysis, FrontierTooLarge, analyse
from grandbargain.deals._logroll import _tolerance
from grandbargain.models import ModelResult
from grandbargain.scenario import Scenario, ScenarioError
from grandbargain.uncertainty import DealOptions, Noise, deal_options, run_simulation, simulation

HEADLINE = "nash"
#: 100 draws: about 0.25 s on the default scenario (2.3 ms a draw), Monte Carlo error of a
#: share at most 5 percentage points (decision BL-04).
DEFAULT_DRAWS = 100
#: Triangular: the same standard deviations as the normal, without importing scipy (about
#: 0.3 s of a fresh process; decision BL-04).
DEFAULT_NOISE = Noise(position=10.0, salience=15.0, distribution="triangular")
DISAGREE_TOP = 3


@dataclass(frozen=True, eq=False)
class Judgments:
    """Everything the bottom line says, language-free; `bottom_line_document` words it."""

    scenario: Scenario
    results: tuple[ModelResult, ...]
    analysis: DealAnalysis | None
    options: DealOptions | None
    note: str | None                      # why there is no package bottom line
    draws: int
    seed: int
    noise: Noise
    nash_draws: np.ndarray | None         # (draws, issues) Nash package per draw, -1: no deal
    signposts: tuple[Signpost, ...]

    @property
    def headline(self):
        if self.analysis is None:
            return None
        return self.analysis.solutions.get(HEADLINE)


def package_analysis(scenario: Scenario, options: DealOptions | None = None
                     ) -> tuple[DealAnalysis | None, str | None]:
    """The deals analysis of the scenario's principals, or None and why not ("no_principals",
    or the error's message, e.g. a frontier too large)."""
    if not scenario.principals:
        return None, "no_principals"
    try:
        return analyse((options or deal_options()).space(scenario)), None
    except (ScenarioError, FrontierTooLarge) as exc:
        return None, str(exc)


def _robustness(scenario: Scenario, options: DealOptions, package: tuple[int, ...],
                draws: int, seed: int, noise: Noise, top_signposts: int
                ) -> tuple[np.ndarray | None, tuple[Signpost, ...]]:
    """The Nash package of each draw (None without draws) and the signposts: pure."""
    found = None
    if draws > 0:
        sim = simulation(scenario, [], noise, draws, seed, deals=options)
        found = run_simulation(sim).nash_packages
    return found, tuple(signposts(scenario, options, package, top=top_signposts))


def _memo_parts(scenario: Scenario, options: DealOptions, package: tuple[int, ...],
                draws: int, seed: int, noise: Noise, top_signposts: int) -> tuple:
    return (_scenario_key(scenario), options, draws, seed, noise, tuple(package), top_signposts)


@dataclass(frozen=True, eq=False)
class Begun:
    """The deal analysis of a scenario and, where fork is available, its bottom line's draws
    and signposts running in a forked process (`begin`, decision BL-11). `with_packages` and
    `judge` take them when their inputs are these; otherwise they compute as usual."""

    scenario: Scenario
    options: DealOptions
    analysis: DealAnalysis | None
    note: str | None
    inputs: tuple  # (package, draws, seed, noise, top_signposts) the job computes for
    job: Any = None  # grandbargain._fork.Background, or None: nothing running

    def takes(self, scenario: Scenario, options: DealOptions, inputs: tuple) -> bool:
        return (self.job is not None and scenario is self.scenario and options == self.options
                and inputs == self.inputs)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()


def begin(scenario: Scenario, *, draws: int = DEFAULT_DRAWS, seed: int = 0,
          noise: Noise = DEFAULT_NOISE, top_signposts: int = 5) -> Begun:
    """The deal analysis now, and the bottom line's draws and signposts begun in a forked
    process, so that they run while the caller runs the models (a command line's cold start,
    decision BL-11). Nothing is begun where fork is not available, without a Nash package, or
    when the results cache already holds them."""
    from grandbargain import _fork

    options = deal_options()
    analysis, note = package_analysis(scenario, options)
    job, inputs = None, ()
    if (analysis is not None and analysis.solutions.get(HEADLINE) is not None
            and _fork.available()):
        package = tuple(int(o) for o in analysis.solutions[HEADLINE].solution.package)
        inputs = (package, draws, seed, noise, top_signposts)
        from grandbargain._memo import enabled, kept

        if not (enabled() and kept("bottomline", _memo_parts(scenario, options, *inputs))):
            import numpy.random  # noqa: F401 - the draws' and the models' (loaded once, here)

            job = _fork.Background(lambda: _robustness(scenario, options, *inputs))
    return Begun(scenario, options, analysis, note, inputs, job)


def judge(scenario: Scenario, results: Sequence[ModelResult], *,
          analysis: DealAnalysis | None = None, note: str | None = None,
          options: DealOptions | None = None,
          draws: int = DEFAULT_DRAWS, seed: int = 0, noise: Noise = DEFAULT_NOISE,
          top_signposts: int = 5, begun: Begun | None = None) -> Judgments:
    """The key judgments for a scenario and its single-issue model results (`begun`: the
    draws and signposts already running for them, see `begin`)."""
    single = tuple(r for r in results if not r.detail.get("deal"))
    options = options or deal_options()
    if analysis is None and note is None:
        analysis, note = package_analysis(scenario, options)
    nash_draws, posts = None, ()
    if analysis is not None and analysis.solutions.get(HEADLINE) is not None:
        package = tuple(int(o) for o in analysis.solutions[HEADLINE].solution.package)
        inputs = (package, draws, seed, noise, top_signposts)

        def robustness():
            if begun is not None and begun.takes(scenario, options, inputs):
                return begun.job.result()
            return _robustness(scenario, options, *inputs)

        from grandbargain._memo import enabled, memo

        if enabled():  # pure: a command line may keep them for the same inputs
            nash_draws, posts = memo("bottomline", _memo_parts(scenario, options, *inputs),
                                     robustness)
        else:
            nash_draws, posts = robustness()
    return Judgments(scenario, single, analysis, options, note, draws, seed, noise, nash_draws,
                     posts)


def _scenario_key(scenario: Scenario) -> tuple:
    """Everything the draws and the signposts read: the scenario's whole document (as the YAML
    format writes it, floats exact) and its arrays."""
    import json

    from grandbargain.scenario._export import scenario_to_document

    return (json.dumps(scenario_to_document(scenario), sort_keys=True, default=repr),
            scenario.positions, scenario.saliences, scenario.capability_matrix,
            scenario.takes_part)


def _disagreement(scenario: Scenario, results: Sequence[ModelResult], lang: str
                  ) -> list[dict[str, Any]]:
    rows = []
    for issue in scenario.issues:
        values = {r.model: r.value(issue.id) for r in results}
        values = {k: v for k, v in values.items() if v is not None}
        if len(values) < 2:
            continue
        low, high = min(values, key=values.get), max(values, key=values.get)
        spread = (values[high] - values[low]) / issue.width
        if spread > 0:
            rows.append({"issue": issue.id, "name": issue.text(lang), "low": values[low],
                         "high": values[high], "lowest": low, "highest": high,
                         "spread": spread})
    rows.sort(key=lambda r: (-r["spread"], r["issue"]))
    return rows[:DISAGREE_TOP]


def _value(option) -> float | None:
    return option.value


def bottom_line_document(j: Judgments, lang: str = "en") -> dict[str, Any]:
    """The bottom line as JSON-ready data in one language (names, options, numbers)."""
    s = j.scenario
    models = [r.model for r in j.results]
    doc: dict[str, Any] = {
        "kind": "package" if j.analysis is not None else "ensemble",
        "models": models,
        "models_disagree": _disagreement(s, j.results, lang),
        "note": j.note,
    }
    if j.analysis is None:
        issues = []
        for issue in s.issues:
            values = [v for r in j.results if (v := r.value(issue.id)) is not None]
            mean = float(np.mean(values)) if values else None
            anchor = issue.nearest_anchor(mean) if mean is not None else None
            issues.append({"issue": issue.id, "name": issue.text(lang), "value": mean,
                           "status_quo": issue.status_quo, "models": len(values),
                           "digits": 2 if issue.width <= 20 else 1,
                           "anchor": None if anchor is None else
                           f"{anchor.value:g}: {anchor.text(lang)}"})
        doc["ensemble"] = {"weights": "equal", "issues": issues}
        return doc
    space = j.analysis.space
    terms = j.headline
    doc["headline"] = {"solution": HEADLINE, "column": PACKAGE_COLUMNS[HEADLINE]}
    doc["parties"] = [{"id": p.id, "name": p.text(lang)} for p in space.parties]
    doc["no_deal"] = terms is None
    doc["same_as_headline"] = [
        PACKAGE_COLUMNS[name] for name, t in j.analysis.solutions.items()
        if name != HEADLINE and t is not None and terms is not None
        and t.solution.package == terms.solution.package]
    if terms is None:
        doc["issues"], doc["sides"], doc["signposts"], doc["draws"] = [], [], [], None
        return doc
    package = terms.solution.package
    draws = j.nash_draws
    issues = []
    for d, issue in enumerate(space.issues):
        option = issue.options[package[d]]
        ref = space.reference[d] if space.reference is not None else None
        issues.append({
            "issue": issue.id, "name": issue.text(lang), "value": option.value,
            "option": option.text(lang),
            "no_deal_value": None if ref is None else issue.options[ref].value,
            "moved": ref is not None and ref != package[d],
            "p_in_nash": None if draws is None or not len(draws)
            else float(np.mean(draws[:, d] == package[d])),
        })
    doc["issues"] = issues
    doc["draws"] = None if draws is None else {
        "n": len(draws), "seed": j.seed, "noise": j.noise.as_dict(),
        "zopa_nonempty": float(np.mean(draws[:, 0] >= 0)) if len(draws) else None,
        "same_package": float(np.mean(np.all(draws == np.asarray(package), axis=1)))
        if len(draws) else None}
    tol = _tolerance(space)
    sides = []
    for p, party in enumerate(space.parties):
        gives, gets = [], []
        for m in terms.moves:
            item = {"issue": space.issues[m.issue].id, "name": space.issues[m.issue].text(lang),
                    "from": _value(space.issues[m.issue].options[m.reference]),
                    "to": _value(space.issues[m.issue].options[m.option])}
            if m.change[p] < -tol[p]:
                gives.append(item)
            elif m.change[p] > tol[p]:
                gets.append(item)
        sides.append({"party": party.id, "name": party.text(lang), "gives": gives,
                      "gets": gets, "gain": float(terms.solution.gains[p])})
    doc["sides"] = sides
    actors = {a.id: a.text(lang) for a in s.actors}
    by_id = {i.id: i for i in space.issues}
    doc["signposts"] = [{
        "actor": sp.actor, "actor_name": actors[sp.actor], "party": sp.party,
        "issue": sp.issue, "issue_name": s.issue(sp.issue).text(lang),
        "position": sp.position, "to_position": sp.to_position, "change": sp.change,
        "threshold": sp.threshold,
        "flips": [{"issue": e, "name": by_id[e].text(lang),
                   "from": by_id[e].options[a].value,
                   "to": None if b < 0 else by_id[e].options[b].value}
                  for e, a, b in sp.flips]} for sp in j.signposts]
    return doc
