"""The forecast table: issues x models, as plain rows that every renderer shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grandbargain import __version__
from grandbargain.models import ModelResult
from grandbargain.scenario import Issue, Scenario


def anchor_text(issue: Issue, value: float | None, lang: str = "en") -> str:
    """'~50: only China-specific downgraded chips licensed' for the anchor nearest to value."""
    if value is None:
        return ""
    anchor = issue.nearest_anchor(value)
    return f"~{anchor.value:g}: {anchor.text(lang)}" if anchor else ""


def forecast_document(scenario: Scenario, results: Sequence[ModelResult],
                      lang: str = "en") -> dict[str, Any]:
    """Everything the forecast table shows, as JSON-ready data."""
    issues = []
    for issue in scenario.issues:
        forecasts = {r.model: r.value(issue.id) for r in results}
        issues.append({
            "id": issue.id,
            "name": issue.text(lang),
            "unit": issue.unit,
            "scale": [issue.low, issue.high],
            "status_quo": issue.status_quo,
            "forecasts": forecasts,
            "nearest_anchor": {m: anchor_text(issue, v, lang) for m, v in forecasts.items()},
        })
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang),
                     "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                     "source": scenario.source},
        "models": [{"name": r.model, "label": r.label, "params": dict(r.params)}
                   for r in results],
        "issues": issues,
    }


def forecast_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Flat header and rows (one per issue) for CSV and the terminal."""
    models = [m["name"] for m in document["models"]]
    header = ["issue", "name", "status_quo", *models]
    header += [f"{m}_anchor" for m in models]
    # with `forecast --draws`: each model's 90% interval, and whether the point lies outside it
    spread = ("q05", "q95", "point_outside")
    with_intervals = all("intervals" in issue for issue in document["issues"])
    if with_intervals:
        header += [f"{m}_{q}" for m in models for q in spread]
    rows = []
    for issue in document["issues"]:
        rows.append([issue["id"], issue["name"], issue["status_quo"],
                     *(issue["forecasts"][m] for m in models),
                     *(issue["nearest_anchor"][m] for m in models)])
        if with_intervals:  # models that were not drawn have no interval
            rows[-1] += [issue["intervals"].get(m, {}).get(q) for m in models for q in spread]
    return header, rows
