"""The expected-utility model's rounds on one issue, as plain data every renderer shares."""

from __future__ import annotations

from typing import Any

from grandbargain import __version__
from grandbargain.models import ModelResult, Run
from grandbargain.models._labels import model_label
from grandbargain.scenario import Scenario


def rounds_document(scenario: Scenario, result: ModelResult, issue_id: str,
                    lang: str = "en") -> dict[str, Any]:
    """Start and every round: positions and risk exponents by actor, the accepted offers
    (also as sentences), the median and the weighted mean."""
    run: Run = result.detail["runs"][issue_id]
    names = {a: scenario.actor(a).text(lang) for a in run.actors}
    issue = scenario.issue(issue_id)
    digits = 2 if issue.width <= 20 else 1
    rounds = [{
        "round": 0, "median": run.start_median, "mean": run.start_mean,
        "positions": dict(zip(run.actors, run.start_positions, strict=True)), "risk": {},
        "offers": [],
    }]
    for r in run.rounds:
        rounds.append({
            "round": r.number, "median": r.median, "mean": r.mean,
            "positions": dict(zip(run.actors, r.positions, strict=True)),
            "risk": dict(zip(run.actors, r.risk, strict=True)),
            "offers": [{"actor": o.actor, "proposer": o.proposer, "kind": o.kind,
                        "from": o.start, "to": o.end, "actor_eu": o.actor_eu,
                        "proposer_eu": o.proposer_eu, "text": o.sentence(names, digits, lang)}
                       for o in r.offers],
        })
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang), "source": scenario.source},
        "issue": {"id": issue.id, "name": issue.text(lang), "scale": [issue.low, issue.high],
                  "unit": issue.unit_text(lang), "status_quo": issue.status_quo},
        "model": {"name": result.model, "label": model_label(result.model, result.label, lang),
                  "params": dict(result.params)},
        "actors": [{"id": a, "name": names[a]} for a in run.actors],
        "width": run.width,
        "stopped": run.stopped,
        "forecast": result.value(issue_id),
        # whether the model settled, else the range of its last rounds (decisions EU-17)
        "settled": result.forecasts[scenario.issue_index[issue_id]].detail.get("settled", True),
        "last_rounds": result.forecasts[scenario.issue_index[issue_id]].detail.get(
            "last_rounds"),
        "rounds": rounds,
    }


def rounds_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Long table: one row per round and actor (round 0 = the start)."""
    header = ["round", "actor", "position", "risk", "offer", "proposer", "from", "to",
              "median", "mean"]
    rows = []
    for r in document["rounds"]:
        accepted = {o["actor"]: o for o in r["offers"]}
        for actor in document["actors"]:
            a = actor["id"]
            offer = accepted.get(a, {})
            rows.append([r["round"], a, r["positions"][a], r["risk"].get(a), offer.get("kind", ""),
                         offer.get("proposer", ""), offer.get("from"), offer.get("to"),
                         r["median"], r["mean"]])
    return header, rows
