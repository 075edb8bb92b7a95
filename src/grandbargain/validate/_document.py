"""The validation run as one plain document (JSON) and as tidy rows (CSV). Deterministic: no
dates, no absolute paths; file names are relative to the case folder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from grandbargain.validate._run import DeuValidation, LibraryValidation
from grandbargain.validate._scoring import HIT_THRESHOLDS, Score, Summary, summarise


def pct(t: float) -> int:
    return round(t * 100)


def summary_record(s: Summary) -> dict[str, Any]:
    record: dict[str, Any] = {"model": s.model, "label": s.label, "kind": s.kind, "n": s.n,
                              "missing": s.missing, "mae": s.mae, "median_ae": s.median_ae}
    for k, t in enumerate(HIT_THRESHOLDS):
        record[f"within_{pct(t)}"] = s.hit_rate(k)
        record[f"hits_{pct(t)}"] = s.hits[k]
    return record


def primary_summary(v: LibraryValidation) -> tuple[Summary, ...]:
    return summarise(s for s in v.scores if s.primary)


def secondary_summary(v: LibraryValidation) -> tuple[Summary, ...]:
    return summarise(s for s in v.scores if not s.primary)


def procedures(scores: Iterable[Score]) -> list[str]:
    """The procedures present, COD and CNS first, then the others alphabetically."""
    found = {s.group for s in scores}
    first = [p for p in ("COD", "CNS") if p in found]
    return first + sorted(found - set(first))


def library_document(v: LibraryValidation, catalogue: str) -> dict[str, Any]:
    cases = []
    for run in v.runs:
        spec, issue = run.case.spec, run.case.issue
        readings = []
        for outcome in spec.outcomes:
            scores = [s for s in run.scores if s.reading == outcome.label]
            readings.append({
                "label": outcome.label, "outcome": outcome.value, "primary": outcome.primary,
                "source": outcome.source,
                "forecasts": [{"model": s.model, "label": s.label, "kind": s.kind,
                               "forecast": s.forecast, "error": s.error} for s in scores],
            })
        cases.append({
            "id": spec.id, "title": spec.title, "file": spec.file, "issue": issue.id,
            "scale": [issue.low, issue.high], "unit": spec.unit, "source": spec.source,
            "published": [{"model": p.model, "label": p.label, "value": p.value,
                           "source": p.source, "note": p.note} for p in spec.published],
            "readings": readings,
        })
    return {
        "catalogue": catalogue,
        "models": [{"name": m.name, "label": m.label} for m in v.models],
        "hit_thresholds": list(HIT_THRESHOLDS),
        "cases": cases,
        "summary": [summary_record(s) for s in primary_summary(v)],
        "secondary_summary": [summary_record(s) for s in secondary_summary(v)],
        "skipped": [{"case": s.case, "file": s.file, "problems": list(s.problems)}
                    for s in v.skipped],
        "model_failures": list(v.failures),
    }


def deu_document(d: DeuValidation) -> dict[str, Any]:
    return {
        "file": d.file, "capabilities": d.capabilities, "capability_column": d.column,
        "institutions": d.institutions, "issues": d.issues,
        "scored": d.issues - len(d.unscored), "unscored": list(d.unscored),
        "models": [{"name": m.name, "label": m.label} for m in d.models],
        "hit_thresholds": list(HIT_THRESHOLDS),
        "summary": [summary_record(s) for s in summarise(d.scores)],
        "by_procedure": {p: [summary_record(s) for s in
                             summarise(s for s in d.scores if s.group == p)]
                         for p in procedures(d.scores)},
        "scores": [{"issue": s.case, "procedure": s.group, "model": s.model,
                    "forecast": s.forecast, "outcome": s.outcome, "error": s.error}
                   for s in d.scores],
        "model_failures": list(d.failures),
    }


def validation_document(library: LibraryValidation | None, catalogue: str,
                        deu: DeuValidation | None, notes: Sequence[str] = ()) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if library is not None:
        doc["library"] = library_document(library, catalogue)
    if deu is not None:
        doc["deu"] = deu_document(deu)
    if notes:
        doc["notes"] = list(notes)
    return doc


CSV_HEADER = ["table", "case", "reading", "primary", "group", "model", "kind", "forecast",
              "outcome", "error", "n", "missing", "mae", "median_ae",
              *(f"within_{pct(t)}" for t in HIT_THRESHOLDS)]


def _score_row(table: str, s: Score) -> list[Any]:
    return [table, s.case, s.reading, s.primary, s.group, s.model, s.kind, s.forecast,
            s.outcome, s.error, None, None, None, None, *([None] * len(HIT_THRESHOLDS))]


def _summary_row(table: str, group: str, s: Summary) -> list[Any]:
    return [table, None, None, None, group, s.model, s.kind, None, None, None, s.n, s.missing,
            s.mae, s.median_ae, *(s.hit_rate(k) for k in range(len(HIT_THRESHOLDS)))]


def csv_rows(library: LibraryValidation | None, deu: DeuValidation | None) -> list[list[Any]]:
    """One tidy table: per-forecast rows ('case', 'deu') and per-model rows ('summary',
    'secondary-summary', 'deu-summary' with the procedure in `group`, '' = all)."""
    rows: list[list[Any]] = []
    if library is not None:
        rows += [_score_row("case", s) for s in library.scores]
        rows += [_summary_row("summary", "", s) for s in primary_summary(library)]
        rows += [_summary_row("secondary-summary", "", s) for s in secondary_summary(library)]
    if deu is not None:
        rows += [_score_row("deu", s) for s in deu.scores]
        rows += [_summary_row("deu-summary", "", s) for s in summarise(deu.scores)]
        for p in procedures(deu.scores):
            rows += [_summary_row("deu-summary", p, s)
                     for s in summarise(s for s in deu.scores if s.group == p)]
    return rows
