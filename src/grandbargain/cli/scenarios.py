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
    InstitutionsOpt,
    Lang,
    LangOpt,
    OutOpt,
    OutputFormat,
    ScaleOpt,
    ScenarioArg,
    emit,
    fail,
    finish,
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
        shown = header if lang.value == "en" else ["代號", "標題", "截至", "議題數", "行為者數"]
        print_rich(rich_table("Shipped scenarios" if lang.value == "en" else "內建情境", shown,
                              rows))


def show(scenario: ScenarioArg = None, input_format: InputFormatOpt = None,
         scale: ScaleOpt = None, capabilities: CapabilitiesOpt = None,
         capability_column: CapabilityColumnOpt = None, institutions: InstitutionsOpt = None,
         fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
         lang: LangOpt = Lang.en) -> None:
    """Show the actors-by-issues table of positions and saliences."""
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    lg = lang.value
    if fmt is not OutputFormat.table:
        rows = [[st.actor, st.issue, st.position, st.salience, _capability(s, st), st.low,
                 st.high, st.rationale_text(lg)] for st in s.stances]
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
    rows.append([word("capability", lg), "", *(_capability_range(s, a) for a in s.actors)])
    title = f"{s.text(lg)}: {word('position_salience', lg)}"
    if s.as_of:
        title += f" ({word('as_of', lg)} {s.as_of.isoformat()})"
    caption = "; ".join(f"{a.id} = {a.text(lg)}" for a in s.actors)
    print_rich(rich_table(title, header, rows, [False, True, *([True] * len(s.actors))],
                          caption=caption), out)


def _capability(s, stance) -> float:
    """The capability in effect on the stance's issue (a stance may override the actor's)."""
    return stance.capability if stance.capability is not None else s.actor(stance.actor).capability


def _capability_range(s, actor) -> str:
    values = {_capability(s, st) for st in s.stances if st.actor == actor.id} or \
        {actor.capability}
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def check(files: Annotated[list[str], typer.Argument(help="Scenario files or shipped ids.")],
          input_format: InputFormatOpt = None, scale: ScaleOpt = None,
          capabilities: CapabilitiesOpt = None,
          capability_column: CapabilityColumnOpt = None,
          institutions: InstitutionsOpt = None) -> None:
    """Check scenario files; list every problem (file:line:column [field]: what) or say OK."""
    try:  # read --capabilities once, not once per file
        options = load_options(scale, capabilities, capability_column, institutions)
    except ScenarioError as exc:
        fail(exc)
    failures = []
    for name in files:
        try:
            s = finish(load_scenario(name, format=input_format, **options), capabilities,
                       institutions)
            typer.echo(f"{name}: OK ({len(s.issues)} issues, {len(s.actors)} actors, "
                       f"{len(s.stances)} stances)")
            from grandbargain.scenario._translations import check_translations

            # a shipped id is trusted (its translations are checked in tests/test_zh.py)
            for problem in check_translations(name, input_format, shipped=False):
                typer.echo(f"warning: {problem}")
        except ScenarioError as exc:
            failures.extend(exc.problems)
    if failures:
        fail(ScenarioError(failures))


def schema(out: OutOpt = None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion and checks)."""
    emit(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", out)


OUTPUT_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "ktab"}


def convert(source: Annotated[str, typer.Argument(help="Scenario file or shipped id.")],
            target: Annotated[Path, typer.Argument(help="Output file (.yaml/.yml, or .csv for "
                                                        "KTAB).")],
            to: Annotated[str | None, typer.Option(help="yaml or ktab (default: from the "
                                                          "extension).")] = None,
            force: Annotated[bool, typer.Option(
                "--force", help="Overwrite TARGET if it exists (never the input itself).")
            ] = False,
            input_format: InputFormatOpt = None, scale: ScaleOpt = None,
            capabilities: CapabilitiesOpt = None,
            capability_column: CapabilityColumnOpt = None,
            institutions: InstitutionsOpt = None) -> None:
    """Convert a scenario between formats (writes YAML or KTAB CSV)."""
    fmt = check_target(source, target, to, force)
    s = load(source, input_format, scale, capabilities, capability_column, institutions)
    try:
        write_scenario(s, target, fmt)
    except (ValueError, OSError) as exc:
        fail(ScenarioError.single(str(target), str(exc)))
    typer.echo(f"wrote {target}", err=True)


def check_target(source: str, target: Path, to: str | None, force: bool) -> str:
    """The output format; refuses (exit 2) an unknown one, the input itself as the target, an
    existing file without --force, and a missing folder."""
    def refuse(message: str, field: str = "") -> None:
        fail(ScenarioError.single(str(target), message, field=field))

    if to is not None:
        if to not in ("yaml", "ktab"):
            fail(ScenarioError.single("--to", f"unknown format '{to}' (known: yaml, ktab)"))
        fmt = to
    else:
        fmt = OUTPUT_FORMATS.get(target.suffix.lower(), "")
        if not fmt:
            refuse(f"unknown output extension '{target.suffix}': convert writes YAML (.yaml, "
                   ".yml) or KTAB CSV (.csv); name the file so, or give --to yaml|ktab")
    if target.is_dir():
        refuse("is a folder: give a file name")
    if Path(source).is_file() and target.exists() and Path(source).samefile(target):
        refuse("is the input file: convert never overwrites its input; give another name")
    if target.exists() and not force:
        refuse("exists already: give another name, or --force to overwrite it")
    if not target.parent.is_dir():
        refuse(f"cannot write: no folder {target.parent} (create it first)")
    return fmt


def register(app: typer.Typer) -> None:
    app.command("scenarios")(scenarios)
    app.command("show")(show)
    app.command("check")(check)
    app.command("schema")(schema)
    app.command("convert")(convert)
