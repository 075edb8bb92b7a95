"""`grandbargain report`: the self-contained HTML report, PNG figures, or a Markdown brief."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grandbargain.cli._common import (
    CapabilitiesOpt,
    CapabilityColumnOpt,
    InputFormatOpt,
    InstitutionsOpt,
    Lang,
    LangOpt,
    ScaleOpt,
    ScenarioArg,
    emit,
    fail,
    load,
)
from grandbargain.cli.forecast import ModelOpt, pick_models
from grandbargain.scenario import ScenarioError

ReportOutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Write the HTML report (or, with --markdown, the brief) to this file. "
    "Default: report.html, unless only --png or --markdown is asked for.")]
PngOpt = Annotated[Path | None, typer.Option(
    "--png", help="Also draw every chart as a PNG into this folder (in the --lang language).")]
MarkdownOpt = Annotated[bool, typer.Option(
    "--markdown", help="Write a short Markdown brief with the key table instead of HTML.")]
# The uncertainty options mirror `forecast --draws` (same defaults), so the report's numbers and
# intervals are the ones `forecast --draws N --format json` prints.
DrawsOpt = Annotated[int | None, typer.Option(
    "--draws", "-n", min=1, help="Add 90% intervals from N Monte Carlo draws of the inputs, as "
    "`forecast --draws` does.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed for --draws.")]
NoiseOpt = Annotated[str | None, typer.Option(
    "--noise", help="Global input noise for --draws, e.g. position=10,salience=15 (sd, percent "
    "of the scale), as in `forecast`.")]
DistributionOpt = Annotated[str, typer.Option(
    "--distribution", help="Shape of the draws: uniform, triangular or normal.")]
EventsOpt = Annotated[str | None, typer.Option(
    "--events", "-e", help="Add the timeline chart: replay this scenario events file "
    "(grandbargain-events/1) as `grandbargain timeline` does. Default: the shipped history "
    "for the default scenario, none for others.")]
YesOpt = Annotated[bool, typer.Option(
    "--yes", "-y", help="Run --draws even when the estimated time is over a minute.")]


def forecast_documents(s, models: list, results: list, draws: int | None, seed: int,
                       noise: str | None, distribution: str, named: bool = False,
                       yes: bool = False) -> dict[str, dict]:
    """The forecast document per language, with the draws' intervals when --draws is given
    (built exactly as `forecast --draws --format json` builds it)."""
    from grandbargain.cli.forecast import with_bottom_line
    from grandbargain.report import LANGS, forecast_document

    everything, lines = with_bottom_line(s, results, "en", True, None, seed, noise,
                                         distribution)
    documents = {lg: {"bottom_line": lines[lg], **forecast_document(s, everything, lg)}
                 for lg in LANGS}
    if draws is None:
        return documents
    try:
        from grandbargain.cli._draws import (
            Distribution,
            interval_summary,
            make_simulation,
            models_for_draws,
            run_draws,
        )
    except ImportError:
        fail(ScenarioError.single("--draws", "uncertainty (grandbargain.uncertainty) is not "
                                  "available in this build"))
        raise
    try:
        shape = Distribution(distribution)
    except ValueError:
        fail(ScenarioError.single("--distribution", f"expected uniform, triangular or normal, "
                                  f"got {distribution!r}"))
        raise
    # the same models as `forecast --draws`: a model that reruns its whole forecast per draw
    # (the exchange model) only when named (U-11)
    sim = make_simulation(s, models_for_draws(models, named), draws, seed, noise, shape)
    samples = run_draws(sim, yes=yes)
    return {lg: interval_summary(doc, sim, samples, lg) for lg, doc in documents.items()}


def timeline_extras(scenario: str | None, events: str | None,
                    langs: tuple[str, ...] | None = None) -> dict:
    """The replay documents per language for the timeline section (issue 15): the --events
    file against its own base scenario, else the shipped history when the report is of the
    default scenario (about 2 s per language, so only the languages the output shows)."""
    from grandbargain.cli.timeline import SHIPPED_HISTORY, base_scenario, load_timeline

    if events is None and scenario is not None:
        return {}
    from grandbargain.cli.forecast import pick_models
    from grandbargain.report import LANGS
    from grandbargain.timeline._replay import FAST_MODELS, replay_document

    tl = load_timeline(events or SHIPPED_HISTORY)
    base = base_scenario(None, tl)
    models = pick_models(list(FAST_MODELS))
    try:
        return {"timeline": {lg: replay_document(base, tl, models, lang=lg)
                             for lg in (langs or LANGS)}}
    except ScenarioError as exc:
        fail(exc)
        raise


def _missing_extra(exc: RuntimeError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


def report(scenario: ScenarioArg = None, model: ModelOpt = None,
           input_format: InputFormatOpt = None, scale: ScaleOpt = None,
           capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
           institutions: InstitutionsOpt = None,
           out: ReportOutOpt = None, png: PngOpt = None, markdown: MarkdownOpt = False,
           draws: DrawsOpt = None, seed: SeedOpt = 0, noise: NoiseOpt = None,
           distribution: DistributionOpt = "normal", yes: YesOpt = False,
           events: EventsOpt = None, lang: LangOpt = Lang.en) -> None:
    """Report for analysts: positions, forecasts, rounds, package deals, sources.

    The HTML file works offline (plotly.js is inlined), switches between English and
    繁體中文, and embeds its data: the documents `grandbargain forecast`, `rounds` and `deals`
    print with --format json. Needs the `report` extra (plotly, matplotlib, jinja2).
    """
    from grandbargain.cli._draws import require_draws
    from grandbargain.report import LANGS, markdown_brief, report_document

    require_draws(noise, draws)
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    if events is not None:  # a bad events file fails before any model runs
        from grandbargain.cli.timeline import load_timeline

        load_timeline(events)
    models = pick_models(model)
    results = [m.forecast(s) for m in models]
    forecasts = forecast_documents(s, models, results, draws, seed, noise, distribution,
                                   named=bool(model), yes=yes)
    only_one = markdown or (png is not None and out is None)  # no page: one language shown
    extras = timeline_extras(scenario, events, (lang.value,) if only_one else None)
    try:
        docs = {lg: report_document(s, results, lg, extras=extras, forecast=forecasts[lg])
                for lg in LANGS}
    except ValueError as exc:  # e.g. the deals section's space refused (capabilities of 1e308)
        fail(ScenarioError.single(scenario or "scenario", f"cannot build the report: {exc}"))
        raise
    lg = lang.value
    try:
        if markdown:
            emit(markdown_brief(docs[lg]), out)
        if png is not None:
            from grandbargain.report.figures import write_pngs

            try:
                paths = write_pngs(docs[lg], png)
            except OSError as exc:
                fail(ScenarioError.single(str(png), f"cannot write: {exc.strerror or exc}"))
            typer.echo(f"wrote {len(paths)} figures to {png}", err=True)
        if not markdown and (out is not None or png is None):
            from grandbargain.report.html import render_html

            emit(render_html(docs, lg), out or Path("report.html"))
    except typer.Exit:  # a clean error already printed (click's Exit is a RuntimeError)
        raise
    except RuntimeError as exc:  # a missing optional dependency or font, with the fix
        _missing_extra(exc)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
