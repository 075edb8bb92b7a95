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
)
from grandbargain.models import MODELS
from grandbargain.report import (
    forecast_document,
    forecast_rows,
    interval_text,
    rich_table,
    to_csv,
    to_json,
)
from grandbargain.report._i18n import word
from grandbargain.scenario import ScenarioError

ModelOpt = Annotated[list[str] | None, typer.Option(
    "--model", "-m", help="Model to run (repeatable). Default: all. Known: "
    + ", ".join(MODELS) + ".")]


def pick_models(names: list[str] | None) -> list:
    if not names:
        return [cls() for cls in MODELS.values()]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        fail(ScenarioError.single("--model", f"unknown model(s) {', '.join(unknown)} "
                                  f"(known: {', '.join(MODELS)})"))
    return [MODELS[n]() for n in names]


DrawsIntervalOpt = Annotated[int | None, typer.Option(
    "--draws", "-n", help="Add 90% intervals from N Monte Carlo draws of the inputs (see "
    "--noise; `grandbargain simulate` gives the full distributions).", min=1)]


def forecast(scenario: ScenarioArg = None, model: ModelOpt = None,
             draws: DrawsIntervalOpt = None, seed: SeedOpt = 0, noise: NoiseOpt = None,
             distribution: DistributionOpt = Distribution.normal,
             input_format: InputFormatOpt = None, scale: ScaleOpt = None,
             capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
             institutions: InstitutionsOpt = None,
             fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
             lang: LangOpt = Lang.en) -> None:
    """Forecast every issue with each model (default scenario: the US-China case)."""
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    models = pick_models(model)
    results = [m.forecast(s) for m in models]
    document = forecast_document(s, results, lang.value)
    if draws is not None:
        from grandbargain.cli._draws import (
            interval_summary,
            make_simulation,
            models_for_draws,
            run_draws,
        )

        sim = make_simulation(s, models_for_draws(models, bool(model)), draws, seed, noise,
                              distribution)
        document = interval_summary(document, sim, run_draws(sim), lang.value)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    header, rows = forecast_rows(document)
    if fmt is OutputFormat.csv:
        emit(to_csv(header, rows), out)
        return
    if draws is not None:
        print_rich(_interval_table(document, s, results, lang.value), out)
        return
    lg = lang.value
    n = len(results)
    # Terminal: the anchor nearest to the first model's forecast keeps the table readable.
    table_header = [word("issue", lg), word("status_quo", lg), *(r.model for r in results),
                    word("nearest_anchor", lg)]
    table_rows = [[row[0], row[2], *row[3:3 + n], row[3 + n]] for row in rows]
    title = f"{s.text(lg)}"
    if s.as_of:
        title += f" ({word('as_of', lg)} {s.as_of.isoformat()})"
    models = "; ".join(f"{r.model} = {r.label}" for r in results)
    caption = (f"{models}. Nearest anchor: to the {results[0].model} forecast "
               "(--format json|csv gives every model's).") if lg == "en" else \
        f"{models}。「最接近的刻度」依 {results[0].model} 的預測。"
    narrow = min(i.width for i in s.issues) <= 20
    print_rich(rich_table(title, table_header, table_rows, [False, True, *([True] * n), False],
                          caption=caption, digits=2 if narrow else 1), out)


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
    caption = (f"Point forecast [5%–95% of the draws]; noise (sd, % of scale) position "
               f"{noise['position']:g}, salience {noise['salience']:g}, capability "
               f"{noise['capability']:g}, {noise['distribution']}; "
               f"{sim['stance_ranges_used']} stance ranges. Nearest anchor: to the "
               f"{names[0]} forecast.")
    return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                      caption=caption, digits=digits)


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)
