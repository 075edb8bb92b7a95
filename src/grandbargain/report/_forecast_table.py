"""The forecast table: issues x models, as plain rows that every renderer shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grandbargain import __version__
from grandbargain.models import ModelResult
from grandbargain.models._labels import model_label
from grandbargain.scenario import Issue, Scenario


def anchor_text(issue: Issue, value: float | None, lang: str = "en") -> str:
    """'~50: only China-specific downgraded chips licensed' for the anchor nearest to value."""
    if value is None:
        return ""
    anchor = issue.nearest_anchor(value)
    return f"~{anchor.value:g}: {anchor.text(lang)}" if anchor else ""


def settled_part(results: Sequence[ModelResult], issue_id: str) -> dict[str, Any]:
    """Per model that reports it (the expected-utility models), whether its forecast settled
    and, where not, the range of its last rounds: {"settled": {model: bool}, "last_rounds":
    {model: {"from_round", "to_round", "low", "high"}}}; empty when no model reports it."""
    settled, last = {}, {}
    for r in results:
        for f in r.forecasts:
            if f.issue == issue_id and "settled" in f.detail:
                settled[r.model] = bool(f.detail.get("settled", True))
                if not settled[r.model] and f.detail.get("last_rounds"):
                    last[r.model] = dict(f.detail["last_rounds"])
    if not settled:
        return {}
    return {"settled": settled, "last_rounds": last}


def forecast_cell(issue: dict[str, Any], model: str) -> tuple[Any, str]:
    """(value, suffix): suffix '~' where the model did not settle on this issue."""
    unsettled = issue.get("settled", {}).get(model) is False
    return issue["forecasts"][model], "~" if unsettled else ""


def unsettled_note(document: dict[str, Any], lang: str = "en") -> str:
    """'~ did not settle: last rounds ranged eu-scholz on x 30.0-55.0 (rounds 8-10)'."""
    parts = []
    for issue in document["issues"]:
        for model, span in issue.get("last_rounds", {}).items():
            if lang == "zh":
                parts.append(f"{model} 於「{issue['name']}」：{span['low']:.1f}-{span['high']:.1f}"
                             f"（第 {span['from_round']}-{span['to_round']} 輪）")
            else:
                parts.append(f"{model} on {issue['id']} {span['low']:.1f}-{span['high']:.1f} "
                             f"(rounds {span['from_round']}-{span['to_round']})")
    if not parts:
        return ""
    if lang == "zh":
        return "~ 未收斂：最後幾輪的範圍 " + "；".join(parts) + "。"
    return "~ did not settle: last rounds ranged " + "; ".join(parts) + "."


def forecast_document(scenario: Scenario, results: Sequence[ModelResult],
                      lang: str = "en") -> dict[str, Any]:
    """Everything the forecast table shows, as JSON-ready data."""
    issues = []
    for issue in scenario.issues:
        forecasts = {r.model: r.value(issue.id) for r in results}
        settled = settled_part(results, issue.id)
        issues.append({
            "id": issue.id,
            "name": issue.text(lang),
            "unit": issue.unit_text(lang),
            "scale": [issue.low, issue.high],
            "status_quo": issue.status_quo,
            "forecasts": forecasts,
            "nearest_anchor": {m: anchor_text(issue, v, lang) for m, v in forecasts.items()},
            **settled,
        })
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang),
                     "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                     "source": scenario.source},
        "models": [{"name": r.model, "label": model_label(r.model, r.label, lang),
                    "params": dict(r.params)}
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
    reporting = [m for m in models
                 if any(m in issue.get("settled", {}) for issue in document["issues"])]
    header += [f"{m}_{c}" for m in reporting for c in ("settled", "last_low", "last_high")]
    rows = []
    for issue in document["issues"]:
        rows.append([issue["id"], issue["name"], issue["status_quo"],
                     *(issue["forecasts"][m] for m in models),
                     *(issue["nearest_anchor"][m] for m in models)])
        if with_intervals:  # models that were not drawn have no interval
            rows[-1] += [issue["intervals"].get(m, {}).get(q) for m in models for q in spread]
        for m in reporting:
            span = issue.get("last_rounds", {}).get(m, {})
            ok = issue.get("settled", {}).get(m)
            rows[-1] += [None if ok is None else str(ok).lower(), span.get("low"),
                         span.get("high")]
    return header, rows
