"""Rounds, exchanges, package deals, validation and the timeline: the documents the commands
of those names print with `--format json`, from the same core builders."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grandbargain.api._forecast import pick_models, run_draws, scenario_of
from grandbargain.api._result import Result
from grandbargain.api._scenario import SourceLike
from grandbargain.scenario import ScenarioError

ROUND_MODELS = ("eu", "eu-scholz", "smp")


class Rounds(Result):
    """The expected-utility model (or the SMP) round by round (`grandbargain rounds`).

    `to_frame()`: one row per round and actor (position, risk, the round's median and
    weighted mean); for the SMP one row per turn, actor and issue.
    """

    command = "grandbargain rounds --format json"

    @property
    def smp(self) -> bool:
        return "turns" in self._document

    def rows(self):
        if self.smp:
            from grandbargain.report._smp_rounds import smp_rounds_rows

            return smp_rounds_rows(self._document)
        header = ["round", "actor", "name", "position", "risk", "median", "mean"]
        rows = [[r["round"], a["id"], a["name"], r["positions"][a["id"]],
                 (r.get("risk") or {}).get(a["id"]), r["median"], r["mean"]]
                for r in self._document["rounds"] for a in self._document["actors"]]
        return header, rows

    def compact(self):
        d = self._document
        if self.smp:
            issues = [i["id"] for i in d["issues"]]
            turns = d["turns"]
            return (["actor", *issues],
                    [[a["id"], *(turns[-1]["positions"][a["id"]][i] for i in issues)]
                     for a in d["actors"]])
        steps = d["rounds"]
        header = ["actor", *(str(r["round"]) for r in steps)]
        rows = [[a["name"], *(r["positions"][a["id"]] for r in steps)] for a in d["actors"]]
        rows.append(["median", *(r["median"] for r in steps)])
        return header, rows

    @property
    def bottom_line(self) -> list[str]:
        d = self._document
        if self.smp:
            return [f"SMP after {d['turns_run']} turns (stopped: {d['stopped']}): "
                    + "; ".join(f"{i['id']} {d['forecast'][i['id']]:.3g}" for i in d["issues"])]
        settled = "settled" if d["settled"] else "NOT settled (forecast = middle of its range)"
        return [f"{d['issue']['name']}: forecast {d['forecast']:.4g} after "
                f"{len(d['rounds']) - 1} rounds ({settled}; stopped: {d['stopped']})"]


def rounds(scenario: SourceLike = None, *, issue: str | None = None, model: str = "eu-scholz",
           rounds: int | None = None, lang: str = "en") -> Rounds:
    """The expected-utility model round by round on one issue (`grandbargain rounds`):
    positions, risk, accepted offers; `model="smp"` runs KTAB's SMP over every issue at once
    (up to 100 turns unless `rounds` is given). `rounds` defaults to 10 for eu/eu-scholz.

    >>> import grandbargain as gb
    >>> r = gb.rounds(issue="ai_chip_exports", rounds=3)
    >>> r.to_dict()["forecast"]
    40.0
    >>> r.to_frame().groupby("round")["median"].first().tolist()
    [40.0, 40.0, 40.0, 40.0]
    """
    from grandbargain.models import MODELS

    if model not in ROUND_MODELS:
        raise ScenarioError.single("model", f"unknown model {model!r} (known: "
                                   f"{', '.join(ROUND_MODELS)})")
    s = scenario_of(scenario)
    ids = [i.id for i in s.issues]
    if model == "smp":
        from grandbargain.models import SpatialModelOfPolitics
        from grandbargain.report._smp_rounds import smp_rounds_document

        result = SpatialModelOfPolitics(max_turns=rounds if rounds else 100).forecast(s)
        if result.detail.get("run") is None:
            reason = result.forecasts[0].detail.get("reason", "no run")
            raise ScenarioError.single("model", f"no SMP run: {reason}")
        if issue is not None and issue not in ids:
            raise ScenarioError.single("issue", f"unknown issue '{issue}' (known: "
                                       f"{', '.join(ids)})")
        return Rounds(smp_rounds_document(s, result, lang), lang)
    from grandbargain.report import rounds_document

    if issue is None:
        if len(ids) != 1:
            raise ScenarioError.single("issue", f"the scenario has {len(ids)} issues; pick "
                                       f"one with issue= ({', '.join(ids)})")
        issue = ids[0]
    if issue not in ids:
        raise ScenarioError.single("issue", f"unknown issue '{issue}' (known: {', '.join(ids)})")
    result = MODELS[model](rounds=10 if rounds is None else rounds).forecast(s)
    if issue not in result.detail["runs"]:
        reason = result.forecasts[s.issue_index[issue]].detail.get("reason", "no run")
        raise ScenarioError.single("issue", f"no rounds for issue '{issue}': {reason}")
    return Rounds(rounds_document(s, result, issue, lang), lang)


class Exchanges(Result):
    """Stokman's exchange model round by round (`grandbargain exchanges`).

    `to_frame()`: one row per round and issue: the expected outcome at the round's start
    and after it (round 0: the start), and the exchanges made on the issue that round.
    """

    command = "grandbargain exchanges --format json"

    def rows(self):
        d = self._document
        header = ["round", "issue", "start", "forecast", "exchanges"]
        rows = [[0, i["id"], None, d["initial"][i["id"]], 0] for i in d["issues"]]
        for r in d["rounds"]:
            made: dict[str, int] = {}
            for e in r["exchanges"]:
                for side in (e["first"], e["second"]):
                    made[side["issue"]] = made.get(side["issue"], 0) + 1
            rows += [[r["round"], i["id"], r["start"][i["id"]], r["forecast"][i["id"]],
                      made.get(i["id"], 0)] for i in d["issues"]]
        return header, rows

    def exchanges_frame(self):
        """Every exchange as a row (as `grandbargain exchanges --format csv`)."""
        from grandbargain.api._result import require_pandas
        from grandbargain.report import exchanges_rows

        header, rows = exchanges_rows(self._document)
        return require_pandas().DataFrame(rows, columns=header)

    def compact(self):
        d = self._document
        header = ["issue", "start", *(str(r["round"]) for r in d["rounds"])]
        return header, [[i["id"], d["initial"][i["id"]],
                         *(r["forecast"][i["id"]] for r in d["rounds"])] for i in d["issues"]]

    @property
    def bottom_line(self) -> list[str]:
        d = self._document
        made = sum(len(r["exchanges"]) for r in d["rounds"])
        return [f"{made} exchanges over {len(d['rounds'])} rounds; final expected outcome: "
                + ", ".join(f"{k} {v:.3g}" for k, v in d["final"].items())]


def exchanges(scenario: SourceLike = None, *, rounds: int = 10, seed: int = 0,
              tie_break: str = "random", variant: str = "spec", lang: str = "en") -> Exchanges:
    """Who trades support with whom across issues, round by round (`grandbargain exchanges`,
    Stokman's exchange model).

    >>> import grandbargain as gb
    >>> x = gb.exchanges(rounds=2)
    >>> x.to_frame().query("round == 0")["forecast"].round(2).tolist()[:3]
    [36.47, 34.91, 21.21]
    """
    from grandbargain.models import ExchangeModel
    from grandbargain.report import exchanges_document

    if tie_break not in ("random", "ordered"):
        raise ScenarioError.single("tie_break", f"expected random or ordered, got {tie_break!r}")
    if variant not in ("spec", "decide"):
        raise ScenarioError.single("variant", f"expected spec or decide, got {variant!r}")
    s = scenario_of(scenario)
    model = ExchangeModel(rounds=rounds, seed=seed, tie_break=tie_break, variant=variant)
    return Exchanges(exchanges_document(s, model.run(s), model.get_params(), lang), lang)


class Deals(Result):
    """Package deals between the principals (`grandbargain deals --format json`).

    `to_frame()`: one row per solution and issue: the option, who concedes, each party's
    loss and utility (as `deals --format csv`).
    """

    command = "grandbargain deals --format json"

    def rows(self):
        from grandbargain.report._deals_table import deals_rows

        return deals_rows(self._document)

    def compact(self):
        d = self._document
        names = [k for k, v in d["solutions"].items() if v is not None]
        issues = [item["issue"] for item in d["solutions"][names[0]]["package"]] if names else []
        values = {k: {item["issue"]: item["value"] for item in d["solutions"][k]["package"]}
                  for k in names}
        return ["issue", *names], [[i, *(values[k][i] for k in names)] for i in issues]

    @property
    def bottom_line(self) -> list[str]:
        if "bottom_line" in self._document:
            from grandbargain.report._bottom_line import bottom_line_lines

            return bottom_line_lines(self._document["bottom_line"], self.lang)
        z = self._document["zopa"]
        return ["The ZOPA is empty: no package beats no deal for every party" if z["empty"]
                else f"{z['frontier_packages']} packages on the frontier beat no deal for "
                "every party"]


def deals(scenario: SourceLike = None, *, red_line: Sequence[str] | str | None = None,
          disagreement: str | None = None, top: int = 5, draws: int | None = None,
          seed: int = 0, noise: str | None = None, distribution: str = "normal",
          lang: str = "en", bottom_line: bool = True, bottom_line_draws: int = 100) -> Deals:
    """Package deals between the scenario's principals (`grandbargain deals`): the Pareto
    frontier, the ZOPA, the Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages,
    who concedes what, and the top logrolls. `red_line` takes the command's
    "PRINCIPAL:ISSUE>=VALUE" texts; `scenario` may also be a Genius domain folder.

    >>> import grandbargain as gb
    >>> d = gb.deals(bottom_line=False)
    >>> d.to_frame().query("solution == 'nash'")[["issue", "value"]].head(2).to_string(index=False)
    '             issue  value\\n   ai_chip_exports   50.0\\nchip_tool_controls   30.0'
    >>> gb.deals(red_line="us:ai_chip_exports>=70", bottom_line=False).to_dict()[
    ...     "solutions"]["nash"]["package"][0]["value"]
    70.0
    """
    from grandbargain.deals import FrontierTooLarge, UtilityRangeError, analyse, deal_space
    from grandbargain.deals._overrides import parse_disagreement, parse_red_lines
    from grandbargain.report._deals_table import deals_document

    if isinstance(red_line, str):
        red_line = [red_line]
    folder = isinstance(scenario, str | os.PathLike) and Path(scenario).is_dir()
    where = str(scenario) if isinstance(scenario, str | os.PathLike) else "scenario"
    s = None
    try:
        if folder:
            from grandbargain.deals import read_domain

            if red_line or disagreement:
                raise ScenarioError.single(where, "red_line and disagreement apply to "
                                           "scenarios, not to Genius domains")
            space = read_domain(scenario)
        else:
            s = scenario_of(scenario)
            lines, keep = parse_red_lines(red_line)
            space = deal_space(s, disagreement=parse_disagreement(disagreement, s),
                               red_lines=lines, keep_red_lines=keep)
        analysis = analyse(space, top=top)
    except (FrontierTooLarge, UtilityRangeError) as exc:
        raise ScenarioError.single(where, str(exc)) from None
    except ValueError as exc:
        raise ScenarioError.single(where, f"cannot build the deals: {exc}") from None
    document = deals_document(analysis, lang, frontier_points=True)
    if s is not None and (bottom_line or draws is not None):
        from grandbargain.uncertainty import deal_options

        lines, keep = parse_red_lines(red_line)
        options = deal_options(parse_disagreement(disagreement, s), lines, keep)
        if bottom_line:
            from grandbargain.bottomline._forecast import deals_bottom_line
            from grandbargain.uncertainty import parse_noise

            spread = parse_noise(noise, distribution) if noise else None
            document = {"bottom_line": deals_bottom_line(s, analysis, options, lang,
                                                         draws=bottom_line_draws, seed=seed,
                                                         noise=spread), **document}
        if draws is not None:
            from grandbargain.uncertainty import deals_document as drawn_deals

            sim, samples = run_draws(s, [], draws, seed, noise, distribution, deals=options)
            drawn = drawn_deals(s, options, samples.nash_packages, lang, top)
            drawn["simulation"] = {"draws": sim.draws, "seed": sim.seed,
                                   "chunk_size": sim.chunk_size, "noise": sim.noise.as_dict()}
            document["uncertainty"] = drawn
    elif draws is not None:
        raise ScenarioError.single(where, "draws needs a scenario (stances to draw), not a "
                                   "Genius domain", field="draws")
    return Deals(document, lang)


class Validation(Result):
    """Every model scored on every case with a known outcome (`grandbargain validate`).

    `to_frame()`: one row per table, case, model (as `validate --format csv`): forecast,
    outcome, error, and the summary rows' MAE and hit rates.
    """

    command = "grandbargain validate --format json"

    def __init__(self, document, rows):
        super().__init__(document)
        self._rows = rows

    def rows(self):
        return self._rows

    def _summaries(self) -> tuple[list[str], list[list[Any]]]:
        header, rows = self._rows
        table, group = header.index("table"), header.index("group")
        return header, [r for r in rows if r[table] in ("summary", "deu-summary")
                        and not r[group]]

    def compact(self):
        header, rows = self._summaries()
        keep = [header.index(c) for c in ("table", "model", "kind", "n", "mae", "median_ae")]
        return [header[k] for k in keep], [[r[k] for k in keep] for r in rows]

    @property
    def bottom_line(self) -> list[str]:
        header, rows = self._summaries()
        kind, mae, model = header.index("kind"), header.index("mae"), header.index("model")
        n, table = header.index("n"), header.index("table")
        scored = [r for r in rows if r[kind] == "model" and r[mae] is not None]
        if not scored:
            return ["nothing scored"]
        best = min(scored, key=lambda r: r[mae])
        return [f"lowest mean absolute error ({best[table]}): {best[model]}, {best[mae]:.3f} of "
                f"the scale over {best[n]} forecasts"]


def validate(*, cases: str | os.PathLike[str] | None = None, no_cases: bool = False,
             catalogue: str | os.PathLike[str] | None = None,
             deu: str | os.PathLike[str] | None = None,
             capabilities: str | os.PathLike[str] | None = None,
             capability_column: str | None = None, institutions: str = "average-member",
             models: Sequence[str] | str | None = None) -> Validation:
    """Score every model on every case with a known outcome, and on a DEU III table
    (`grandbargain validate`). `cases`: the benchmark folder (default
    $GRANDBARGAIN_CASES, else ../shared/benchmarks).

    >>> import grandbargain as gb
    >>> try:
    ...     gb.validate(no_cases=True)
    ... except gb.ScenarioError as exc:
    ...     print(exc)
    no_cases: nothing to score: give deu= or drop no_cases
    """
    from grandbargain.models import MODELS
    from grandbargain.validate import INSTITUTIONS, read_catalogue, validate_deu, validate_library
    from grandbargain.validate._document import CSV_HEADER, csv_rows, validation_document

    if isinstance(models, str):
        models = [models]
    known = [*MODELS, "ensemble"]
    unknown = [m for m in models or [] if m not in known]
    if unknown:
        raise ScenarioError.single("models", f"unknown model(s) {', '.join(unknown)} (known: "
                                   f"{', '.join(dict.fromkeys(known))})")
    if institutions not in INSTITUTIONS:
        raise ScenarioError.single("institutions", f"unknown rule '{institutions}' (known: "
                                   f"{', '.join(INSTITUTIONS)})")
    folder = Path(cases or os.environ.get("GRANDBARGAIN_CASES")
                  or Path("..") / "shared" / "benchmarks")
    notes: list[str] = []
    library = None
    if no_cases:
        if deu is None:
            raise ScenarioError.single("no_cases", "nothing to score: give deu= or drop "
                                       "no_cases")
    elif folder.is_dir():
        library = validate_library(folder, read_catalogue(catalogue), models and list(models))
        if not library.runs and (cases is not None or deu is None):
            raise ScenarioError.single(str(folder), "no case found: none of the catalogue's "
                                       "case files could be read here; give the benchmark "
                                       "folder with cases=", field="cases")
    elif cases is not None or deu is None:
        raise ScenarioError.single(str(folder), "no such folder: give the benchmark folder "
                                   "with cases= (or set $GRANDBARGAIN_CASES)", field="cases")
    else:
        notes.append("case library not run: no benchmark folder at ../shared/benchmarks "
                     "(give cases=)")
    result_deu = None
    if deu is not None:
        if capabilities is None:
            raise ScenarioError.single(str(deu), "a DEU table has no capabilities: give them "
                                       "with capabilities=", field="capabilities")
        result_deu = validate_deu(Path(deu), Path(capabilities), capability_column,
                                  institutions, models and list(models))
    name = Path(catalogue).name if catalogue else "grandbargain/validate/cases.yaml"
    document = validation_document(library, name, result_deu, notes)
    return Validation(document, (list(CSV_HEADER), csv_rows(library, result_deu)))


class Timeline(Result):
    """A replayed events file (`grandbargain timeline --format json`).

    `to_frame()`: one row per date, model and issue (as `timeline --format csv`): the
    events, the status quo, the forecast, its change since the last date, the package.
    """

    command = "grandbargain timeline --format json"

    def rows(self):
        from grandbargain.timeline._replay import replay_rows

        return replay_rows(self._document)

    def compact(self):
        d = self._document
        return ["date", "what happened"], [[s["date"], s["text"]] for s in d["steps"]]

    @property
    def bottom_line(self) -> list[str]:
        return [self._document["bottom_line"]]


def timeline(scenario: SourceLike = None, *, events: str | os.PathLike[str] = "us-china-2025",
             models: Sequence[str] | str | None = None, solution: str = "nash",
             lang: str = "en") -> Timeline:
    """Replay an events file (`grandbargain timeline`): forecasts and the package at every
    event date, and why they moved. `scenario`: the base (default: the one the events file
    names); `models` default to the fast ones (compromise, median, nash-issue, eu).

    >>> import grandbargain as gb
    >>> t = gb.timeline(models=["median"])
    >>> t.to_frame()["date"].nunique() > 5
    True
    """
    from grandbargain.api._scenario import load
    from grandbargain.timeline import read_timeline
    from grandbargain.timeline._replay import FAST_MODELS, replay_document

    if solution not in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        raise ScenarioError.single("solution", f"unknown solution {solution!r}")
    tl = read_timeline(os.fspath(events))
    base = load(tl.base_source) if scenario is None else scenario_of(scenario)
    chosen = pick_models(models or list(FAST_MODELS))
    document: dict[str, Any] = replay_document(base, tl, chosen, solution=solution, lang=lang)
    return Timeline(document, lang)


class NegotiationRun(Result):
    """One alternating-offers negotiation (`grandbargain negotiate --format json`).

    `to_frame()`: one row per offer and issue (as `negotiate --format csv` has one row per
    offer): the round, who proposed, each party's utility of the offer, the option offered,
    and whether it was the accepted one.
    """

    command = "grandbargain negotiate --format json"

    def rows(self):
        d = self._document
        parties = list(d["utilities"])
        header = ["round", "proposer", *(f"utility_{p}" for p in parties), "issue", "option",
                  "value", "accepted"]
        rows = []
        last = len(d["offers"]) - 1
        for k, offer in enumerate(d["offers"]):
            accepted = d["agreement"] is not None and k == last
            for item in offer["package"]:
                rows.append([offer["round"], offer["proposer"],
                             *(offer["utilities"][p] for p in parties), item["issue"],
                             item["option"], item["value"], accepted])
        return header, rows

    def compact(self):
        d = self._document
        parties = list(d["utilities"])
        return (["round", "proposer", *parties],
                [[o["round"], o["proposer"], *(o["utilities"][p] for p in parties)]
                 for o in d["offers"]])

    @property
    def bottom_line(self) -> list[str]:
        return [self._document["bottom_line"]]


def negotiate(scenario: SourceLike = None, *, strategy: dict[str, str] | None = None,
              deadline: str | int = "20", pace: float | None = None,
              discount: float | None = None, first: str | None = None, band: float = 0.0,
              lang: str = "en") -> NegotiationRun:
    """Alternating offers between the principals until one accepts or the deadline passes
    (`grandbargain negotiate`). `strategy` maps a party to a strategy name (the command's
    `--us conceder` is `strategy={"us": "conceder"}`); parties it does not name keep the
    scenario's `strategy:`. `deadline` is a number of rounds or a date (`"2025-08-12"`, at
    `pace` rounds a week from the scenario's as_of). `scenario` may also be a Genius/GeniusWeb
    domain folder.

    >>> import grandbargain as gb
    >>> run = gb.negotiate(deadline="2025-08-12", band=0.01)
    >>> run.to_dict()["deadline"]["date"]
    '2025-08-12'
    >>> set(run.to_frame()["proposer"]) <= {"us", "china"}
    True
    """
    from grandbargain.deals import deal_space, read_domain
    from grandbargain.negotiate import (
        DEFAULT_PACE,
        ArenaTooLarge,
        benchmarks,
        default_strategies,
        measure,
        parse_deadline,
    )
    from grandbargain.negotiate import negotiate as run
    from grandbargain.negotiate._arena import cached_arena
    from grandbargain.negotiate._document import negotiation_document
    from grandbargain.negotiate._strategies import with_band

    if isinstance(scenario, (str, os.PathLike)) and Path(scenario).is_dir():
        space, s = read_domain(os.fspath(scenario)), None
    else:
        s = scenario_of(scenario)
        try:
            space = deal_space(s)
        except ValueError as exc:
            if isinstance(exc, ScenarioError):
                raise
            raise ScenarioError.single(s.id, f"cannot build the deals: {exc}") from None
    parties = [p.id for p in space.parties]
    try:
        when = parse_deadline(str(deadline), s.as_of if s is not None else None,
                              DEFAULT_PACE if pace is None else pace)
    except ValueError as exc:
        raise ScenarioError.single("pace" if "pace" in str(exc) else "deadline",
                                   str(exc)) from None
    if discount is not None and not 0 < discount <= 1:
        raise ScenarioError.single("discount", f"must lie in (0, 1], got {discount:g}")
    if not (band >= 0 and band < float("inf")):
        raise ScenarioError.single("band", f"must be a utility of 0 or more, got {band:g}")
    if first is not None and first not in parties:
        raise ScenarioError.single("first", f"'{first}' is not a party (parties: "
                                   f"{', '.join(parties)})")
    try:
        arena = cached_arena(space)
    except ArenaTooLarge as exc:
        raise ScenarioError.single("scenario", str(exc)) from None
    strategies, origins = default_strategies(s, parties, dict(strategy or {}), "strategy")
    strategies = [with_band(x, band) for x in strategies]
    result = run(arena, strategies, when, first=parties.index(first) if first else 0,
                 discount=discount)
    marks = benchmarks(arena)
    document = negotiation_document(arena, result, measure(result, marks), marks, lang,
                                    origins, band)
    return NegotiationRun(document, lang)
