"""`grandbargain negotiate`: alternating offers between the principals until one accepts or the
deadline passes; or a tournament of every pair of strategies."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated

import typer

from grandbargain.cli._common import (
    FormatOpt,
    Lang,
    LangOpt,
    OutOpt,
    OutputFormat,
    ScenarioArg,
    emit,
    fail,
    load,
)

StrategyOpt = Annotated[list[str] | None, typer.Option(
    "--strategy", help="PARTY=NAME, repeatable (or --PARTY NAME, e.g. --us conceder). "
    "NAME[+ACCEPT]: boulware, linear, conceder, time:E, hardliner, tit-for-tat, "
    "best-response[:E]; ACCEPT: next (default), const:U, time:T. Default: the scenario's "
    "`strategy:`, else linear.")]
DeadlineOpt = Annotated[str, typer.Option(
    "--deadline", help="A number of rounds, or a date YYYY-MM-DD reached at --pace rounds a "
    "week from the scenario's as_of (e.g. a truce expiry, 2025-08-12).")]
PaceOpt = Annotated[float | None, typer.Option(
    "--pace", help="Rounds per week, for a date deadline (default 5).", show_default=False)]
DiscountOpt = Annotated[float | None, typer.Option(
    "--discount", help="Discount factor d in (0, 1]: a utility u agreed at relative time t is "
    "worth u * d^t (Genius).")]
FirstOpt = Annotated[str | None, typer.Option(
    "--first", help="The party that opens (default: the first principal).")]
BandOpt = Annotated[float, typer.Option(
    "--band", help="Offer, among the packages worth the target to target + BAND to the "
    "offerer, the one best for the other side (time-dependent and tit-for-tat strategies). "
    "0 (default): the least package worth the target, as NegMAS does.")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="--tournament on N local Dask worker processes (needs "
    "grandbargain[dask]); the same result as in process.")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="--tournament on an existing Dask cluster (tcp://HOST:PORT).")]
PngOpt = Annotated[Path | None, typer.Option(
    "--png", help="Also draw the offers in utility space over the Pareto frontier (PNG).")]
TournamentOpt = Annotated[bool, typer.Option(
    "--tournament", help="Run every ordered pair of the --field strategies instead (two "
                         "parties).")]
FieldOpt = Annotated[str | None, typer.Option(
    "--field", help="Comma-separated strategies for --tournament (default: ten, 100 pairs: "
    "time:0.1, boulware, time:0.5, linear, time:2, conceder, time:10, hardliner, tit-for-tat, "
    "best-response).")]


def _overrides(specs: list[str] | None, extra: list[str], parties: list[str],
               given: dict[str, str] | None = None) -> dict[str, str]:
    """Per party the strategy named by --strategy PARTY=NAME or --PARTY NAME; `given` records
    which option named it (for error messages)."""
    from grandbargain.scenario import ScenarioError

    out: dict[str, str] = {}
    given = given if given is not None else {}
    for spec in specs or []:
        party, sep, name = spec.partition("=")
        if not sep or not party.strip() or not name.strip():
            raise ScenarioError.single("--strategy", f"expected PARTY=NAME, got {spec!r}")
        out[party.strip()] = name.strip()
        given[party.strip()] = "--strategy"
    k = 0
    while k < len(extra):
        arg = extra[k]
        if not arg.startswith("--") or len(arg) < 3:
            raise ScenarioError.single(arg, "unexpected argument (options are --PARTY NAME, "
                                       f"with PARTY one of {', '.join(parties)})")
        party, sep, name = arg[2:].partition("=")
        if not sep:
            if k + 1 >= len(extra) or extra[k + 1].startswith("--"):
                raise ScenarioError.single(arg, "needs a strategy name, e.g. "
                                           f"{arg} conceder")
            name = extra[k + 1]
            k += 1
        if party not in parties:
            raise ScenarioError.single(arg, f"no such option: not a party of this negotiation "
                                       f"(parties: {', '.join(parties)})")
        out[party] = name
        given[party] = f"--{party}"
        k += 1
    return out


def _scenario_among(scenario: str | None, extra: list[str]) -> tuple[str | None, list[str]]:
    """The scenario argument when it follows the per-party options (`--us conceder FILE`)."""
    if scenario is not None:
        return scenario, extra
    rest, k = [], 0
    while k < len(extra):
        arg = extra[k]
        if arg.startswith("--"):
            rest.append(arg)
            if "=" not in arg and k + 1 < len(extra) and not extra[k + 1].startswith("--"):
                rest.append(extra[k + 1])
                k += 1
        elif scenario is None:
            scenario = arg
        else:
            rest.append(arg)
        k += 1
    return scenario, rest


def _space(scenario: str | None):
    from grandbargain.deals import deal_space, read_domain
    from grandbargain.scenario import ScenarioError

    if scenario is not None and Path(scenario).is_dir():
        return read_domain(scenario), None
    s = load(scenario)
    try:
        return deal_space(s), s
    except ValueError as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError.single(scenario or s.id, f"cannot build the deals: {exc}") from None


def _offers_csv(document: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    parties = list(document["utilities"])
    issues = [item["issue"] for item in document["offers"][0]["package"]] \
        if document["offers"] else []
    writer.writerow(["round", "proposer", *(f"u_{p}" for p in parties), *issues, "accepted"])
    agreed = document["agreement"]
    for k, offer in enumerate(document["offers"]):
        last = agreed is not None and k == len(document["offers"]) - 1
        writer.writerow([offer["round"], offer["proposer"],
                         *(f"{offer['utilities'][p]:.6f}" for p in parties),
                         *(item["value"] if item["value"] is not None else item["option"]
                           for item in offer["package"]),
                         agreed["accepted_by"] if last else ""])
    return buffer.getvalue()


def draw_png(arena, result, marks, path: Path, lang: str = "en") -> None:
    """The offers of each party in utility space (first two parties), over the frontier."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [p.text("en") for p in arena.space.parties]  # CJK fonts may be absent
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    front = marks.frontier[np.argsort(marks.frontier[:, 0])]
    ax.plot(front[:, 0], front[:, 1], "-", color="0.6", lw=1.5, label="Pareto frontier")
    ax.axvline(arena.reserve[0], color="0.8", ls=":", lw=1)
    ax.axhline(arena.reserve[1], color="0.8", ls=":", lw=1)
    for p, colour in zip(range(arena.n_parties), ("tab:blue", "tab:red", "tab:green"),
                         strict=False):
        mine = result.proposers == p
        u = result.offer_utilities[mine]
        ax.plot(u[:, 0], u[:, 1], "o-", color=colour, ms=4, lw=0.8, alpha=0.8,
                label=f"{names[p]} offers ({result.strategies[p]})")
    if marks.nash is not None:
        ax.plot(*marks.nash[:2], "k*", ms=12, label="Nash package")
    if result.agreed:
        ax.plot(*result.utilities[:2], "D", color="gold", mec="k", ms=10,
                label=f"agreement, round {result.round}")
    ax.set_xlabel(f"utility of {names[0]}")
    ax.set_ylabel(f"utility of {names[1]}")
    ax.set_title(("Agreement" if result.agreed else "No agreement") +
                 f" by {result.deadline.text('en')}", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _tournament(arena, field: str | None, deadline, discount, lang: str, fmt, out,
                band: float = 0.0, workers: int | None = None,
                scheduler: str | None = None) -> None:
    import numpy as np

    from grandbargain.negotiate import TOURNAMENT_FIELD, parse_strategy, tournament
    from grandbargain.negotiate._strategies import with_band
    from grandbargain.scenario import ScenarioError

    names = [n.strip() for n in field.split(",")] if field else list(TOURNAMENT_FIELD)
    try:
        strategies = [with_band(parse_strategy(n), band) for n in names if n]
    except ValueError as exc:
        raise ScenarioError.single("--field", str(exc)) from None
    if len(strategies) < 1:
        raise ScenarioError.single("--field", "needs at least one strategy")
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("tournament", total=len(strategies) ** 2)
        step = lambda done, total: bar.update(task, completed=done)  # noqa: E731
        if workers is None and scheduler is None:
            result = tournament(arena, strategies, deadline, discount=discount, progress=step)
        else:
            from grandbargain.negotiate import tournament_on_dask
            from grandbargain.uncertainty._dask import DaskUnavailable

            try:
                result = tournament_on_dask(arena.space, strategies, deadline, workers=workers,
                                            scheduler=scheduler, discount=discount,
                                            progress=step)
            except DaskUnavailable as exc:
                raise ScenarioError.single("--scheduler" if scheduler else "--workers",
                                           str(exc)) from None
    summary = result.summary()
    parties = [p.id for p in arena.space.parties]
    games = [{"opener": result.names[a], "responder": result.names[b], "agreed": bool(ok),
              "round": int(r) or None, f"u_{parties[0]}": float(u[0]),
              f"u_{parties[1]}": float(u[1]),
              "nash_distance": None if np.isnan(nd) else float(nd),
              "frontier_distance": float(fd)}
             for a, b, ok, r, u, nd, fd in zip(result.opener, result.responder, result.agreed,
                                               result.rounds, result.utilities,
                                               result.nash_distance, result.frontier_distance,
                                               strict=True)]
    rate = float(result.agreed.mean())
    best = summary[0]
    if lang == "zh":
        line = (f"{len(games)} 場對局（{len(strategies)} 種策略兩兩對陣，期限 "
                f"{deadline.text(lang)}）：{rate:.0%} 達成協議；平均效用最高的是 "
                f"{best['strategy']}（{best['mean_utility']:.3f}）。")
    else:
        line = (f"{len(games)} games ({len(strategies)} strategies, every ordered pair, deadline "
                f"{deadline.text(lang)}): {rate:.0%} reach agreement; the highest mean utility "
                f"is {best['strategy']}'s ({best['mean_utility']:.3f}).")
    if fmt == OutputFormat.json:
        emit(json.dumps({"bottom_line": line, "summary": summary, "games": games},
                        ensure_ascii=False, indent=2) + "\n", out)
        return
    if fmt == OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(games[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(games)
        emit(buffer.getvalue(), out)
        return
    from rich.console import Group
    from rich.text import Text

    from grandbargain.cli._common import print_rich
    from grandbargain.report import rich_table

    header = ["策略", "對局", "協議率", "平均效用", "距納什"] if lang == "zh" else \
        ["strategy", "games", "agreements", "mean utility", "from Nash"]
    rows = [[r["strategy"], str(r["games"]), f"{r['agreement_rate']:.0%}",
             f"{r['mean_utility']:.3f}",
             "" if r["mean_nash_distance"] is None else f"{r['mean_nash_distance']:.3f}"]
            for r in summary]
    print_rich(Group(Text(line), rich_table("", header, rows)), out)


def negotiate(
    ctx: typer.Context,
    scenario: ScenarioArg = None,
    strategy: StrategyOpt = None,
    deadline: DeadlineOpt = "20",
    pace: PaceOpt = None,
    discount: DiscountOpt = None,
    first: FirstOpt = None,
    band: BandOpt = 0.0,
    tournament: TournamentOpt = False,
    field: FieldOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    lang: LangOpt = Lang.en,
    out: OutOpt = None,
    png: PngOpt = None,
) -> None:
    """Alternating offers between the principals until one accepts or the deadline passes: the
    agreement (or none), its round, each side's utility and distance from the Nash package and
    the frontier, then the offers in plain words. Strategies per party: --us conceder --china
    boulware (or --strategy us=conceder); the deadline a number of rounds or a date
    (--deadline 2025-08-12 at --pace rounds a week from the scenario's as_of). SCENARIO may
    also be a Genius/GeniusWeb domain folder. --tournament runs every pair of strategies."""
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
    from grandbargain.negotiate._strategies import with_band
    from grandbargain.negotiate._text import report_text
    from grandbargain.scenario import ScenarioError

    extra = list(ctx.args)
    if scenario is not None and scenario.startswith("--"):  # --us NAME came first: not a file
        extra.insert(0, scenario)
        scenario = None
    try:
        scenario, extra = _scenario_among(scenario, extra)
        space, s = _space(scenario)
        parties = [p.id for p in space.parties]
        given: dict[str, str] = {}
        overrides = _overrides(strategy, extra, parties, given)
        try:
            when = parse_deadline(deadline, s.as_of if s is not None else None,
                                  DEFAULT_PACE if pace is None else pace)
        except ValueError as exc:
            raise ScenarioError.single("--pace" if "pace" in str(exc) else "--deadline",
                                       str(exc)) from None
        if pace is not None and when.date is None:
            raise ScenarioError.single("--pace", "applies to a date deadline (--deadline "
                                       "YYYY-MM-DD), not to a number of rounds")
        if discount is not None and not 0 < discount <= 1:
            raise ScenarioError.single("--discount", f"must lie in (0, 1], got {discount:g}")
        if not (band >= 0 and band < float("inf")):
            raise ScenarioError.single("--band", f"must be a utility of 0 or more, got {band:g}")
        if first is not None and first not in parties:
            raise ScenarioError.single("--first", f"'{first}' is not a party (parties: "
                                       f"{', '.join(parties)})")
        if png is not None and not png.parent.is_dir():
            raise ScenarioError.single(str(png), f"cannot write: no folder {png.parent}")
        try:
            arena = cached_arena(space)
        except ArenaTooLarge as exc:
            raise ScenarioError.single(scenario or "scenario", str(exc)) from None
        if tournament:
            if overrides:
                raise ScenarioError.single("--tournament", "plays the --field strategies; "
                                           "drop the per-party strategies")
            for given_option, name in ((png, "--png"), (first, "--first")):
                if given_option is not None:
                    raise ScenarioError.single(name, "applies to one negotiation, not to "
                                               "--tournament (every pair plays both ways)")
            if arena.n_parties != 2:
                raise ScenarioError.single("--tournament", f"pairs two parties; this deal has "
                                           f"{arena.n_parties}")
            _tournament(arena, field, when, discount, lang.value, fmt, out, band,
                        workers, scheduler)
            return
        for given_option, name in ((field, "--field"), (workers, "--workers"),
                                   (scheduler, "--scheduler")):
            if given_option is not None:
                raise ScenarioError.single(name, "applies to --tournament")
        strategies, origins = default_strategies(s, parties, overrides, given)
        strategies = [with_band(x, band) for x in strategies]
        result = run(arena, strategies, when, first=parties.index(first) if first else 0,
                     discount=discount)
        marks = benchmarks(arena)
        found = measure(result, marks)
    except ScenarioError as exc:
        fail(exc)
        raise
    if png is not None:
        draw_png(arena, result, marks, png, lang.value)
        typer.echo(f"wrote {png}", err=True)
    if fmt == OutputFormat.table:
        emit(report_text(arena, result, found, lang.value, origins), out)
        return
    from grandbargain.negotiate._document import negotiation_document

    document = negotiation_document(arena, result, found, marks, lang.value, origins, band)
    if fmt == OutputFormat.json:
        emit(json.dumps(document, ensure_ascii=False, indent=2) + "\n", out)
    else:
        emit(_offers_csv(document), out)


def register(app: typer.Typer) -> None:
    app.command("negotiate", context_settings={"allow_extra_args": True,
                                               "ignore_unknown_options": True})(negotiate)
