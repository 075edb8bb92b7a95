"""Commands about scenarios themselves: `scenarios`, `show`, `check`, `schema`, `convert`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from grandbargain.cli._common import (
    CapabilitiesOpt,
    CapabilityColumnOpt,
    FormatOpt,
    InputFormatOpt,
    Lang,
    LangOpt,
    OutOpt,
    OutputFormat,
    ScaleOpt,
    ScenarioArg,
    emit,
    fail,
    load,
    load_options,
    print_rich,
)
from grandbargain.report import rich_table, to_csv, to_json
from grandbargain.report._i18n import word
from grandbargain.scenario import (
    ScenarioError,
    builtin_scenarios,
    json_schema,
    load_scenario,
    scenario_to_document,
    write_scenario,
)


def scenarios(fmt: FormatOpt = OutputFormat.table, lang: LangOpt = Lang.en) -> None:
    """List the scenarios shipped with grandbargain."""
    rows = []
    for name in builtin_scenarios():
        s = load_scenario(name)
        rows.append([name, s.text(lang.value), s.as_of.isoformat() if s.as_of else "",
                     len(s.issues), len(s.actors)])
    header = ["id", "title", "as_of", "issues", "actors"]
    if fmt is OutputFormat.json:
        emit(to_json([dict(zip(header, r, strict=True)) for r in rows]), None)
    elif fmt is OutputFormat.csv:
        emit(to_csv(header, rows), None)
    else:
        print_rich(rich_table("Shipped scenarios", header, rows))


def show(scenario: ScenarioArg = None, input_format: InputFormatOpt = None,
         scale: ScaleOpt = None, capabilities: CapabilitiesOpt = None,
         capability_column: CapabilityColumnOpt = None, fmt: FormatOpt = OutputFormat.table,
         out: OutOpt = None, lang: LangOpt = Lang.en) -> None:
    """Show the actors-by-issues table of positions and saliences."""
    s = load(scenario, input_format, scale, capabilities, capability_column)
    lg = lang.value
    if fmt is not OutputFormat.table:
        rows = [[st.actor, st.issue, st.position, st.salience, s.actor(st.actor).capability,
                 st.low, st.high, st.rationale] for st in s.stances]
        header = ["actor", "issue", "position", "salience", "capability", "low", "high",
                  "rationale"]
        if fmt is OutputFormat.json:
            emit(to_json(scenario_to_document(s)), out)
        else:
            emit(to_csv(header, rows), out)
        return
    header = [word("issue", lg), word("status_quo", lg), *(a.id for a in s.actors)]
    rows = []
    for issue in s.issues:
        cells = []
        for actor in s.actors:
            st = s.stance(actor.id, issue.id)
            cells.append("" if st is None else f"{st.position:g}/{st.salience:g}")
        sq = "" if issue.status_quo is None else f"{issue.status_quo:g}"
        rows.append([issue.id, sq, *cells])
    rows.append([word("capability", lg), "", *(f"{a.capability:g}" for a in s.actors)])
    title = f"{s.text(lg)}: {word('position_salience', lg)}"
    if s.as_of:
        title += f" ({word('as_of', lg)} {s.as_of.isoformat()})"
    caption = "; ".join(f"{a.id} = {a.text(lg)}" for a in s.actors)
    print_rich(rich_table(title, header, rows, [False, True, *([True] * len(s.actors))],
                          caption=caption), out)


def check(files: Annotated[list[str], typer.Argument(help="Scenario files or shipped ids.")],
          input_format: InputFormatOpt = None, scale: ScaleOpt = None,
          capabilities: CapabilitiesOpt = None,
          capability_column: CapabilityColumnOpt = None) -> None:
    """Check scenario files; list every problem (file:line:column [field]: what) or say OK."""
    try:
        options = load_options(scale, capabilities, capability_column)
    except ScenarioError as exc:
        fail(exc)
    failures = []
    for name in files:
        try:
            s = load_scenario(name, format=input_format, **options)
            typer.echo(f"{name}: OK ({len(s.issues)} issues, {len(s.actors)} actors, "
                       f"{len(s.stances)} stances)")
        except ScenarioError as exc:
            failures.extend(exc.problems)
    if failures:
        fail(ScenarioError(failures))


def schema(out: OutOpt = None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion and checks)."""
    emit(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", out)


def convert(source: Annotated[str, typer.Argument(help="Scenario file or shipped id.")],
            target: Annotated[Path, typer.Argument(help="Output file (.yaml, or .csv for KTAB).")],
            to: Annotated[str | None, typer.Option(help="yaml or ktab (default: from the "
                                                          "extension).")] = None,
            input_format: InputFormatOpt = None, scale: ScaleOpt = None,
            capabilities: CapabilitiesOpt = None,
            capability_column: CapabilityColumnOpt = None) -> None:
    """Convert a scenario between formats (writes YAML or KTAB CSV)."""
    s = load(source, input_format, scale, capabilities, capability_column)
    try:
        write_scenario(s, target, to)
    except (ValueError, OSError) as exc:
        fail(ScenarioError.single(str(target), str(exc)))
    typer.echo(f"wrote {target}", err=True)


def register(app: typer.Typer) -> None:
    app.command("scenarios")(scenarios)
    app.command("show")(show)
    app.command("check")(check)
    app.command("schema")(schema)
    app.command("convert")(convert)
