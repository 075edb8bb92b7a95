"""The report's optional sections, one builder each, and whether their module is in this build.

A section is `{"status": "ok" | "unavailable" | "not_run", "note": str, ...}`. "unavailable"
only when the module that computes it cannot be imported; "not_run" when it can but this run
did not include it (the note says how to include it).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grandbargain.models import ModelResult
from grandbargain.models._labels import model_label
from grandbargain.report._report_words import word
from grandbargain.scenario import Scenario


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _unavailable(module: str, lang: str = "en") -> dict[str, Any]:
    return {"status": "unavailable",
            "note": f"需要 {module}" if lang == "zh" else f"needs {module}"}


def _in(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- expected-utility trajectories ----------------------------------------------------------

def _runs(result: ModelResult) -> Mapping[str, Any] | None:
    runs = result.detail.get("runs") if result.detail else None
    return runs if isinstance(runs, Mapping) else None


def trajectories(scenario: Scenario, results: Sequence[ModelResult], lang: str,
                 extras: Mapping[str, Any]) -> dict[str, Any]:
    """Per issue and expected-utility model: the document `grandbargain rounds --format json`
    prints (positions, risk, accepted offers, median and mean for the start and every round)."""
    from grandbargain.report._rounds_table import rounds_document

    with_runs = [r for r in results if _runs(r) is not None]
    if not with_runs:
        return {"status": "not_run",
                "note": _in(lang, "no expected-utility model in this run (add --model eu)",
                            "本次執行沒有預期效用模型（加上 --model eu）")}
    issues = [{"id": issue.id,
               "runs": {r.model: rounds_document(scenario, r, issue.id, lang)
                        for r in with_runs if issue.id in _runs(r)}}
              for issue in scenario.issues]
    return {"status": "ok", "note": "",
            "models": [{"name": r.model, "label": model_label(r.model, r.label, lang)}
                       for r in with_runs],
            "issues": issues}


# --- exchanges --------------------------------------------------------------------------------

def exchanges(scenario: Scenario, results: Sequence[ModelResult], lang: str,
              extras: Mapping[str, Any]) -> dict[str, Any]:
    """The document `grandbargain exchanges --format json` prints, from the exchange model's
    result in this run (every round's expected outcome and every realised exchange)."""
    from grandbargain.report._exchanges_table import exchanges_document

    result = next((r for r in results if r.model == "exchange" and "run" in r.detail), None)
    if result is None:
        return {"status": "not_run",
                "note": _in(lang, "the exchange model is not in this run (add --model exchange)",
                            "本次執行沒有交換模型（加上 --model exchange）")}
    return {"status": "ok", "note": "",
            "document": exchanges_document(scenario, result.detail["run"], dict(result.params),
                                           lang)}


# --- package deals ----------------------------------------------------------------------------

def deals(scenario: Scenario, results: Sequence[ModelResult], lang: str,
          extras: Mapping[str, Any]) -> dict[str, Any]:
    """The document `grandbargain deals --format json` prints (frontier points, ZOPA, the four
    bargaining solutions with who concedes what, logrolls), for the scenario's principals."""
    from grandbargain.deals import FrontierTooLarge, analyse, deal_space
    from grandbargain.report._deals_table import deals_document
    from grandbargain.scenario import ScenarioError

    if not scenario.principals:
        return {"status": "not_run",
                "note": _in(lang, "the scenario names no principals (the parties to a deal)",
                            "此情境沒有列出談判主體（協議的各方）")}
    try:
        analysis = analyse(deal_space(scenario), top=5)
    except (FrontierTooLarge, ScenarioError) as exc:
        return {"status": "not_run", "note": str(exc)}
    return {"status": "ok", "note": "",
            "document": deals_document(analysis, lang, frontier_points=True)}


# --- the timeline replay (issue 15) ----------------------------------------------------------

def timeline(scenario: Scenario, results: Sequence[ModelResult], lang: str,
             extras: Mapping[str, Any]) -> dict[str, Any]:
    """The document `grandbargain timeline --format json` prints, replayed at the edge (the
    command's --events file, or the shipped history for the default scenario): extras
    {"timeline": {lang: document}}."""
    documents = extras.get("timeline") or {}
    if lang not in documents:
        return {"status": "not_run",
                "note": word("timeline_not_run", lang)}
    return {"status": "ok", "note": "", "document": documents[lang]}


# --- the tariff stack (issue 16) -----------------------------------------------------------

TARIFF_START = "2025-01-01"


def tariffs(scenario: Scenario, results: Sequence[ModelResult], lang: str,
            extras: Mapping[str, Any]) -> dict[str, Any]:
    """Each linked imposer's tariff layers by legal basis from the shipped tariff events file,
    from 1 January 2025 to the file's as_of, when the scenario has an issue that file links
    (a status quo that is a sum of stack layers)."""
    from datetime import date

    from grandbargain.trade import shipped_events
    from grandbargain.trade._documents import PARTY_EN, PARTY_ZH
    from grandbargain.trade._stack import stack_series

    events = shipped_events()
    ids = {i.id for i in scenario.issues}
    links = [link for link in events.issues if link.issue in ids]
    if not links:
        return {"status": "not_run",
                "note": "no issue of this scenario is linked to the tariff events file"}
    start, end = date.fromisoformat(TARIFF_START), events.as_of
    names = PARTY_ZH if lang == "zh" else PARTY_EN
    panels = []
    for link in links:
        series = stack_series(events, link.imposer, link.product, start, end)
        layers = [la.layer for la in series[0].layers] if series else []
        panels.append({
            "issue": link.issue, "imposer": link.imposer, "product": link.product,
            "imposer_name": names.get(link.imposer, link.imposer),
            "target_name": names.get(layers[0].target, layers[0].target) if layers else "",
            "days": [s.on.isoformat() for s in series],
            "layers": [{"id": layer.id, "family": layer.family,
                        "name": layer.name_zh if lang == "zh" and layer.name_zh else layer.name,
                        "rates": [next(x.rate for x in s.layers if x.layer.id == layer.id)
                                  for s in series]} for layer in layers],
            "totals": [s.total for s in series]})
    return {"status": "ok", "note": "",
            "document": {"file": events.file, "as_of": events.as_of.isoformat(),
                         "start": TARIFF_START, "end": end.isoformat(), "panels": panels}}


# --- the registry ---------------------------------------------------------------------------

Builder = Callable[[Scenario, Sequence[ModelResult], str, Mapping[str, Any]], dict[str, Any]]

#: section name -> (module that computes it, builder or None while the report cannot show it)
SECTIONS: dict[str, tuple[str, Builder | None]] = {
    "trajectories": ("grandbargain.models.expected_utility", trajectories),
    "exchanges": ("grandbargain.models.exchange", exchanges),
    "deals": ("grandbargain.deals._analysis", deals),
    "timeline": ("grandbargain.timeline._replay", timeline),
    "tariffs": ("grandbargain.trade._stack", tariffs),
}


def optional_sections(scenario: Scenario, results: Sequence[ModelResult], lang: str,
                      extras: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, (module, build) in SECTIONS.items():
        if not module_available(module):
            out[name] = _unavailable(module, lang)
        elif build is None:
            out[name] = {"status": "unavailable",
                         "note": _in(lang, f"{module} is present but this report cannot show "
                                     "it yet", f"已有 {module}，但本報告尚未能顯示")}
        else:
            out[name] = build(scenario, results, lang, extras)
    return out
