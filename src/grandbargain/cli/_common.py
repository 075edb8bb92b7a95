"""What every command shares: the scenario argument and loading options, output, clean errors."""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from grandbargain.scenario import Scenario, ScenarioError

# Kept here rather than imported so that the help texts cost no import of grandbargain.scenario
# (tests/test_cli_startup.py checks they agree).
DEFAULT_SCENARIO = "us-china-2025-07"
INSTITUTION_RULES = ("average-member", "parity", "council-only", "file")
#: The commands that run the models: a scenario without stances (a deals-only file) has nothing
#: for them to forecast, and `load` refuses it with a located error (exit status 2).
FORECASTING_COMMANDS = frozenset({"forecast", "simulate", "report", "rounds", "exchanges",
                                  "timeline", "ledger record"})


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
InstitutionsOpt = Annotated[str | None, typer.Option(
    "--institutions", help="DEU: how the Commission and the Parliament are weighted: "
    "average-member (default), parity, council-only or file (docs/decisions.md V-01).",
    show_default=False)]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language: en or zh (繁體中文).")]


def fail(problems: ScenarioError, lang: str = "en") -> None:
    """Print every problem to stderr, one a line, and exit with status 2 (the heading in
    `lang`; the problems as given)."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    count = len(problems.problems)
    if lang == "zh":
        console.print(f"[bold red]錯誤：[/]發現 {count} 個問題：")
    else:
        console.print(f"[bold red]error:[/] {count} problem{'s' if count > 1 else ''} found:")
    for problem in problems.problems:
        console.print(f"  {problem}", markup=False)
    raise typer.Exit(2)


def load_options(scale: str | None = None, capabilities: Path | None = None,
                 capability_column: str | None = None, institutions: str | None = None) -> dict:
    """The reader options given on the command line (raises ScenarioError if malformed).

    With --capabilities (a DEU table), the Commission and the Parliament are weighted by the
    --institutions rule as `validate --deu` does (default average-member, decision V-01): their
    placeholders here, their per-issue weights in `finish`.
    """
    from grandbargain.scenario import ScenarioError, read_capabilities

    options: dict = {}
    if scale is not None:
        try:
            low, high = (float(v) for v in scale.split(","))
        except ValueError:
            raise ScenarioError.single("--scale", f"expected MIN,MAX, got {scale!r}") from None
        options["scale"] = (low, high)
    if institutions is not None:
        if institutions not in INSTITUTION_RULES:
            raise ScenarioError.single("--institutions", f"unknown rule '{institutions}' "
                                       f"(known: {', '.join(INSTITUTION_RULES)})")
        if capabilities is None:
            raise ScenarioError.single("--institutions", "applies to DEU tables, with their "
                                       "capabilities given by --capabilities FILE")
    if capabilities is not None:
        weights = read_capabilities(capabilities, capability_column)
        rule = institutions or "average-member"
        if rule != "file":
            weights = {**weights, "com": 1.0, "ep": 1.0}
        options["capabilities"] = weights
    return options


def finish(scenario: Scenario, capabilities: Path | None, institutions: str | None) -> Scenario:
    """The loaded scenario with the DEU institutions rule applied (when --capabilities is given;
    any other format refuses --capabilities while loading)."""
    rule = institutions or "average-member"
    if capabilities is None or rule == "file":
        return scenario
    from grandbargain.validate._institutions import apply_institutions

    return apply_institutions(scenario, rule)


def load_checked(source: str | None, input_format: str | None = None, scale: str | None = None,
                 capabilities: Path | None = None, capability_column: str | None = None,
                 institutions: str | None = None) -> Scenario:
    """Load a scenario with the command-line options (raises ScenarioError)."""
    from grandbargain.scenario import load_scenario

    options = load_options(scale, capabilities, capability_column, institutions)
    return finish(load_scenario(source, format=input_format, **options), capabilities,
                  institutions)


def load(source: str | None, input_format: str | None = None, scale: str | None = None,
         capabilities: Path | None = None, capability_column: str | None = None,
         institutions: str | None = None) -> Scenario:
    """Load a scenario for a command; problems end the command cleanly with status 2."""
    from grandbargain.scenario import ScenarioError, require_stances

    try:
        scenario = load_checked(source, input_format, scale, capabilities, capability_column,
                                institutions)
        command = running_command()
        if command in FORECASTING_COMMANDS:
            require_stances(scenario, f"`grandbargain {command}`")
        return scenario
    except ScenarioError as exc:
        fail(exc)
        raise  # unreachable: fail() exits


def running_command() -> str | None:
    """The command being run, without the program name ("forecast", "ledger record"), or None
    outside a command. Typer 0.29 vendors click as typer._click; older Typers use click."""
    import importlib

    for module in ("typer._click.globals", "click.globals"):
        try:
            context = importlib.import_module(module).get_current_context(silent=True)
        except ImportError:
            continue
        if context is not None:
            names = []
            while context is not None and context.parent is not None:
                names.append(context.info_name)
                context = context.parent
            return " ".join(reversed(names)) or None
    return None


def emit(text: str, out: Path | None) -> None:
    """Write text to the file given with --out, or to standard output."""
    if out is None:
        sys.stdout.write(text)
        return
    from grandbargain.scenario import ScenarioError

    if not out.parent.is_dir():
        fail(ScenarioError.single(str(out), f"cannot write: no folder {out.parent} (create it "
                                  "first)"))
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(ScenarioError.single(str(out), f"cannot write: {exc.strerror or exc}"))
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
