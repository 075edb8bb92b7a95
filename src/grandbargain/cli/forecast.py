"""`grandbargain forecast`: every model's forecast per issue, side by side."""

from __future__ import annotations

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
)
from grandbargain.cli.timeline import AsOfOpt, EventsForOpt, scenario_as_of_cli
from grandbargain.models import MODEL_ALIASES, MODELS
from grandbargain.report import (
    fmt_number,
    forecast_document,
    forecast_rows,
    interval_text,
    rich_table,
    to_csv,
    to_json,
)
from grandbargain.report._forecast_table import forecast_cell, unsettled_note
from grandbargain.report._i18n import word
from grandbargain.scenario import ScenarioError

ModelOpt = Annotated[list[str] | None, typer.Option(
    "--model", "-m", help="Model to run (repeatable). Default: all. Known: "
    + ", ".join(MODELS) + ".")]


def model_names(names: list[str] | None) -> list[str] | None:
    """The names with old aliases replaced (saying so on stderr): `nash` is now `nash-issue`."""
    if not names:
        return names
    out = []
    for name in names:
        if name in MODEL_ALIASES:
            typer.echo(f"note: model '{name}' is now called '{MODEL_ALIASES[name]}' (the "
                       "single-issue Nash bargaining model; the package deals are the deal-* "
                       "columns)", err=True)
            name = MODEL_ALIASES[name]
        out.append(name)
    return out


def pick_models(names: list[str] | None) -> list:
    if not names:
        return [cls() for cls in MODELS.values()]
    names = model_names(names)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        fail(ScenarioError.single("--model", f"unknown model(s) {', '.join(unknown)} "
                                  f"(known: {', '.join(MODELS)})"))
    return [MODELS[n]() for n in names]


def runnable_models(s, models: list, named: bool) -> tuple[list, dict[str, str]]:
    """The models that take this scenario on, and why the others refuse it (too large), asked
    before any runs. A model named with --model that refuses ends the command (exit 2) with
    the reason; the default set leaves it out with a note on stderr."""
    refusals = {m.name: reason for m in models if (reason := m.refusal(s))}
    if not refusals:
        return models, {}
    if named:
        fail(ScenarioError([_refusal_problem(s, name, reason)
                            for name, reason in refusals.items()]))
    for name, reason in refusals.items():
        typer.echo(f"note: model {name} left out: {reason}", err=True)
    return [m for m in models if m.name not in refusals], refusals


def _refusal_problem(s, name: str, reason: str):
    from grandbargain.scenario._errors import Location, Problem

    return Problem(Location(s.source or s.id), f"model {name}", reason)


DrawsIntervalOpt = Annotated[int | None, typer.Option(
    "--draws", "-n", help="Add 90% intervals from N Monte Carlo draws of the inputs (see "
    "--noise; `grandbargain simulate` gives the full distributions).", min=1)]


BottomLineOpt = Annotated[bool, typer.Option(
    "--bottom-line/--no-bottom-line", help="Open with the bottom line (key judgments: the "
    "likely package, how sure, who gives what, signposts). Costs a few hundred ms.")]
BottomLineDrawsOpt = Annotated[int, typer.Option(
    "--bottom-line-draws", min=0, help="Draws of the inputs for the bottom line's shares "
    "(noise: --noise, else position=10,salience=15; 0: none).")]


def _bottom_line_noise(enabled: bool, noise: str | None, distribution: str):
    """The bottom line's --noise, a bad one ending the command cleanly."""
    from grandbargain.uncertainty import parse_noise

    if not (enabled and noise):
        return None
    try:
        return parse_noise(noise, distribution)
    except ScenarioError as exc:
        fail(exc)
        raise


def begin_bottom_line(s, enabled: bool = True, draws: int | None = None, seed: int = 0,
                      noise: str | None = None, distribution: str = "normal"):
    """The bottom line's draws and signposts begun in a forked process, to run while the
    models do (decision BL-11); None when the bottom line is off. Pass it to
    `with_bottom_line` with the same arguments (and `.cancel()` it in a `finally`)."""
    if not enabled:
        return None
    from grandbargain._memo import caching
    from grandbargain.bottomline._forecast import begin_bottom_line as begin

    spread = _bottom_line_noise(enabled, noise, distribution)
    with caching():  # nothing is begun when the results cache has them
        return begin(s, draws=draws, seed=seed, noise=spread)


def with_bottom_line(s, results: list, lang: str, enabled: bool = True,
                     draws: int | None = None, seed: int = 0, noise: str | None = None,
                     distribution: str = "normal", begun=None) -> tuple[list, dict | None]:
    """The results with the package solutions added as forecasters (where the scenario has
    principals), and the bottom line document (None when disabled): the shared recipe
    `bottomline._forecast.with_packages`, with bad --noise ending the command cleanly
    (`begun`: from `begin_bottom_line` with the same arguments)."""
    from grandbargain.bottomline._forecast import with_packages

    spread = _bottom_line_noise(enabled, noise, distribution)
    from grandbargain._memo import caching

    with caching():  # the draws and signposts are kept for the same inputs (report, ledger too)
        return with_packages(s, results, (lang, "en", "zh"), bottom_line=enabled, draws=draws,
                             seed=seed, noise=spread, begun=begun)


def bottom_line_view(document: dict, lang: str):
    """The bottom line for the terminal: a bold title, then its lines."""
    from rich.console import Group
    from rich.text import Text

    from grandbargain.report._bottom_line import bottom_line_lines

    lines = bottom_line_lines(document, lang)
    return Group(Text(lines[0], style="bold underline"),
                 *(Text(line, style="bold" if k == 0 else "") for k, line in
                   enumerate(lines[1:])), Text(""))


def forecast(scenario: ScenarioArg = None, model: ModelOpt = None,
             draws: DrawsIntervalOpt = None, seed: SeedOpt = 0, noise: NoiseOpt = None,
             distribution: DistributionOpt = Distribution.normal, yes: YesOpt = False,
             input_format: InputFormatOpt = None, scale: ScaleOpt = None,
             capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
             institutions: InstitutionsOpt = None,
             fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
             lang: LangOpt = Lang.en, bottom_line: BottomLineOpt = True,
             bottom_line_draws: BottomLineDrawsOpt = 100, as_of: AsOfOpt = None,
             events: EventsForOpt = None) -> None:
    """Forecast every issue with each model (default scenario: the US-China case), opening
    with the bottom line; where the scenario has principals, the package deals (deal-nash,
    deal-ks, deal-egalitarian, deal-utilitarian) are columns too."""
    from grandbargain._memo import caching
    from grandbargain.cli._draws import require_draws

    require_draws(noise, draws)
    s = scenario_as_of_cli(scenario, events, as_of, lambda source: load(
        source, input_format, scale, capabilities, capability_column, institutions))
    models, left_out = runnable_models(s, pick_models(model), named=bool(model))
    lg = lang.value
    wanted = (bottom_line and fmt is not OutputFormat.csv, bottom_line_draws, seed, noise,
              distribution.value)
    begun = begin_bottom_line(s, *wanted)  # runs beside the models (BL-11)
    try:
        with caching():  # the point forecasts only: a draw's inputs are new every time
            single = [m.forecast(s) for m in models]
        results, lines = with_bottom_line(s, single, lg, *wanted, begun=begun)
    finally:
        if begun is not None:
            begun.cancel()
    document = forecast_document(s, results, lg)
    if left_out:
        document["models_left_out"] = left_out
    if lines is not None:
        document = {"bottom_line": lines[lg], **document}
    if draws is not None:
        from grandbargain.cli._draws import (
            interval_summary,
            make_simulation,
            models_for_draws,
            run_draws,
        )

        sim = make_simulation(s, models_for_draws(models, bool(model)), draws, seed, noise,
                              distribution)
        document = interval_summary(document, sim, run_draws(sim, yes=yes), lg)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    header, rows = forecast_rows(document)
    if fmt is OutputFormat.csv:
        emit(to_csv(header, rows), out)
        return
    if draws is not None:
        table = _interval_table(document, s, results, lg)
    else:
        table = _point_table(document, s, results, lg)
    if lines is not None:
        from rich.console import Group

        table = Group(bottom_line_view(lines[lg], lg), table)
    print_rich(table, out)


def _caption(results, lg: str, document: dict, first: str) -> str:
    joint = " (one joint run over every issue)" if lg == "en" else "（所有議題一次聯合推演）"
    from grandbargain.models._labels import model_label

    singles = ("; " if lg == "en" else "；").join(f"{r.model} = {model_label(r.model, r.label, lg)}"
                        + (joint if getattr(MODELS.get(r.model), "joint", False) else "")
                        for r in results if not r.detail.get("deal"))
    deals = [r for r in results if r.detail.get("deal")]
    settle = unsettled_note(document, lg)
    if lg == "en":
        text = f"Single-issue models: {singles}."
        if deals:
            text += (" Package deals of the principals (one package across all issues, from "
                     "`grandbargain deals`): " + ", ".join(
                         f"{r.model} = {r.params['solution'].replace('_', '-')}"
                         for r in deals) + (" (no deal: the no-deal values)"
                                            if deals[0].detail.get("no_deal") else "") + ".")
        text += f" Nearest anchor: to the {first} forecast (--format json|csv gives every one's)."
    else:
        from grandbargain.report._deals_table import solution_name

        text = f"單一議題模型：{singles}。"
        if deals:
            text += ("談判主體的整體方案（所有議題一併談定，取自 `grandbargain deals`）："
                     + "、".join(f"{r.model} = {solution_name(r.params['solution'], lg)}"
                                for r in deals)
                     + ("（無協議：無協議時的水平）" if deals[0].detail.get("no_deal") else "")
                     + "。")
        text += f"「最接近的刻度」依 {first} 的預測。"
    return text + (f" {settle}" if settle else "")


def _point_table(document: dict, s, results, lg: str):
    names = [r.model for r in results]
    first = names[0]
    header = [word("issue", lg), word("status_quo", lg), *names, word("nearest_anchor", lg)]
    rows = []
    for issue in document["issues"]:
        cells = []
        for name in names:
            value, mark = forecast_cell(issue, name)
            cells.append(value if not mark else f"{fmt_number(value, _digits(s))}{mark}")
        rows.append([issue["id"], issue["status_quo"], *cells, issue["nearest_anchor"][first]])
    title = f"{s.text(lg)}"
    if s.as_of:
        title += f" ({word('as_of', lg)} {s.as_of.isoformat()})"
    return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                      caption=_caption(results, lg, document, first), digits=_digits(s))


def _digits(s) -> int:
    return 2 if min(i.width for i in s.issues) <= 20 else 1


def _interval_table(document: dict, s, results, lg: str):
    names = [r.model for r in results]
    digits = 2 if min(i.width for i in s.issues) <= 20 else 1
    header = [word("issue", lg), word("status_quo", lg), *names, word("nearest_anchor", lg)]
    rows = [[issue["id"], issue["status_quo"],
             *(interval_text({"point": issue["forecasts"][n], **issue["intervals"][n]}, digits)
               if n in issue["intervals"] else issue["forecasts"][n] for n in names),
             issue["nearest_anchor"][names[0]]]
            for issue in document["issues"]]
    sim = document["simulation"]
    noise = sim["noise"]
    title = f"{s.text(lg)}: {sim['draws']:,} {word('draws', lg)}, seed {sim['seed']}"
    from grandbargain.report._uncertainty_table import any_outside, interval_note

    if lg == "zh":
        shapes = {"normal": "常態分佈", "triangular": "三角分佈", "uniform": "均勻分佈"}
        title = f"{s.text(lg)}：{sim['draws']:,} {word('draws', lg)}，種子 {sim['seed']}"
        caption = (interval_note(any_outside(document, "intervals"), lg)
                   + f"雜訊（標準差，尺度的 %）：立場 {noise['position']:g}、重視程度 "
                   f"{noise['salience']:g}、影響力 {noise['capability']:g}，"
                   f"{shapes.get(noise['distribution'], noise['distribution'])}；"
                   f"{sim['stance_ranges_used']} 個立場範圍。"
                   f"「最接近的刻度」依 {names[0]} 的預測。")
        return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                          caption=caption, digits=digits)
    caption = (interval_note(any_outside(document, "intervals")) + " Noise (sd, % of scale) "
               f"position "
               f"{noise['position']:g}, salience {noise['salience']:g}, capability "
               f"{noise['capability']:g}, {noise['distribution']}; "
               f"{sim['stance_ranges_used']} stance ranges. Nearest anchor: to the "
               f"{names[0]} forecast.")
    return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                      caption=caption, digits=digits)


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)
