"""`grandbargain validate`: every model scored against real outcomes, reproducibly."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grandbargain._lang import say
from grandbargain.cli._common import (
    CapabilitiesOpt,
    CapabilityColumnOpt,
    Lang,
    LangOpt,
    OutOpt,
    emit,
    fail,
    print_rich,
)
from grandbargain.models import MODELS
from grandbargain.report import rich_table, to_csv, to_json
from grandbargain.scenario import ScenarioError

CASES_ENV = "GRANDBARGAIN_CASES"
DEFAULT_CASES = Path("..") / "shared" / "benchmarks"


#: The terminal's sentences, English and Traditional Chinese (the tables' words are in
#: validate/_tables.py).
SENTENCES = {
    "nothing_read": ("No case of the catalogue could be read, so nothing was scored.",
                     "目錄中沒有任何案例可以讀取，因此沒有評分。"),
    "models": ("Models: ", "模型："),
    "separator": ("; ", "；"),
    "skipped": ("skipped {case} ({file}):", "已略過 {case}（{file}）："),
    "failed": ("model failed: {what}", "模型執行失敗：{what}"),
    "deu_unscored": ("DEU: {n} issue(s) without an outcome not scored",
                     "DEU：{n} 個沒有結果的議題未評分"),
    "no_library": ("case library not run: no benchmark folder at ../shared/benchmarks "
                   "(give --cases DIR)",
                   "未執行案例庫：../shared/benchmarks 沒有基準資料夾（請以 --cases DIR 指定）"),
}


def sentence(key: str, lang: str, **values: object) -> str:
    return say(SENTENCES, key, lang, **values)


class ValidateFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def default_cases_dir() -> Path:
    """$GRANDBARGAIN_CASES, else ../shared/benchmarks from the current folder."""
    return Path(os.environ.get(CASES_ENV) or DEFAULT_CASES)


def validate(
    cases: Annotated[Path | None, typer.Option(
        "--cases", help=f"Benchmark folder holding the case inputs (default: ${CASES_ENV} or "
        "../shared/benchmarks).", show_default=False)] = None,
    no_cases: Annotated[bool, typer.Option(
        "--no-cases", help="Do not run the case library (score only the --deu table).")
    ] = False,
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="Case catalogue YAML (default: the one shipped in the package).",
        show_default=False)] = None,
    deu: Annotated[Path | None, typer.Option(
        "--deu", help="A DEU III table (semicolon CSV) to score as well.")] = None,
    capabilities: CapabilitiesOpt = None,
    capability_column: CapabilityColumnOpt = None,
    institutions: Annotated[str, typer.Option(
        "--institutions", help="DEU: how the Commission and the Parliament are weighted: "
        "average-member, parity, council-only or file (docs/decisions.md V-01).")
    ] = "average-member",
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to score (repeatable). Default: all ("
        + ", ".join([*MODELS, *([] if "ensemble" in MODELS else ["ensemble"])]) + ").")
    ] = None,
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")
                   ] = ValidateFormat.table,
    markdown: Annotated[bool, typer.Option(
        "--markdown", help="Same as --format markdown (the docs/validation.md page).")] = False,
    out: OutOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """Score every model on every case with a known outcome (and on a DEU III table)."""
    from grandbargain.validate import INSTITUTIONS, read_catalogue, validate_deu, validate_library
    from grandbargain.validate._document import CSV_HEADER, csv_rows, validation_document
    from grandbargain.validate._markdown import markdown_page
    from grandbargain.validate._tables import deu_tables, library_tables

    if markdown:
        fmt = ValidateFormat.markdown
    from grandbargain.cli.forecast import model_names

    model = model_names(model)
    known = [*MODELS, "ensemble"]
    unknown = [m for m in model or [] if m not in known]
    if unknown:
        fail(ScenarioError.single("--model", f"unknown model(s) {', '.join(unknown)} (known: "
                                  f"{', '.join(dict.fromkeys(known))})"))
    if institutions not in INSTITUTIONS:
        fail(ScenarioError.single("--institutions", f"unknown rule '{institutions}' (known: "
                                  f"{', '.join(INSTITUTIONS)})"))
    folder = cases or default_cases_dir()
    notes: list[str] = []
    library = None
    catalogue_name = catalogue.name if catalogue else "grandbargain/validate/cases.yaml"
    try:
        if no_cases:
            if deu is None:
                fail(ScenarioError.single("--no-cases", "nothing to score: give --deu FILE "
                                          "or drop --no-cases"))
        elif folder.is_dir():
            library = validate_library(folder, read_catalogue(catalogue), model)
            if not library.runs and (cases is not None or deu is None):
                expected = ", ".join(s.file for s in library.skipped[:3])
                fail(ScenarioError.single(
                    str(folder), f"no case found: none of the catalogue's "
                    f"{len(library.skipped)} case files could be read here (e.g. {expected}); "
                    "give the benchmark folder with --cases DIR", field="--cases"))
        elif cases is not None or deu is None:
            fail(ScenarioError.single(str(folder), "no such folder: give the benchmark folder "
                                      f"with --cases DIR (or set ${CASES_ENV})",
                                      field="--cases"))
        else:
            notes.append(sentence("no_library", "en"))
        result_deu = None
        if deu is not None:
            if capabilities is None:
                fail(ScenarioError.single(str(deu), "a DEU table has no capabilities: "
                                          "give them with --capabilities FILE (e.g. "
                                          "council_voting_weights.csv)",
                                          field="--capabilities"))
            result_deu = validate_deu(deu, capabilities, capability_column, institutions,
                                      model)
    except ScenarioError as exc:
        fail(exc)
        return
    if fmt is ValidateFormat.json:
        emit(to_json(validation_document(library, catalogue_name, result_deu, notes)), out)
    elif fmt is ValidateFormat.csv:
        emit(to_csv(CSV_HEADER, csv_rows(library, result_deu)), out)
    elif fmt is ValidateFormat.markdown:
        emit(markdown_page(library, catalogue_name, result_deu), out)
    else:
        _print_tables(library, result_deu, notes, out, library_tables, deu_tables, lang.value)


def _print_tables(library, deu, notes, out, library_tables, deu_tables, lang: str = "en"
                  ) -> None:
    from rich.console import Group
    from rich.text import Text

    from grandbargain.models._labels import model_label

    parts: list = []
    tables = (library_tables(library, lang) if library else []) + \
        (deu_tables(deu, lang) if deu else [])
    for t in tables:
        parts.append(rich_table(t.title, list(t.header), [list(r) for r in t.rows],
                                list(t.numeric)))
        parts.append(Text(""))
    if library is not None and not library.runs:
        parts.append(Text(sentence("nothing_read", lang), style="yellow"))
    if library is not None:
        parts.append(Text(sentence("models", lang) + sentence("separator", lang).join(
            f"{m.name} = {model_label(m.name, m.label, lang)}" for m in library.models)))
        for s in library.skipped:
            parts.append(Text(sentence("skipped", lang, case=s.case, file=s.file) + "\n  "
                              + "\n  ".join(s.problems), style="yellow"))
        parts += [Text(sentence("failed", lang, what=f), style="yellow")
                  for f in library.failures]
    if deu is not None:
        parts += [Text(sentence("failed", lang, what=f), style="yellow") for f in deu.failures]
        parts.append(Text(sentence("deu_unscored", lang, n=len(deu.unscored))))
    english_notes = {sentence("no_library", "en"): "no_library"}
    parts += [Text(sentence(english_notes[n], lang) if n in english_notes else n,
                   style="yellow") for n in notes]
    print_rich(Group(*parts), out)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
