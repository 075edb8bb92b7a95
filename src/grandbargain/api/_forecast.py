"""Forecasts, draws and the report: the documents `grandbargain forecast`, `simulate` and
`report` print, built by the same core recipes (`bottomline._forecast.with_packages`,
`uncertainty._intervals.interval_summary`, `report.forecast_document`)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from grandbargain.api._result import Result
from grandbargain.api._scenario import SourceLike, load
from grandbargain.scenario import Scenario, ScenarioError

INTERVAL_COLUMNS = ("mean", "sd", "q05", "q25", "median", "q75", "q95", "point_outside")


def scenario_of(scenario: SourceLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def pick_models(names: Sequence[str] | str | None, option: str = "models") -> list:
    """Model objects by name (default: every model), old aliases mapped with a warning."""
    from grandbargain.models import MODEL_ALIASES, MODELS

    if not names:
        return [cls() for cls in MODELS.values()]
    if isinstance(names, str):
        names = [names]
    chosen = []
    for name in names:
        if name in MODEL_ALIASES:
            warnings.warn(f"model '{name}' is now called '{MODEL_ALIASES[name]}'", FutureWarning,
                          stacklevel=3)
            name = MODEL_ALIASES[name]
        chosen.append(name)
    unknown = [n for n in chosen if n not in MODELS]
    if unknown:
        raise ScenarioError.single(option, f"unknown model(s) {', '.join(unknown)} (known: "
                                   f"{', '.join(MODELS)})")
    return [MODELS[n]() for n in chosen]


def draw_models(models: list, named: bool) -> list:
    """As `forecast --draws`: a model that reruns its whole forecast per draw (the exchange
    model, the SMP) is drawn only when named (decision U-11)."""
    from grandbargain.uncertainty import batch_path

    if named:
        return models
    slow = [m.name for m in models if batch_path(m) == "loop over draws"]
    if slow:
        warnings.warn(f"not drawing {', '.join(slow)} (a full forecast per draw is slow); name "
                      "it in models= to include it", stacklevel=3)
    return [m for m in models if m.name not in slow]


def run_draws(scenario: Scenario, models: list, draws: int, seed: int, noise: str | None,
              distribution: str, ignore_ranges: bool = False, chunk_size: int | None = None,
              deals=None, workers: int | None = None, scheduler: str | None = None):
    """The simulation and its samples (no time check and no progress bar: a notebook caller
    chooses its draws)."""
    from grandbargain.uncertainty import DEFAULT_CHUNK_SIZE, parse_noise, run_simulation, simulation

    spec = parse_noise(noise, distribution, not ignore_ranges)
    try:
        sim = simulation(scenario, models, spec, draws, seed, chunk_size or DEFAULT_CHUNK_SIZE,
                         deals=deals)
    except ValueError as exc:
        raise ScenarioError.single("draws", str(exc)) from None
    return sim, run_simulation(sim, workers, scheduler)


def _noise(noise: str | None, distribution: str):
    from grandbargain.uncertainty import parse_noise

    return parse_noise(noise, distribution) if noise else None


class Forecast(Result):
    """Every model's forecast per issue (`grandbargain forecast --format json`).

    `to_frame()`: one row per issue and model, with the status quo, the nearest anchor,
    whether an iterating model settled, and with `draws` the 90% interval columns.
    """

    command = "grandbargain forecast --format json"

    def __init__(self, document, lang: str = "en", scenario: Scenario | None = None):
        super().__init__(document, lang)
        self.scenario = scenario

    @property
    def models(self) -> list[str]:
        """The forecasters' names, in column order (the package deals last)."""
        return [m["name"] for m in self._document["models"]]

    def rows(self):
        header = ["issue", "name", "model", "forecast", "status_quo", "nearest_anchor",
                  "settled"]
        intervals = all("intervals" in issue for issue in self._document["issues"])
        if intervals:
            header += list(INTERVAL_COLUMNS)
        rows = []
        for issue in self._document["issues"]:
            for model in self.models:
                row = [issue["id"], issue["name"], model, issue["forecasts"][model],
                       issue["status_quo"], issue["nearest_anchor"][model],
                       issue.get("settled", {}).get(model)]
                if intervals:
                    spread = issue["intervals"].get(model, {})
                    row += [spread.get(k) for k in INTERVAL_COLUMNS]
                rows.append(row)
        return header, rows

    def to_frame(self):
        """One row per issue and model: issue, name, model, forecast, status_quo,
        nearest_anchor, settled (and mean, sd, q05 ... q95, point_outside with draws)."""
        frame = super().to_frame()
        return frame.astype({"forecast": "float64", "status_quo": "float64"})

    def compact(self):
        names = self.models
        header = ["issue", "status quo", *names]
        rows = [[issue["id"], issue["status_quo"], *(issue["forecasts"][m] for m in names)]
                for issue in self._document["issues"]]
        return header, rows

    @property
    def bottom_line(self) -> list[str]:
        if "bottom_line" not in self._document:
            return [f"{self._document['scenario']['title']}: {len(self.models)} forecasters "
                    "(bottom line off)"]
        from grandbargain.report._bottom_line import bottom_line_lines

        return bottom_line_lines(self._document["bottom_line"], self.lang)


def forecast(scenario: SourceLike = None, *, models: Sequence[str] | str | None = None,
             draws: int | None = None, seed: int = 0, noise: str | None = None,
             distribution: str = "normal", lang: str = "en", bottom_line: bool = True,
             bottom_line_draws: int = 100, events: str | None = None,
             as_of: str | None = None) -> Forecast:
    """Forecast every issue with each model (`grandbargain forecast`).

    `scenario` is a `Scenario`, a file or a shipped id (default: the US-China case). Where
    the scenario has principals, the package deals (deal-nash, deal-ks, deal-egalitarian,
    deal-utilitarian) are forecasters too. `draws` adds 90% intervals from that many draws of
    the inputs (`noise` e.g. "position=10,salience=15"); `bottom_line` opens the document
    with the key judgments (from `bottom_line_draws` draws). The options are the command's.

    >>> import grandbargain as gb
    >>> f = gb.forecast("us-china-2025-07", models=["median", "compromise"], bottom_line=False)
    >>> frame = f.to_frame()
    >>> frame[frame.issue == "us_tariffs"].set_index("model")["forecast"].round(2).to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'median': 10.0, 'compromise': 21.21, 'deal-nash': 10.0, 'deal-ks': 10.0,
     'deal-egalitarian': 10.0, 'deal-utilitarian': 30.0}
    >>> f.to_dict()["issues"][0]["forecasts"]["median"]
    32.5
    """
    from grandbargain.bottomline._forecast import with_packages
    from grandbargain.report import forecast_document

    if events is not None or as_of is not None:
        s = load(scenario, events=events, as_of=as_of)
    else:
        s = scenario_of(scenario)
    chosen = pick_models(models)
    single = [m.forecast(s) for m in chosen]
    results, lines = with_packages(s, single, (lang, "en", "zh"), bottom_line=bottom_line,
                                   draws=bottom_line_draws, seed=seed,
                                   noise=_noise(noise, distribution) if bottom_line else None)
    document = forecast_document(s, results, lang)
    if lines is not None:
        document = {"bottom_line": lines[lang], **document}
    if draws is not None:
        from grandbargain.uncertainty._intervals import interval_summary

        sim, samples = run_draws(s, draw_models(chosen, bool(models)), draws, seed, noise,
                                 distribution)
        document = interval_summary(document, sim, samples, lang)
    return Forecast(document, lang, s)


class Simulation(Result):
    """Forecasts under input uncertainty (`grandbargain simulate --format json`).

    `to_frame()`: one row per issue and model (the ensemble last): point, mean, sd,
    quantiles, the most likely anchor and its probability (as `simulate --format csv`).
    """

    command = "grandbargain simulate --format json"

    def rows(self):
        from grandbargain.report import uncertainty_rows

        return uncertainty_rows(self._document)

    def compact(self):
        from grandbargain.uncertainty import ENSEMBLE

        names = [m["name"] for m in self._document["models"]] + [ENSEMBLE]
        header = ["issue", *(f"{n} [q05, q95]" for n in names)]

        def cell(summary):
            if summary.get("q05") is None:
                return "–"
            return f"{summary['median']:.3g} [{summary['q05']:.3g}, {summary['q95']:.3g}]"

        rows = [[issue["id"], *(cell(issue["forecasts"][n]) for n in names)]
                for issue in self._document["issues"]]
        return header, rows

    @property
    def bottom_line(self) -> list[str]:
        sim = self._document["simulation"]
        return [f"{sim['draws']:,} draws (seed {sim['seed']}): median and 90% interval of each "
                "model's forecast, and the ensemble"]


def simulate(scenario: SourceLike = None, *, draws: int = 1000, seed: int = 0,
             models: Sequence[str] | str | None = None, noise: str | None = None,
             distribution: str = "normal", ignore_ranges: bool = False,
             weights: str | dict[str, float] | None = None, workers: int | None = None,
             scheduler: str | None = None, chunk_size: int | None = None,
             deals: bool = False, lang: str = "en") -> Simulation:
    """Forecast every issue under input uncertainty (`grandbargain simulate`): quantiles,
    anchor-band probabilities and an ensemble of the models from `draws` seeded draws.

    >>> import grandbargain as gb
    >>> sim = gb.simulate(draws=20, models=["median"], noise="position=10")
    >>> sorted(sim.to_frame()["model"].unique())
    ['ensemble', 'median']
    """
    from grandbargain.uncertainty import uncertainty_document
    from grandbargain.uncertainty._summary import check_weights

    if workers is not None and scheduler is not None:
        raise ScenarioError.single("workers", "give workers or scheduler, not both")
    s = scenario_of(scenario)
    chosen = draw_models(pick_models(models), bool(models))
    if isinstance(weights, str):
        parsed: dict[str, float] = {}
        for part in weights.split(","):
            name, _, value = part.partition("=")
            try:
                parsed[name.strip()] = float(value)
            except ValueError:
                raise ScenarioError.single("weights", f"expected MODEL=WEIGHT, got "
                                           f"{part!r}") from None
        weights = parsed
    try:
        check_weights([m.name for m in chosen], weights)
    except ValueError as exc:
        raise ScenarioError.single("weights", str(exc)) from None
    options = None
    if deals:
        from grandbargain.uncertainty import deal_options

        options = deal_options()
    sim, samples = run_draws(s, chosen, draws, seed, noise, distribution, ignore_ranges,
                             chunk_size, options, workers, scheduler)
    document = uncertainty_document(sim, samples, weights, lang)
    if options is not None:
        from grandbargain.uncertainty import deals_document

        document["deals"] = deals_document(s, options, samples.nash_packages, lang)
    return Simulation(document, lang)


class Report(Result):
    """The analysts' report (`grandbargain report`): the document per language, with
    `to_html()` (the self-contained page), `to_markdown()` (the brief) and `save(path)`.

    `to_dict()` is the report document in `lang`; `to_frame()` its forecast table (one row
    per issue and model, as `Forecast.to_frame`).
    """

    command = "grandbargain report"

    def __init__(self, documents: dict[str, dict], lang: str = "en"):
        super().__init__(documents[lang], lang)
        self.documents = documents
        self._forecast = Forecast(documents[lang]["forecast"], lang)

    def rows(self):
        return self._forecast.rows()

    def compact(self):
        return self._forecast.compact()

    @property
    def bottom_line(self) -> list[str]:
        return self._forecast.bottom_line

    def to_html(self) -> str:
        """The self-contained HTML page (needs the `report` extra: plotly, jinja2)."""
        from grandbargain.report.html import render_html

        return render_html(self.documents, self.lang)

    def to_markdown(self) -> str:
        """The short Markdown brief with the key table."""
        from grandbargain.report import markdown_brief

        return markdown_brief(self.documents[self.lang])

    def save(self, path: str | Path) -> Path:
        """Write the HTML page (or, for a .md name, the brief) and return the path."""
        path = Path(path)
        text = self.to_markdown() if path.suffix.lower() == ".md" else self.to_html()
        path.write_text(text, encoding="utf-8")
        return path


def report(scenario: SourceLike = None, *, models: Sequence[str] | str | None = None,
           draws: int | None = None, seed: int = 0, noise: str | None = None,
           distribution: str = "normal", lang: str = "en") -> Report:
    """Report for analysts (`grandbargain report`): positions, forecasts, rounds, package
    deals, sources, in English and 繁體中文; the forecast part is the document
    `forecast(..., draws=draws)` gives.

    >>> import grandbargain as gb
    >>> r = gb.report(models=["median", "compromise"])
    >>> r.to_markdown().startswith("#")
    True
    """
    from grandbargain.bottomline._forecast import with_packages
    from grandbargain.report import LANGS, forecast_document, report_document

    s = scenario_of(scenario)
    chosen = pick_models(models)
    results = [m.forecast(s) for m in chosen]
    everything, lines = with_packages(s, results, ("en", *LANGS), seed=seed,
                                      noise=_noise(noise, distribution))
    forecasts = {lg: {"bottom_line": lines[lg], **forecast_document(s, everything, lg)}
                 for lg in LANGS}
    if draws is not None:
        from grandbargain.uncertainty._intervals import interval_summary

        sim, samples = run_draws(s, draw_models(chosen, bool(models)), draws, seed, noise,
                                 distribution)
        forecasts = {lg: interval_summary(doc, sim, samples, lg) for lg, doc in forecasts.items()}
    try:
        documents = {lg: report_document(s, results, lg, forecast=forecasts[lg])
                     for lg in LANGS}
    except ValueError as exc:
        raise ScenarioError.single(s.source or s.id, f"cannot build the report: {exc}") from None
    return Report(documents, lang)
