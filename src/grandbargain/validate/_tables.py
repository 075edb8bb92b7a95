"""The validation tables as plain text cells, shared by the terminal and the Markdown page, so
both show the same numbers with the same rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grandbargain.validate._document import pct, primary_summary, procedures, secondary_summary
from grandbargain.validate._run import DeuValidation, LibraryValidation
from grandbargain.validate._scoring import HIT_THRESHOLDS, Score, Summary, summarise

DASH = "–"


@dataclass(frozen=True)
class TextTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


def value_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def outcome_text(value: float) -> str:
    """Outcomes as the catalogue gives them (8.833, 25), not rounded to two decimals."""
    return f"{value:g}"


def error_text(error: float | None) -> str:
    return DASH if error is None else f"{100 * error:+.1f}%"


def share_text(share: float | None) -> str:
    return DASH if share is None else f"{100 * share:.1f}%"


def hit_text(s: Summary, k: int) -> str:
    rate = s.hit_rate(k)
    return DASH if rate is None else f"{round(100 * rate)}% ({s.hits[k]}/{s.n})"


def summary_table(title: str, summaries: Sequence[Summary]) -> TextTable:
    header = ("model", "n", "mean abs. error", "median abs. error",
              *(f"within {pct(t)}%" for t in HIT_THRESHOLDS))
    rows = []
    for s in summaries:
        name = s.model if s.kind == "model" else s.label
        n = f"{s.n}" + (f" (+{s.missing} none)" if s.missing else "")
        rows.append((name, n, share_text(s.mae), share_text(s.median_ae),
                     *(hit_text(s, k) for k in range(len(HIT_THRESHOLDS)))))
    return TextTable(title, header, tuple(rows), (False, *([True] * (len(header) - 1))))


def _case_titles(v: LibraryValidation) -> dict[str, str]:
    return {run.case.spec.id: run.case.spec.title for run in v.runs}


def scores_table(title: str, scores: Sequence[Score], titles: dict[str, str],
                 with_reading: bool) -> TextTable:
    header = ("case", *(("reading",) if with_reading else ()), "model", "forecast", "outcome",
              "error (% of scale)")
    rows, previous = [], None
    for s in scores:
        key = (s.case, s.reading)
        first = key != previous
        previous = key
        case = titles.get(s.case, s.case) if first else ""
        reading = (s.reading if first else "",) if with_reading else ()
        name = s.model if s.kind == "model" else s.label
        rows.append((case, *reading, name, value_text(s.forecast),
                     outcome_text(s.outcome) if first else "", error_text(s.error)))
    numeric = (False, *((False,) if with_reading else ()), False, True, True, True)
    return TextTable(title, header, tuple(rows), numeric)


def cases_table(v: LibraryValidation) -> TextTable:
    rows = []
    for run in v.runs:
        spec, issue = run.case.spec, run.case.issue
        unit = f" {spec.unit}" if spec.unit else ""
        readings = "; ".join(f"{o.value:g} ({o.label}{'' if o.primary else ', secondary'})"
                             for o in spec.outcomes)
        rows.append((spec.title, spec.file, f"{issue.low:g}-{issue.high:g}{unit}",
                     str(len(run.case.scenario.participants(issue.id))), readings))
    return TextTable("Cases", ("case", "input file", "scale", "actors", "outcome"),
                     tuple(rows), (False, False, False, True, False))


def library_tables(v: LibraryValidation) -> list[TextTable]:
    if not v.runs:
        return []
    titles = _case_titles(v)
    primary = [s for s in v.scores if s.primary]
    secondary = [s for s in v.scores if not s.primary]
    tables = [cases_table(v),
              scores_table("Forecasts and errors (primary outcome readings)", primary, titles,
                           with_reading=False),
              summary_table("Summary per model (primary outcome readings)",
                            primary_summary(v))]
    if secondary:
        tables += [scores_table("Secondary outcome readings", secondary, titles,
                                with_reading=True),
                   summary_table("Summary per model (secondary outcome readings)",
                                 secondary_summary(v))]
    return tables


def deu_tables(d: DeuValidation) -> list[TextTable]:
    tables = [summary_table(f"DEU: {d.file}, all procedures ({d.issues - len(d.unscored)} "
                            f"issues with an outcome of {d.issues})", summarise(d.scores))]
    for p in procedures(d.scores):
        group = [s for s in d.scores if s.group == p]
        issues = len({s.case for s in group})
        tables.append(summary_table(f"DEU: procedure {p} ({issues} issues)", summarise(group)))
    return tables


def markdown_table(table: TextTable) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = ["---:" if n else "---" for n in table.numeric]
    return "\n".join([line(table.header), "|" + "|".join(align) + "|",
                      *(line(r) for r in table.rows)]) + "\n"
