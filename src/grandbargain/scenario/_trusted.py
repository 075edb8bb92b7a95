"""The shipped scenarios' fast path: build the frozen `Scenario` from their plain data without
importing pydantic (a third of a second of every default command's start-up).

Only files inside the package take this path, and the tests validate every one of them with the
full schema and check that this builder gives the very same `Scenario` (`test_default_scenario`).
A user's file always goes through `_schema.validate_document`.
"""

from __future__ import annotations

from typing import Any

from grandbargain.scenario._model import (
    Actor,
    Anchor,
    Issue,
    Principal,
    RedLine,
    Scenario,
    Stance,
    ValueFunction,
)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _options(issue: dict, low: float, high: float) -> tuple[float, ...]:
    options = issue.get("options")
    if options is None:
        return ()
    if isinstance(options, dict):
        step = float(options["step"])
        values = [min(float(f"{low + j * step:.12g}"), high)
                  for j in range(int((high - low) // step) + 1)] + [high]
    else:
        values = [float(v) for v in options]
    return tuple(sorted(set(values)))


def _issue(i: dict) -> Issue:
    low, high = float(i["scale"]["min"]), float(i["scale"]["max"])
    return Issue(
        id=i["id"], name=i["name"], name_zh=i.get("name_zh", ""), low=low, high=high,
        unit=i["scale"].get("unit", ""), unit_zh=i["scale"].get("unit_zh", ""),
        description=i.get("description", ""), description_zh=i.get("description_zh", ""),
        status_quo_note_zh=i.get("status_quo_note_zh", ""),
        anchors=tuple(sorted((Anchor(float(a["value"]), a["label"], a.get("label_zh", ""))
                              for a in i.get("anchors", [])), key=lambda a: a.value)),
        status_quo=_num(i.get("status_quo")), status_quo_note=i.get("status_quo_note", ""),
        outcome=_num(i.get("outcome")), attributes=dict(i.get("attributes", {})),
        options=_options(i, low, high),
    )


def _principal(p: dict) -> Principal:
    return Principal(
        id=p["id"], name=p["name"], name_zh=p.get("name_zh", ""),
        actors=tuple(p.get("actors", [])),
        weights={k: float(v) for k, v in p.get("weights", {}).items()},
        ideal={k: float(v) for k, v in p.get("ideal", {}).items()},
        red_lines=tuple(RedLine(issue, _num(r.get("reject_below")), _num(r.get("reject_above")),
                                r.get("note", ""), r.get("note_zh", ""))
                        for issue, r in p.get("red_lines", {}).items()),
        value_functions={k: ValueFunction(v.get("kind", "linear"), _num(v.get("exponent")),
                                          _num(v.get("threshold")))
                         for k, v in p.get("value_functions", {}).items()},
        strategy=str(p.get("strategy", "")).strip().lower(),
    )


def trusted_scenario(data: dict, source: str) -> Scenario:
    """The Scenario of a shipped file's plain (merged) data, as validation would build it."""
    meta = data["scenario"]
    return Scenario(
        id=meta["id"], title=meta["title"], title_zh=meta.get("title_zh", ""),
        as_of=meta.get("as_of"), description=meta.get("description", ""),
        description_zh=meta.get("description_zh", ""),
        sources=tuple(meta.get("sources", [])), sources_zh=tuple(meta.get("sources_zh", [])),
        languages=tuple(meta.get("languages", [])),
        issues=tuple(_issue(i) for i in data["issues"]),
        actors=tuple(Actor(id=a["id"], name=a["name"], name_zh=a.get("name_zh", ""),
                           group=a.get("group", ""), capability=float(a["capability"]),
                           description=a.get("description", ""),
                           description_zh=a.get("description_zh", ""))
                     for a in data["actors"]),
        stances=tuple(
            Stance(actor=actor_id, issue=issue_id, position=float(s["position"]),
                   salience=float(s["salience"]), rationale=s.get("rationale", ""),
                   rationale_zh=s.get("rationale_zh", ""),
                   low=_num(s.get("low")), high=_num(s.get("high")),
                   capability=_num(s.get("capability")))
            for actor_id, row in data.get("stances", {}).items()
            for issue_id, s in row.items()),
        principals=tuple(_principal(p) for p in data.get("principals", [])),
        disagreement={k: float(v) for k, v in data.get("disagreement", {}).items()},
        source=source,
    )
