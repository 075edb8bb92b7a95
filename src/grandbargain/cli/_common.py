"""What every command shares: the scenario argument and loading options, output, clean errors."""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grandbargain.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Lang(StrEnum):
    en = "en"
    zh = "zh"


ScenarioArg = Annotated[str | None, typer.Argument(
    help=f"A scenario file (YAML, BDM CSV/TSV, KTAB, Decide, DEU) or a shipped scenario id "
         f"(default: {DEFAULT_SCENARIO}; see `grandbargain scenarios`).", show_default=False)]
InputFormatOpt = Annotated[str | None, typer.Option(
    "--input-format", help="Force the input format: yaml, bdm-csv, bdm-tsv, ktab, decide, deu.")]
ScaleOpt = Annotated[str | None, typer.Option(
    "--scale", help="MIN,MAX of the issue scale for BDM tables (default: range of positions).")]
CapabilitiesOpt = Annotated[Path | None, typer.Option(
    "--capabilities", help="CSV of capabilities by actor code, for DEU tables.")]
CapabilityColumnOpt = Annotated[str | None, typer.Option(
    "--capability-column", help="Column of --capabilities to use (default: the second).")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language: en or zh (繁體中文).")]


def fail(problems: ScenarioError) -> None:
    """Print every problem to stderr, one a line, and exit with status 2."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    count = len(problems.problems)
    console.print(f"[bold red]error:[/] {count} problem{'s' if count > 1 else ''} found:")
    for problem in problems.problems:
        console.print(f"  {problem}", markup=False)
    raise typer.Exit(2)


def load_options(scale: str | None = None, capabilities: Path | None = None,
                 capability_column: str | None = None) -> dict:
    """The reader options given on the command line (raises ScenarioError if malformed)."""
    from grandbargain.scenario import read_capabilities

    options: dict = {}
    if scale is not None:
        try:
            low, high = (float(v) for v in scale.split(","))
        except ValueError:
            raise ScenarioError.single("--scale", f"expected MIN,MAX, got {scale!r}") from None
        options["scale"] = (low, high)
    if capabilities is not None:
        options["capabilities"] = read_capabilities(capabilities, capability_column)
    return options


def load(source: str | None, input_format: str | None = None, scale: str | None = None,
         capabilities: Path | None = None, capability_column: str | None = None) -> Scenario:
    """Load a scenario for a command; problems end the command cleanly with status 2."""
    try:
        options = load_options(scale, capabilities, capability_column)
        return load_scenario(source, format=input_format, **options)
    except ScenarioError as exc:
        fail(exc)
        raise  # unreachable: fail() exits


def emit(text: str, out: Path | None) -> None:
    """Write text to the file given with --out, or to standard output."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(ScenarioError.single(str(out), f"cannot write: {exc.strerror}"))
    typer.echo(f"wrote {out}", err=True)


def print_rich(renderable, out: Path | None = None) -> None:
    """Show a rich renderable on the terminal, or save its plain text with --out."""
    from rich.console import Console

    if out is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=200)
        console.print(renderable)
        return
    console = Console(record=True, width=160, file=io.StringIO())
    console.print(renderable)
    emit(console.export_text(), out)
