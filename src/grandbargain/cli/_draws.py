"""Options and helpers shared by the commands that run Monte Carlo draws (simulate, forecast)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from grandbargain.cli._common import fail
from grandbargain.models import Model
from grandbargain.scenario import Scenario, ScenarioError
from grandbargain.uncertainty import (
    DEFAULT_CHUNK_SIZE,
    Samples,
    Simulation,
    base_inputs,
    parse_noise,
    run_simulation,
    simulation,
)
from grandbargain.uncertainty._intervals import interval_summary  # noqa: F401 (moved to the core)


class Distribution(StrEnum):
    uniform = "uniform"
    triangular = "triangular"
    normal = "normal"


SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the "
                                      "same numbers with any backend and any workers.", min=0)]
NoiseOpt = Annotated[str | None, typer.Option(
    "--noise", help="Global input noise, a standard deviation in percent of the scale: "
    "position=10,salience=15,capability=20 (capability: percent of the actor's own). Stances "
    "with their own low/high range use that range for the position. Needs --draws.")]
DistributionOpt = Annotated[Distribution, typer.Option(
    "--distribution", help="Shape of the draws around each stated value: uniform, "
    "triangular or normal (cut at 3 sd); within the scale, with the stated value as the mean "
    "(near an end the shape is shortened on that side and reweighted; at the end the value "
    "does not vary).")]
IgnoreRangesOpt = Annotated[bool, typer.Option(
    "--ignore-ranges", help="Ignore the stances' own low/high ranges.")]
YesOpt = Annotated[bool, typer.Option(
    "--yes", "-y", help="Run --draws even when the estimated time is over a minute (the "
    "estimate comes from a few timed draws; without --yes such a run stops before starting).")]
ChunkOpt = Annotated[int, typer.Option(
    "--chunk-size", help="Draws per chunk (each chunk has its own seed; part of what makes a "
    "run reproducible).", min=1)]


def parse_weights(text: str | None) -> dict[str, float] | None:
    """'compromise=2,median=1' -> {'compromise': 2.0, 'median': 1.0}."""
    if not text:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            fail(ScenarioError.single("--weights", f"expected MODEL=WEIGHT, got {part!r}"))
    return out


def models_for_draws(models: list[Model], named: bool) -> list[Model]:
    """The models to draw: all that were named with --model; by default, those with a batched
    or per-issue path (a model that must rerun its whole forecast per draw, like the exchange
    model at about a second a draw, runs only when named; decision U-11)."""
    from grandbargain.uncertainty import batch_path

    if named:
        return models
    slow = [m.name for m in models if batch_path(m) == "loop over draws"]
    if slow:
        typer.echo(f"note: not drawing {', '.join(slow)} (a full forecast per draw is slow); "
                   f"name it with --model to include it", err=True)
    return [m for m in models if m.name not in slow]


CONFIRM_SECONDS = 60.0  # a draws run estimated longer than this needs --yes
NOTE_SECONDS = 10.0     # ... and one longer than this says how long it will take


def require_draws(noise: str | None, draws: int | None) -> None:
    """--noise only means something with --draws: refuse it alone rather than ignore it."""
    if noise is not None and draws is None:
        fail(ScenarioError.single("--noise", "applies only to Monte Carlo draws; add --draws N "
                                  "(e.g. --draws 1000) to draw the inputs with this noise"))


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def confirm_duration(sim: Simulation, workers: int | None = None, yes: bool = False) -> None:
    """Estimate the run's time from a few timed draws; over CONFIRM_SECONDS, stop with the
    estimate unless --yes (exit 2), and say how long a run over NOTE_SECONDS will take."""
    from grandbargain.uncertainty._run import estimate_seconds

    seconds = estimate_seconds(sim, workers, budget=NOTE_SECONDS)
    if seconds > CONFIRM_SECONDS and not yes:
        fail(ScenarioError.single("--draws", f"{sim.draws:,} draws of "
                                  f"{', '.join(sim.model_names) or 'the deal search'} would take "
                                  f"about {duration_text(seconds)} here (estimated from a few "
                                  "timed draws); add --yes to run them, or use fewer draws, "
                                  "fewer models (--model) or --workers"))
    if seconds > NOTE_SECONDS:
        typer.echo(f"note: {sim.draws:,} draws, estimated {duration_text(seconds)}", err=True)


def make_simulation(scenario: Scenario, models: list[Model], draws: int, seed: int,
                    noise: str | None, distribution: Distribution, ignore_ranges: bool = False,
                    chunk_size: int = DEFAULT_CHUNK_SIZE, deals=None) -> Simulation:
    """Build the simulation, ending the command cleanly on bad options."""
    try:
        spec = parse_noise(noise, distribution.value, not ignore_ranges)
        sim = simulation(scenario, models, spec, draws, seed, chunk_size, deals=deals)
    except ScenarioError as exc:
        fail(exc)
        raise
    except ValueError as exc:
        fail(ScenarioError.single("--draws", str(exc)))
        raise
    base = base_inputs(scenario, spec)
    if not (base.uncertain or spec.salience > 0 or spec.capability > 0):
        typer.echo("note: no input uncertainty (no stance low/high ranges, no --noise): every "
                   "draw equals the point forecast; try --noise position=10,salience=15",
                   err=True)
    return sim


def run_draws(sim: Simulation, workers: int | None = None, scheduler: str | None = None,
              progress: bool | None = None, yes: bool = False) -> Samples:
    """Run the draws with a rich progress bar (with ETA) on stderr when it is a terminal,
    after checking the estimated time (`confirm_duration`, under a spinner: on the first run on
    a machine it also compiles the expected-utility kernels, U-13)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    show = console.is_terminal if progress is None else progress
    if show:
        with console.status("estimating the run's time from a few draws (a first run on this "
                            "machine also compiles the expected-utility kernels, about 30 s)"):
            confirm_duration(sim, workers, yes)
    else:
        confirm_duration(sim, workers, yes)
    where = (f"on {scheduler}" if scheduler else f"on {workers} local workers" if workers
             else "in process")
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("draws"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    option = "--scheduler" if scheduler else "--workers"
    from grandbargain.uncertainty._dask import DaskUnavailable  # here: logging is not cheap

    with Progress(*columns, console=console, disable=not show, transient=False) as bar:
        task = bar.add_task(f"simulating {where}", total=sim.draws)
        try:
            return run_simulation(sim, workers, scheduler,
                                  lambda n: bar.advance(task, n))
        except DaskUnavailable as exc:
            fail(ScenarioError.single(option, str(exc)))
            raise

