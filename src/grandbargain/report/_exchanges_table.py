"""The exchange model round by round: forecasts per round and every realised exchange in plain
words (English or Traditional Chinese), as one JSON-ready document that every renderer shares."""

from __future__ import annotations

from typing import Any

from grandbargain import __version__
from grandbargain.models._labels import model_label
from grandbargain.models.exchange import Exchange, ExchangeRun, Move
from grandbargain.scenario import Scenario


def _number(value: float, width: float) -> str:
    return f"{value:.2f}" if width <= 20 else f"{value:.1f}"


def _move_text(scenario: Scenario, move: Move, lang: str) -> str:
    actor = scenario.actor(move.actor).text(lang)
    partner = scenario.actor(move.toward).text(lang)
    issue = scenario.issue(move.issue)
    span = f"{_number(move.start, issue.width)} → {_number(move.end, issue.width)}"
    anchor = issue.nearest_anchor(move.end)
    if lang == "zh":
        near = f"，接近「{anchor.text('zh')}」" if anchor else ""
        return f"{actor}在「{issue.text('zh')}」上向{partner}靠攏（{span}{near}）"
    near = f", near “{anchor.text('en')}”" if anchor else ""
    return f"{actor} moves toward {partner} on {issue.text('en')} ({span}{near})"


def exchange_text(scenario: Scenario, exchange: Exchange, lang: str = "en") -> str:
    """One exchange in plain words: who moves toward whom on what, and what each gains."""
    first = _move_text(scenario, exchange.first, lang)
    second = _move_text(scenario, exchange.second, lang)
    if lang == "zh":
        return f"{first}；{second}。雙方各得 {exchange.gain:.3g}。"
    return f"{first}; {second}. Each gains {exchange.gain:.3g}."


def _move_document(scenario: Scenario, move: Move, lang: str) -> dict[str, Any]:
    return {"actor": move.actor, "actor_name": scenario.actor(move.actor).text(lang),
            "issue": move.issue, "issue_name": scenario.issue(move.issue).text(lang),
            "from": move.start, "to": move.end, "toward": move.toward, "gain": move.gain}


def exchanges_document(scenario: Scenario, run: ExchangeRun, params: dict[str, Any],
                       lang: str = "en") -> dict[str, Any]:
    """Every round of a run: O at its start, the forecast after it, and its exchanges."""
    rounds = []
    for r in run.rounds:
        rounds.append({
            "round": r.number,
            "start": dict(r.start),
            "forecast": dict(r.forecast),
            "candidates": r.candidates,
            "ties": r.ties,
            "exchanges": [{"order": n, "gain": e.gain, "tied": e.tied,
                           "first": _move_document(scenario, e.first, lang),
                           "second": _move_document(scenario, e.second, lang),
                           "text": exchange_text(scenario, e, lang)}
                          for n, e in enumerate(r.exchanges, start=1)],
        })
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang),
                     "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                     "source": scenario.source},
        "model": {"name": "exchange",
                  "label": model_label("exchange", "Exchange (Stokman equal gain)", lang),
                  "params": params},
        "issues": [{"id": i.id, "name": i.text(lang), "unit": i.unit_text(lang),
                    "scale": [i.low, i.high], "status_quo": i.status_quo} for i in scenario.issues],
        "initial": dict(run.initial),
        "final": dict(run.final),
        "rounds": rounds,
    }


EXCHANGE_COLUMNS = ["round", "kind", "order", "actor", "issue", "from", "to", "partner",
                    "partner_issue", "partner_from", "partner_to", "gain", "tied"]


def exchanges_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Long-format rows for CSV: per round, one `forecast` row per issue (from = O at the
    round's start, to = O after it), then one `exchange` row per realised exchange."""
    rows: list[list[Any]] = []
    for r in document["rounds"]:
        for issue in document["issues"]:
            rows.append([r["round"], "forecast", None, None, issue["id"],
                         r["start"][issue["id"]], r["forecast"][issue["id"]],
                         None, None, None, None, None, None])
        for e in r["exchanges"]:
            a, b = e["first"], e["second"]
            rows.append([r["round"], "exchange", e["order"], a["actor"], a["issue"], a["from"],
                         a["to"], b["actor"], b["issue"], b["from"], b["to"], e["gain"],
                         e["tied"]])
    return list(EXCHANGE_COLUMNS), rows
