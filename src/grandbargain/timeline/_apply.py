"""Applying scenario events: the scenario as of any date, and what each event changed.

Pure and order-defined: events apply in date order (file order within a date), their changes in
file order, each to a plain copy of the scenario document; after every event the document goes
through the loader's own validation (`validate_document`), so a replayed scenario obeys every
rule a scenario file does. A change that names an unknown actor, issue or stance, or that
leaves a value outside its scale, is an error located at the change (file:line:column).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from grandbargain.scenario._errors import Problem, ScenarioError
from grandbargain.scenario._export import scenario_to_document
from grandbargain.scenario._model import Scenario
from grandbargain.timeline._events import ScenarioChange, ScenarioEvent, Timeline


class _Refused(Exception):
    def __init__(self, change: ScenarioChange, message: str, field: str = ""):
        super().__init__(message)
        self.change, self.message, self.field = change, message, field


def _issue(doc: dict, change: ScenarioChange) -> dict:
    for issue in doc["issues"]:
        if issue["id"] == change.issue:
            return issue
    known = ", ".join(i["id"] for i in doc["issues"])
    raise _Refused(change, f"unknown issue {change.issue!r} (the scenario has: {known})",
                   "issue")


def _actor(doc: dict, change: ScenarioChange) -> dict:
    for actor in doc["actors"]:
        if actor["id"] == change.actor:
            return actor
    known = ", ".join(a["id"] for a in doc["actors"])
    raise _Refused(change, f"unknown actor {change.actor!r} (the scenario has: {known})",
                   "actor")


def _stance(doc: dict, change: ScenarioChange) -> dict:
    _actor(doc, change)
    _issue(doc, change)
    stance = doc.get("stances", {}).get(change.actor, {}).get(change.issue)
    if stance is None:
        raise _Refused(change, f"{change.actor} has no stance on {change.issue} (add one with "
                       "add_stance)")
    return stance


def _check_stance(doc: dict, change: ScenarioChange, stance: dict) -> None:
    """A set or shifted stance stays on its scale (never clipped: a silent fix would hide a
    mistake in the events file)."""
    issue = _issue(doc, change)
    low, high = issue["scale"]["min"], issue["scale"]["max"]
    for name in ("position", "low", "high"):
        value = stance.get(name)
        if value is not None and not low <= value <= high:
            raise _Refused(change, f"{name} of {change.actor} on {change.issue} would be "
                           f"{value:g}, outside the scale {low:g}-{high:g}", name)
    if not 0 <= stance["salience"] <= 100:
        raise _Refused(change, f"salience of {change.actor} on {change.issue} would be "
                       f"{stance['salience']:g}, outside 0-100", "salience")
    if stance.get("capability") is not None and stance["capability"] <= 0:
        raise _Refused(change, "a stance's capability must stay above 0", "capability")
    if stance.get("low") is not None and stance["low"] > stance["position"]:
        raise _Refused(change, f"low {stance['low']:g} would be above the position "
                       f"{stance['position']:g}", "low")
    if stance.get("high") is not None and stance["high"] < stance["position"]:
        raise _Refused(change, f"high {stance['high']:g} would be below the position "
                       f"{stance['position']:g}", "high")


def _drop_stale_translation(holder: dict, values: Mapping[str, Any], key: str) -> None:
    """A change that rewrites a text without its translation drops the old translation (the
    English text is then shown in both languages, not a translation of what no longer holds)."""
    if key in values and f"{key}_zh" not in values:
        holder.pop(f"{key}_zh", None)


def _apply_change(doc: dict, change: ScenarioChange) -> None:
    kind = change.kind
    if kind == "note":
        return
    if kind == "status_quo":
        issue = _issue(doc, change)
        if "status_quo" in change.values:
            low, high = issue["scale"]["min"], issue["scale"]["max"]
            value = change.values["status_quo"]
            if not low <= value <= high:
                raise _Refused(change, f"status quo {value:g} is outside the scale {low:g}-"
                               f"{high:g} of {change.issue}", "status_quo")
            issue["status_quo"] = value
        for key in ("status_quo_note", "status_quo_note_zh"):
            if key in change.values:
                issue[key] = change.values[key]
        _drop_stale_translation(issue, change.values, "status_quo_note")
        return
    if kind == "capability":
        actor = _actor(doc, change)
        value = change.values.get("capability", actor["capability"])
        actor["capability"] = value + change.shifts.get("capability", 0.0)
        if actor["capability"] <= 0:
            raise _Refused(change, f"capability of {change.actor} would be "
                           f"{actor['capability']:g}; it must stay above 0", "capability")
        return
    if kind == "stance":
        stance = _stance(doc, change)
        for name, value in change.values.items():
            stance[name] = value
        _drop_stale_translation(stance, change.values, "rationale")
        for name, delta in change.shifts.items():
            if name not in stance:
                raise _Refused(change, f"cannot shift {name}: the stance of {change.actor} on "
                               f"{change.issue} sets none", f"shift.{name}")
            stance[name] = stance[name] + delta
        _check_stance(doc, change, stance)
        return
    if kind == "add_stance":
        _actor(doc, change)
        _issue(doc, change)
        row = doc.setdefault("stances", {}).setdefault(change.actor, {})
        if change.issue in row:
            raise _Refused(change, f"{change.actor} already has a stance on {change.issue} "
                           "(change it with actor/issue)")
        row[change.issue] = dict(change.values)
        _check_stance(doc, change, row[change.issue])
        return
    if kind == "remove_stance":
        _stance(doc, change)
        row = doc["stances"][change.actor]
        del row[change.issue]
        if not row:
            del doc["stances"][change.actor]
        return
    if kind == "add_actor":
        if any(a["id"] == change.actor for a in doc["actors"]):
            raise _Refused(change, f"actor {change.actor!r} is already in the scenario", "id")
        values = {k: v for k, v in change.values.items() if v not in ("", None)}
        principal = values.pop("principal", None)
        doc["actors"].append({"id": change.actor, **values})
        if principal is not None:
            party = next((p for p in doc.get("principals", []) if p["id"] == principal), None)
            if party is None:
                raise _Refused(change, f"unknown principal {principal!r}", "principal")
            party.setdefault("actors", []).append(change.actor)
        return
    if kind == "remove_actor":
        _actor(doc, change)
        doc["actors"] = [a for a in doc["actors"] if a["id"] != change.actor]
        doc.get("stances", {}).pop(change.actor, None)
        for party in doc.get("principals", []):
            party["actors"] = [a for a in party.get("actors", []) if a != change.actor]
        return
    raise AssertionError(kind)


def _validate(doc: dict, source: str, event: ScenarioEvent) -> Scenario:
    from grandbargain.scenario._schema import validate_document

    try:
        return validate_document(doc, {}, source)
    except ScenarioError as exc:
        raise ScenarioError([
            Problem(event.where, p.field, f"after the event of {event.date} ({event.title}): "
                    f"{p.message}") for p in exc.problems]) from None


def apply_events(base: Scenario, events: Iterable[ScenarioEvent]) -> Scenario:
    """The base scenario with the events applied in order (date, then file order).

    Raises ScenarioError, located at the change, for an unknown actor, issue or stance, a value
    outside its scale, or anything else the scenario format refuses.
    """
    ordered = sorted(events, key=lambda e: (e.date, e.index))
    if not ordered:
        return base
    doc = copy.deepcopy(scenario_to_document(base))
    scenario = base
    sources = list(base.sources)
    sources_zh = list(base.sources_zh) if len(base.sources_zh) == len(sources) else []
    for event in ordered:
        for change in event.changes:
            try:
                _apply_change(doc, change)
            except _Refused as exc:
                field = change.field + (f".{exc.field}" if exc.field else "")
                raise ScenarioError([Problem(change.where, field, exc.message)]) from None
        for k, source in enumerate(event.sources):
            if source not in sources:
                sources.append(source)  # an untranslated source shows in English in both
                sources_zh.append(event.sources_zh[k] if event.sources_zh else source)
        doc["scenario"]["sources"] = list(sources)
        if len(sources_zh) == len(sources):
            doc["scenario"]["sources_zh"] = list(sources_zh)
        scenario = _validate(doc, base.source, event)
    return scenario


def scenario_as_of(base: Scenario, timeline: Timeline, on: date | None = None) -> Scenario:
    """The scenario as of a date: the base with every event dated on or before it applied.

    `on` defaults to the events file's as_of; a later date gives what was known on as_of (the
    file holds nothing later). The result's `as_of` is that date; a date before the base
    scenario's own as_of is an error.
    """
    day = min(on, timeline.as_of) if on is not None else timeline.as_of
    if base.as_of is not None and day < base.as_of:
        raise ScenarioError.single(timeline.file, f"--as-of {day} is before the base scenario's "
                                   f"as_of {base.as_of}: events cannot be undone",
                                   field="as_of")
    applied = [e for e in timeline.events if e.date <= day]
    scenario = apply_events(base, applied)
    if not applied:
        return replace(scenario, as_of=day)
    return replace(scenario, as_of=day,
                   title=f"{base.title}, with {len(applied)} events to {day}",
                   title_zh=f"{base.text('zh')}，加上至{day}的{len(applied)}個事件")


@dataclass(frozen=True)
class Step:
    """One date of a replay: the events of that date and the scenario after them."""

    date: date
    events: tuple[ScenarioEvent, ...]
    scenario: Scenario


def replay(base: Scenario, timeline: Timeline) -> list[Step]:
    """The base (dated its as_of, or the first event's date) and the scenario after each date
    that has events, in order. Each step is validated like a loaded scenario."""
    start = base.as_of or (timeline.events[0].date if timeline.events else timeline.as_of)
    steps = [Step(start, (), base)]
    for day in timeline.dates():
        if day < start:
            raise ScenarioError([Problem(next(e.where for e in timeline.events if e.date == day),
                                         "date", f"event dated {day} is before the base "
                                         f"scenario's as_of {start}")])
        todays = tuple(e for e in timeline.events if e.date == day)
        after = apply_events(steps[-1].scenario, todays)
        steps.append(Step(day, todays, replace(after, as_of=day)))
    return steps


@dataclass(frozen=True)
class Difference:
    """One number or membership that differs between two scenarios."""

    kind: str  # status_quo, position, salience, low, high, capability, actor or stance
    actor: str
    issue: str
    old: Any
    new: Any


def differences(before: Scenario, after: Scenario) -> list[Difference]:
    """What changed from one scenario to the next, in a stable order."""
    out: list[Difference] = []
    old_issues = {i.id: i for i in before.issues}
    for issue in after.issues:
        old = old_issues.get(issue.id)
        if old is not None and old.status_quo != issue.status_quo:
            out.append(Difference("status_quo", "", issue.id, old.status_quo, issue.status_quo))
    old_actors = {a.id: a for a in before.actors}
    new_actors = {a.id: a for a in after.actors}
    for actor_id in new_actors.keys() - old_actors.keys():
        out.append(Difference("actor", actor_id, "", None, "added"))
    for actor_id in old_actors.keys() - new_actors.keys():
        out.append(Difference("actor", actor_id, "", "present", None))
    for actor_id, actor in new_actors.items():
        old_actor = old_actors.get(actor_id)
        if old_actor is not None and old_actor.capability != actor.capability:
            out.append(Difference("capability", actor_id, "", old_actor.capability,
                                  actor.capability))
    old_stances = {(s.actor, s.issue): s for s in before.stances}
    new_stances = {(s.actor, s.issue): s for s in after.stances}
    for key in sorted(new_stances.keys() | old_stances.keys()):
        old_s, new_s = old_stances.get(key), new_stances.get(key)
        if old_s is None or new_s is None:
            out.append(Difference("stance", *key, None if old_s is None else old_s.position,
                                  None if new_s is None else new_s.position))
            continue
        for name in ("position", "salience", "low", "high", "capability"):
            if getattr(old_s, name) != getattr(new_s, name):
                out.append(Difference(name, *key, getattr(old_s, name), getattr(new_s, name)))
    order = {"status_quo": 0, "actor": 1, "capability": 2, "stance": 3}
    return sorted(out, key=lambda d: (order.get(d.kind, 4), d.issue, d.actor))
