"""`grandbargain deals`: the Pareto frontier of the principals' package deals, the ZOPA, the
bargaining solutions with who concedes what, and the top logrolls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grandbargain.cli._common import (
    CapabilitiesOpt,
    CapabilityColumnOpt,
    FormatOpt,
    InputFormatOpt,
    InstitutionsOpt,
    Lang,
    LangOpt,
    OutOpt,
    OutputFormat,
    ScaleOpt,
    ScenarioArg,
    emit,
    fail,
    load,
    print_rich,
)
from grandbargain.cli._draws import (
    Distribution,
    DistributionOpt,
    NoiseOpt,
    SeedOpt,
    YesOpt,
    require_draws,
)
from grandbargain.cli.forecast import BottomLineDrawsOpt, BottomLineOpt
from grandbargain.deals._overrides import parse_disagreement, parse_red_lines
from grandbargain.scenario import ScenarioError

RedLineOpt = Annotated[list[str] | None, typer.Option(
    "--red-line", help="Add a red line, PRINCIPAL:ISSUE>=VALUE (rejects anything below) or "
    "PRINCIPAL:ISSUE<=VALUE (rejects anything above); repeatable. 'none' drops the scenario's "
    "own red lines.")]
DisagreementOpt = Annotated[str | None, typer.Option(
    "--disagreement", help="What happens without a deal: 'status-quo', a scenario (id or file) "
    "whose disagreement point to use (e.g. escalation), or ISSUE=VALUE[,ISSUE=VALUE...].")]
TopOpt = Annotated[int, typer.Option("--top", min=0, help="How many logrolls to list.")]

def _analysis(scenario: str | None, loading: dict, red_line: list[str] | None,
              disagreement: str | None, top: int):
    """The deals analysis, and the loaded scenario (None for a Genius domain)."""
    from grandbargain.deals import (
        FrontierTooLarge,
        UtilityRangeError,
        analyse,
        deal_space,
        read_domain,
    )

    try:
        if scenario is not None and Path(scenario).is_dir():
            if red_line or disagreement:
                raise ScenarioError.single(scenario, "--red-line and --disagreement apply to "
                                           "scenarios, not to Genius domains")
            space, s = read_domain(scenario), None
        else:
            s = load(scenario, **loading)
            lines, keep = parse_red_lines(red_line)
            space = deal_space(s, disagreement=parse_disagreement(disagreement, s),
                               red_lines=lines, keep_red_lines=keep)
        return analyse(space, top=top), s
    except ScenarioError as exc:
        fail(exc)
        raise
    except (FrontierTooLarge, UtilityRangeError) as exc:
        fail(ScenarioError.single(scenario or "scenario", str(exc)))
        raise
    except ValueError as exc:  # the deal space refuses its inputs (e.g. capabilities of 1e308)
        fail(ScenarioError.single(scenario or "scenario", f"cannot build the deals: {exc}"))
        raise


def _utilities(values: dict[str, float], parties: list[dict], gains=None) -> str:
    out = []
    for p in parties:
        text = f"{p['name']} {values[p['id']]:.3f}"
        if gains is not None:
            text += f" ({gains[p['id']]:+.3f})"
        out.append(text)
    return ", ".join(out)


def render(document: dict, lang: str):
    """The terminal view: summary lines, one table per distinct solution package, logrolls."""
    from rich.console import Group
    from rich.text import Text

    from grandbargain.report import rich_table
    from grandbargain.report._deals_table import solution_name, word

    parties = document["parties"]
    names = {p["id"]: p["name"] for p in parties}
    z = document["zopa"]
    colon = "：" if lang == "zh" else ": "
    total = document["packages"]
    total = f"{total:,}" if total < 10**12 else f"{float(total):.3g}"
    parts: list = [Text(document["title"] or "", style="bold")]
    parts.append(Text(f"{word('disagreement', lang)}{colon}"
                      f"{_utilities(document['disagreement']['utilities'], parties)}"))
    size = document["frontier"]["size"]
    parts.append(Text(f"{word('frontier', lang)}{colon}" + (
        f"{size:,} of {total} packages" if lang == "en" else f"{total} 個方案中的 {size:,} 個")))
    if z["empty"]:
        parts.append(Text(f"{word('zopa', lang)}{colon}{word('zopa_empty', lang)}", style="red"))
    else:
        gains = ", ".join(f"{names[p]} {z['min_gain'][p]:+.3f}..{z['max_gain'][p]:+.3f}"
                          for p in names)
        share = "" if z["share"] is None else (
            f"; {word('share', lang)} {z['share']:.3%} ("
            + (word("exact", lang) if z["share_exact"]
               else word("sampled", lang).format(n=z["sampled"])) + ")")
        area = "" if z["area"] is None else f"; {word('area', lang)} {z['area']:.4f}"
        count = (f"{z['frontier_packages']} packages on the frontier" if lang == "en"
                 else f"前沿上 {z['frontier_packages']} 個方案")
        parts.append(Text(f"{word('zopa', lang)}{colon}{count}"))
        parts.append(Text(f"  {word('gain', lang)}{colon}{gains}{share}{area}"))
    shown: dict[tuple, list[str]] = {}
    for key, solution in document["solutions"].items():
        if solution is None:
            continue
        package = tuple(item["option"] for item in solution["package"])
        shown.setdefault(package, []).append(key)
    if not shown:
        parts.append(Text(word("no_deal", lang), style="red"))
    for keys in shown.values():
        solution = document["solutions"][keys[0]]
        title = " = ".join(solution_name(k, lang) for k in keys)
        title += colon + _utilities(solution["utilities"], parties, solution["gains"])
        rows = [[item["name"], item["option"],
                 ", ".join(f"{names[c['party']]} {c['loss']:.3f}" for c in item["concedes"])]
                for item in solution["package"]]
        parts.append(rich_table(title, [word("issue", lang), word("option", lang),
                                        word("who_concedes", lang)], rows))
    nash = document["solutions"].get("nash")
    if nash is not None:
        parts.append(Text(f"{word('logrolls', lang)} ({solution_name('nash', lang)}){colon}",
                          style="bold"))
        if nash["logrolls"]:
            parts.extend(Text(f"{k}. {r['text']}") for k, r in enumerate(nash["logrolls"], 1))
        else:
            parts.append(Text(word("no_logrolls", lang)))
        if nash["moves"]:
            parts.append(Text(f"{word('moves', lang)}{colon}", style="bold"))
            parts.extend(Text(f"- {m}") for m in nash["moves"])
    return Group(*parts)


DealDrawsOpt = Annotated[int | None, typer.Option(
    "--draws", "-n", min=1, help="Also draw the stances N times (see --noise) and report how "
    "often the ZOPA is non-empty and how often each package is the Nash solution.")]


def deals(scenario: ScenarioArg = None, red_line: RedLineOpt = None,
          disagreement: DisagreementOpt = None, top: TopOpt = 5,
          draws: DealDrawsOpt = None, seed: SeedOpt = 0, noise: NoiseOpt = None,
          distribution: DistributionOpt = Distribution.normal, yes: YesOpt = False,
          input_format: InputFormatOpt = None, scale: ScaleOpt = None,
          capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
          institutions: InstitutionsOpt = None, fmt: FormatOpt = OutputFormat.table,
          out: OutOpt = None, lang: LangOpt = Lang.en,
          bottom_line: BottomLineOpt = True, bottom_line_draws: BottomLineDrawsOpt = 100
          ) -> None:
    """Package deals between the scenario's principals: the Pareto frontier, the ZOPA, the
    Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages, who concedes what, and the
    top logrolls. SCENARIO may also be a folder holding a Genius or GeniusWeb domain."""
    from grandbargain.report import to_csv, to_json
    from grandbargain.report._deals_table import deals_document, deals_rows

    require_draws(noise, draws)
    loading = {"input_format": input_format, "scale": scale, "capabilities": capabilities,
               "capability_column": capability_column, "institutions": institutions}
    analysis, s = _analysis(scenario, loading, red_line, disagreement, top)
    document = deals_document(analysis, lang.value, frontier_points=fmt is OutputFormat.json)
    scenario_file = scenario is None or not Path(scenario).is_dir()
    if bottom_line and scenario_file and fmt is not OutputFormat.csv:
        from grandbargain._memo import caching

        with caching():
            document = {"bottom_line": _bottom_line(s, red_line, disagreement, analysis,
                                                    bottom_line_draws, seed, noise,
                                                    distribution, lang.value), **document}
    if draws is not None:
        document["uncertainty"] = _deals_under_uncertainty(
            scenario, s, red_line, disagreement, draws, seed, noise, distribution,
            lang.value, top, yes)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
    elif fmt is OutputFormat.csv:
        header, rows = deals_rows(document)
        if draws is not None:  # each row's option: how often it is in the Nash package
            header, rows = _with_nash_shares(header, rows, document["uncertainty"])
        emit(to_csv(header, rows), out)
    else:
        view = render(document, lang.value)
        if "bottom_line" in document:
            from rich.console import Group

            from grandbargain.cli.forecast import bottom_line_view

            view = Group(bottom_line_view(document["bottom_line"], lang.value), view)
        if draws is not None:
            from rich.console import Group

            view = Group(view, render_uncertainty(document["uncertainty"], lang.value))
        print_rich(view, out)


def _bottom_line(s, red_line, disagreement, analysis, draws, seed, noise, distribution,
                 lang) -> dict:
    """The bottom line for this deal space (the same red lines and disagreement point), with
    every single-issue model's forecast for where they disagree."""
    from grandbargain.bottomline._forecast import deals_bottom_line
    from grandbargain.uncertainty import deal_options, parse_noise

    try:
        lines, keep = parse_red_lines(red_line)
        options = deal_options(parse_disagreement(disagreement, s), lines, keep)
        spread = parse_noise(noise, distribution.value) if noise else None
    except ScenarioError as exc:
        fail(exc)
        raise
    return deals_bottom_line(s, analysis, options, lang, draws=draws, seed=seed, noise=spread)


def _deals_under_uncertainty(scenario, s, red_line, disagreement, draws, seed,
                             noise, distribution, lang, top, yes=False) -> dict:
    from grandbargain.cli._draws import make_simulation, run_draws
    from grandbargain.uncertainty import deal_options, deals_document

    if scenario is not None and Path(scenario).is_dir():
        fail(ScenarioError.single(scenario, "--draws needs a scenario (stances to draw), not "
                                  "a Genius domain"))
    try:
        lines, keep = parse_red_lines(red_line)
        options = deal_options(parse_disagreement(disagreement, s), lines, keep)
    except ScenarioError as exc:
        fail(exc)
        raise
    sim = make_simulation(s, [], draws, seed, noise, distribution, deals=options)
    try:
        samples = run_draws(sim, yes=yes)
    except ValueError as exc:  # a drawn deal space refused (e.g. capabilities near 1e308)
        fail(ScenarioError.single(scenario or "scenario", f"cannot build the deals of a draw: "
                                  f"{exc}", field="--draws"))
        raise
    out = deals_document(s, options, samples.nash_packages, lang, top)
    out["simulation"] = {"draws": sim.draws, "seed": sim.seed, "chunk_size": sim.chunk_size,
                         "noise": sim.noise.as_dict()}
    return out


def _with_nash_shares(header, rows, uncertainty: dict):
    shares = {(m["issue"], o["value"]): o["p"] for m in uncertainty["nash_option_by_issue"]
              for o in m["options"]}
    at = header.index("issue"), header.index("value")
    return ([*header, "p_in_nash_under_draws"],
            [[*row, shares.get((row[at[0]], row[at[1]]))] for row in rows])


def render_uncertainty(u: dict, lang: str):
    """The terminal lines for `deals --draws`: ZOPA probability and the likeliest Nash packages."""
    from rich.console import Group
    from rich.text import Text

    from grandbargain.report import rich_table

    noise = u["simulation"]["noise"]
    parts: list = [Text(
        f"Under uncertainty ({u['draws']:,} draws, seed {u['simulation']['seed']}; noise sd "
        f"position {noise['position']:g}%, salience {noise['salience']:g}, capability "
        f"{noise['capability']:g}%, {noise['distribution']}):", style="bold"),
        Text(f"ZOPA non-empty in {u['zopa_nonempty']:.1%} of draws; "
             f"{u['distinct_nash_packages']} distinct Nash packages.")]
    if u["point_nash"] is not None:
        parts.append(Text(f"The Nash package above is the Nash solution in "
                          f"{u['point_nash']['p']:.1%} of draws."))
    shares = {(m["issue"], o["value"]): o["p"] for m in u["nash_option_by_issue"]
              for o in m["options"]}
    top = u["nash_packages"]
    if top:
        point = {i["issue"]: i["value"] for i in u["point_nash"]["package"]} \
            if u["point_nash"] else {}
        header = ["issue", "Nash above", "share", *(f"#{k} {pkg['p']:.1%}"
                                                     + (" (above)" if pkg["is_point_nash"]
                                                        else "")
                                                     for k, pkg in enumerate(top, 1))]
        rows = []
        for d, item in enumerate(top[0]["package"]):
            issue = item["issue"]
            here = point.get(issue)
            rows.append([issue, "" if here is None else f"{here:g}",
                         "" if here is None else f"{shares.get((issue, here), 0.0):.1%}",
                         *(f"{pkg['package'][d]['value']:g}" for pkg in top)])
        parts.append(rich_table(
            "The Nash package's option per issue: above, how often it is chosen across draws, "
            "and the most frequent Nash packages", header, rows,
            [False, *([True] * (len(header) - 1))]))
    return Group(*parts)


def register(app: typer.Typer) -> None:
    app.command("deals")(deals)
