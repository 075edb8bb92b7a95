"""Writing scenarios: to the YAML format (round-trips through `load_scenario`) and to KTAB CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grandbargain.scenario._model import Scenario


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in ("", None, [], {}, ())}


def scenario_to_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a plain document in the YAML format."""
    meta = _drop_empty({
        "id": scenario.id, "title": scenario.title, "title_zh": scenario.title_zh,
        "as_of": scenario.as_of, "languages": list(scenario.languages),
        "description": scenario.description, "description_zh": scenario.description_zh,
        "sources": list(scenario.sources), "sources_zh": list(scenario.sources_zh),
    })
    issues = [_drop_empty({
        "id": i.id, "name": i.name, "name_zh": i.name_zh, "description": i.description,
        "description_zh": i.description_zh,
        "scale": _drop_empty({"min": i.low, "max": i.high, "unit": i.unit, "unit_zh": i.unit_zh}),
        "anchors": [_drop_empty({"value": a.value, "label": a.label, "label_zh": a.label_zh})
                    for a in i.anchors],
        "status_quo": i.status_quo, "status_quo_note": i.status_quo_note,
        "status_quo_note_zh": i.status_quo_note_zh,
        "outcome": i.outcome, "attributes": dict(i.attributes), "options": list(i.options),
    }) for i in scenario.issues]
    actors = [_drop_empty({
        "id": a.id, "name": a.name, "name_zh": a.name_zh, "group": a.group,
        "capability": a.capability, "description": a.description,
        "description_zh": a.description_zh,
    }) for a in scenario.actors]
    stances: dict[str, dict[str, Any]] = {}
    for s in scenario.stances:
        stances.setdefault(s.actor, {})[s.issue] = _drop_empty({
            "position": s.position, "salience": s.salience, "rationale": s.rationale,
            "rationale_zh": s.rationale_zh,
            "low": s.low, "high": s.high, "capability": s.capability,
        })
    principals = [_drop_empty({
        "id": p.id, "name": p.name, "name_zh": p.name_zh, "actors": list(p.actors),
        "weights": dict(p.weights), "ideal": dict(p.ideal),
        "red_lines": {r.issue: _drop_empty({"reject_below": r.reject_below,
                                            "reject_above": r.reject_above, "note": r.note,
                                            "note_zh": r.note_zh})
                      for r in p.red_lines},
        "value_functions": {k: _drop_empty({"kind": v.kind, "exponent": v.exponent,
                                            "threshold": v.threshold})
                            for k, v in p.value_functions.items()},
        "strategy": p.strategy,
    }) for p in scenario.principals]
    return _drop_empty({
        "format_version": 1, "scenario": meta, "issues": issues, "actors": actors,
        "stances": stances, "principals": principals,
        "disagreement": dict(scenario.disagreement),
    })


def write_scenario(scenario: Scenario, path: str | Path, format: str | None = None) -> None:
    """Write the scenario as YAML (default, or a .yaml/.yml name) or KTAB CSV (.csv / 'ktab')."""
    path = Path(path)
    fmt = format or ("ktab" if path.suffix.lower() == ".csv" else "yaml")
    if fmt == "ktab":
        from grandbargain.scenario._ktab import write_ktab

        text = write_ktab(scenario)
    elif fmt == "yaml":
        from grandbargain.scenario._yaml import dump_yaml

        text = dump_yaml(scenario_to_document(scenario))
    else:
        raise ValueError(f"cannot write format '{fmt}' (yaml or ktab)")
    path.write_text(text, encoding="utf-8")
