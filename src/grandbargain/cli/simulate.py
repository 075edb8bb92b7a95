"""`grandbargain simulate`: Monte Carlo forecasts with their spread, per issue and model."""

from __future__ import annotations

import re
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
    ChunkOpt,
    Distribution,
    DistributionOpt,
    IgnoreRangesOpt,
    NoiseOpt,
    SeedOpt,
    YesOpt,
    make_simulation,
    models_for_draws,
    parse_weights,
    run_draws,
)
from grandbargain.cli.forecast import ModelOpt, pick_models
from grandbargain.report import (
    interval_text,
    likely_anchor_text,
    rich_table,
    to_csv,
    to_json,
    uncertainty_rows,
)
from grandbargain.report._i18n import word
from grandbargain.report._uncertainty_table import any_outside, interval_note
from grandbargain.scenario import ScenarioError
from grandbargain.uncertainty import DEFAULT_CHUNK_SIZE, ENSEMBLE, uncertainty_document

DrawsOpt = Annotated[int, typer.Option("--draws", "-n", help="Number of Monte Carlo draws.",
                                       min=1)]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", help="Run on N local worker processes (forked on Linux; elsewhere a local "
    "Dask cluster, which needs the [dask] extra). Same numbers as in process.", min=1)]
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
                        r":(\d{1,5})/?$")


def check_scheduler(address: str | None) -> str | None:
    """--scheduler must look like [tcp://]HOST:PORT (else Dask raises a bare ValueError)."""
    if address is None:
        return None
    match = _SCHEDULER.match(address.strip())
    if not match or not 0 < int(match.group(2)) < 65536:
        raise typer.BadParameter(f"expected the scheduler's address as tcp://HOST:PORT (e.g. "
                                 f"tcp://10.0.0.5:8786), got {address!r}")
    return address.strip()


SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Run on an existing Dask cluster: tcp://HOST:PORT of its scheduler.",
    callback=check_scheduler)]
WeightsOpt = Annotated[str | None, typer.Option(
    "--weights", help="Ensemble weights, MODEL=WEIGHT,... (default: equal; unnamed models 0).")]
DealsOpt = Annotated[bool, typer.Option(
    "--deals", help="Also find each draw's Nash package deal between the principals: how often "
    "the ZOPA is non-empty and each package is the Nash solution.")]
ProgressOpt = Annotated[bool | None, typer.Option(
    "--progress/--no-progress", help="Progress bar on stderr (default: when it is a terminal).",
    show_default=False)]


def simulate(scenario: ScenarioArg = None, draws: DrawsOpt = 1000, seed: SeedOpt = 0,
             model: ModelOpt = None, noise: NoiseOpt = None,
             distribution: DistributionOpt = Distribution.normal,
             ignore_ranges: IgnoreRangesOpt = False, weights: WeightsOpt = None,
             workers: WorkersOpt = None, scheduler: SchedulerOpt = None,
             chunk_size: ChunkOpt = DEFAULT_CHUNK_SIZE, deals: DealsOpt = False,
             progress: ProgressOpt = None, yes: YesOpt = False,
             input_format: InputFormatOpt = None, scale: ScaleOpt = None,
             capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
             institutions: InstitutionsOpt = None,
             fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
             lang: LangOpt = Lang.en) -> None:
    """Forecast every issue under input uncertainty: quantiles, anchor-band probabilities and
    an ensemble of the models, from N seeded draws (in process, or on Dask)."""
    if workers is not None and scheduler is not None:
        fail(ScenarioError.single("--workers", "give --workers or --scheduler, not both"))
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    models = models_for_draws(pick_models(model), bool(model))
    options = None
    if deals:
        from grandbargain.uncertainty import deal_options

        options = deal_options()
    sim = make_simulation(s, models, draws, seed, noise, distribution, ignore_ranges, chunk_size,
                          deals=options)
    ensemble_weights = parse_weights(weights)
    try:  # check the weights before the (possibly long) run
        from grandbargain.uncertainty._summary import check_weights

        check_weights(sim.model_names, ensemble_weights)
    except ValueError as exc:
        fail(ScenarioError.single("--weights", str(exc)))
    samples = run_draws(sim, workers, scheduler, progress, yes)
    document = uncertainty_document(sim, samples, ensemble_weights, lang.value)
    if options is not None:
        from grandbargain.uncertainty import deals_document

        try:
            document["deals"] = deals_document(s, options, samples.nash_packages, lang.value)
        except ScenarioError as exc:
            fail(exc)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    if fmt is OutputFormat.csv:
        emit(to_csv(*uncertainty_rows(document)), out)
        return
    view = _table(document, s, lang.value)
    if options is not None:
        from rich.console import Group

        from grandbargain.cli.deals import render_uncertainty

        view = Group(view, render_uncertainty({**document["deals"],
                                               "simulation": document["simulation"]},
                                              lang.value))
    print_rich(view, out)


_SHAPES_ZH = {"normal": "常態分佈", "triangular": "三角分佈", "uniform": "均勻分佈"}


def _table(document: dict, scenario, lg: str):
    names = [m["name"] for m in document["models"]] + [ENSEMBLE]
    narrow = min(i.width for i in scenario.issues) <= 20
    digits = 2 if narrow else 1
    header = [word("issue", lg), word("status_quo", lg), *names, word("likely_anchor", lg)]
    rows = []
    for issue in document["issues"]:
        f = issue["forecasts"]
        rows.append([issue["id"], issue["status_quo"],
                     *(interval_text(f[n], digits) for n in names),
                     likely_anchor_text(f[ENSEMBLE])])
    sim = document["simulation"]
    noise = sim["noise"]
    if lg == "zh":
        title = f"{scenario.text(lg)}：{sim['draws']:,} {word('draws', lg)}，種子 {sim['seed']}"
        caption = (interval_note(any_outside(document), lg) + "雜訊（標準差，尺度的 %）："
                   f"立場 {noise['position']:g}、重視程度 {noise['salience']:g}、影響力 "
                   f"{noise['capability']:g}；{_SHAPES_ZH.get(noise['distribution'], '')}；"
                   f"{sim['stance_ranges_used']} 個立場範圍。集成權重："
                   + "、".join(f"{k} {v:g}" for k, v in document["ensemble"]["weights"].items())
                   + "。最可能的刻度：依集成預測（以相鄰刻度的中點分段）。")
        return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                          caption=caption, digits=digits)
    title = f"{scenario.text(lg)}: {sim['draws']:,} {word('draws', lg)}, seed {sim['seed']}"
    caption = (interval_note(any_outside(document)) + " Noise (sd, % of scale): "
               f"position {noise['position']:g}, salience {noise['salience']:g}, capability "
               f"{noise['capability']:g}; {noise['distribution']}; "
               f"{sim['stance_ranges_used']} stance ranges. Ensemble weights: "
               + ", ".join(f"{k} {v:g}" for k, v in document["ensemble"]["weights"].items())
               + ". Most likely anchor: the ensemble's (bands between anchors' midpoints).")
    return rich_table(title, header, rows, [False, True, *([True] * len(names)), False],
                      caption=caption, digits=digits)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
