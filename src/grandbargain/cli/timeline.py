"""`grandbargain timeline`: replay a scenario events file date by date, with the forecasts and
the package solution at each date and what changed, in plain words.

Only typer and the standard library are imported at module top (start-up speed).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

SHIPPED_HISTORY = "us-china-2025"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Language(StrEnum):
    en = "en"
    zh = "zh"


EventsOpt = Annotated[str, typer.Option(
    "--events", "-e", help="A scenario events file (grandbargain-events/1), or the shipped "
    f"history '{SHIPPED_HISTORY}' (20 January to 17 July 2025).")]
ModelsOpt = Annotated[list[str] | None, typer.Option(
    "--model", "-m", help="Model to run at every date (repeatable). Default: the fast ones "
    "(compromise, median, nash, eu).")]


def load_timeline(events: str):
    """The events file, or the shipped history; bad input ends the command (exit status 2)."""
    from grandbargain.cli._common import fail
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline import read_timeline

    try:
        return read_timeline(events)
    except ScenarioError as exc:
        fail(exc)
        raise


def base_scenario(scenario: str | None, timeline):
    """The scenario named on the command line, else the one the events file names."""
    from grandbargain.cli._common import load

    return load(timeline.base_source if scenario is None else scenario)


AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="With --events: the scenario as of this date (YYYY-MM-DD; default: the "
    "events file's as_of).")]
EventsForOpt = Annotated[str | None, typer.Option(
    "--events", help="Apply this scenario events file (or the shipped history "
    f"'{SHIPPED_HISTORY}') to the scenario, up to --as-of.")]


def scenario_as_of_cli(scenario: str | None, events: str | None, as_of: str | None,
                       loader=None):
    """The scenario for a command with --events/--as-of: loaded as usual without them, else the
    base (argument, or the one the events file names) with the events up to the date applied."""
    from datetime import date

    from grandbargain.cli._common import fail, load
    from grandbargain.scenario import ScenarioError

    if events is None:
        if as_of is not None:
            fail(ScenarioError.single("--as-of", "needs --events (the file whose events lead "
                                      "to that date)"))
        return (loader or load)(scenario)
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError:
            fail(ScenarioError.single("--as-of", f"expected a date YYYY-MM-DD, got {as_of!r}"))
    from grandbargain.timeline import scenario_as_of

    tl = load_timeline(events)
    base = base_scenario(scenario, tl)
    try:
        return scenario_as_of(base, tl, day)
    except ScenarioError as exc:
        fail(exc)
        raise


def _models(names: list[str] | None) -> list:
    from grandbargain.cli.forecast import pick_models
    from grandbargain.timeline._replay import FAST_MODELS

    return pick_models(names or list(FAST_MODELS))


def timeline(scenario: Annotated[str | None, typer.Argument(
                 help="The base scenario (file or shipped id; default: the one the events file "
                 "names, else the default scenario).", show_default=False)] = None,
             events: EventsOpt = SHIPPED_HISTORY, model: ModelsOpt = None,
             solution: Annotated[str, typer.Option(
                 "--solution", help="Package solution to follow: nash, kalai_smorodinsky, "
                 "egalitarian or utilitarian.")] = "nash",
             fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
             out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
             png: Annotated[Path | None, typer.Option(
                 "--png", help="Also draw forecasts and status quo per issue over time.")] = None,
             lang: Annotated[Language, typer.Option("--lang")] = Language.en) -> None:
    """Replay an events file: forecasts and the package at every event date, and why they moved."""
    from grandbargain.cli._common import emit, fail
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline._replay import replay_document

    tl = load_timeline(events)
    base = base_scenario(scenario, tl)
    if solution not in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        fail(ScenarioError.single("--solution", f"unknown solution {solution!r}"))
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("replaying", total=len(tl.dates()) + 1)
        try:
            document = replay_document(base, tl, _models(model), solution=solution,
                                       lang=lang.value,
                                       on_step=lambda done, _n: bar.update(task, completed=done))
        except ScenarioError as exc:
            fail(exc)
            raise
    if png is not None:
        from grandbargain.timeline._chart import timeline_png

        try:
            timeline_png(document, png)
        except (RuntimeError, OSError) as exc:
            fail(ScenarioError.single(str(png), str(exc)))
        typer.echo(f"wrote {png}", err=True)
    if fmt is Format.json:
        import json

        emit(json.dumps(document, ensure_ascii=False, indent=2) + "\n", out)
        return
    if fmt is Format.csv:
        emit(_csv(document), out)
        return
    lines = [document["bottom_line"], ""] + [step["text"] for step in document["steps"]]
    emit("\n".join(lines) + "\n", out)


def _csv(document: dict) -> str:
    import csv
    import io

    from grandbargain.timeline._replay import replay_rows

    header, rows = replay_rows(document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)
