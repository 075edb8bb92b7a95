"""Scenario events: the `grandbargain-events/1` envelope (timeline/_format) with scenario changes.

A change is a mapping; its keys say what it does (docs/scenario-format.md, "Events"):

- `{issue: I, status_quo: V, status_quo_note: "...", status_quo_note_zh: "..."}`: set an
  issue's status quo.
- `{actor: A, issue: I, position: V, salience: V, low: V, high: V, capability: V,
  rationale: "...", rationale_zh: "..."}`: set any of a stance's fields; `shift: {position:
  +d, ...}` moves them by d. A text set without its `_zh` translation drops the old one.
- `{actor: A, capability: V}` (no issue): set an actor's capability (or `shift: {capability: d}`).
- `{add_stance: {actor, issue, position, salience, ...}}`, `{remove_stance: {actor, issue}}`.
- `{add_actor: {id, name, capability, name_zh, group, description, principal}}`,
  `{remove_actor: A}` (its stances and principal memberships go with it).
- `{note: "...", note_zh: "..."}`: a note for the replay; changes no number.

Reading checks the shapes and keeps each change's location; whether the actor or issue exists is
checked when the events are applied to a scenario (timeline/_apply), again located.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from grandbargain.scenario._errors import Location, ScenarioError
from grandbargain.timeline._format import (
    HEADER_KEYS,
    Checker,
    DatedEvent,
    check_header,
    event_header,
    event_list,
    event_sources_zh,
    in_order,
    kind_of,
)

SHIPPED_HISTORY = "us-china-2025.yaml"
STANCE_NUMBERS = ("position", "salience", "low", "high", "capability")
KINDS = ("status_quo", "stance", "capability", "add_stance", "remove_stance", "add_actor",
         "remove_actor", "note")
_ACTOR_FIELDS = {"id", "name", "name_zh", "group", "capability", "description",
                 "description_zh", "principal"}


@dataclass(frozen=True)
class ScenarioChange:
    """One change to a scenario. `values` are set, `shifts` added; `where` locates it."""

    kind: str
    where: Location
    field: str
    actor: str = ""
    issue: str = ""
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    shifts: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    text: str = ""
    text_zh: str = ""


@dataclass(frozen=True)
class ScenarioEvent(DatedEvent[ScenarioChange]):
    """A dated event that changes a scenario: the shared event fields (timeline/_format), where
    it is in its file, and its note."""

    where: Location = field(kw_only=True)
    note: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class Timeline:
    """A scenario events file: the base scenario it applies to (if named) and its events."""

    id: str
    title: str
    title_zh: str
    as_of: date
    scenario: str  # the base scenario's id or path ("" when the file does not name one)
    events: tuple[ScenarioEvent, ...]  # sorted by date, then file order
    file: str

    def dates(self) -> list[date]:
        return sorted({e.date for e in self.events})

    @property
    def base_source(self) -> str | None:
        """The base scenario to load: the file it names beside the events file when there is
        one, else the name as given (a shipped id); None when the file names none."""
        if not self.scenario:
            return None
        named = Path(self.file).parent / self.scenario
        return str(named) if named.is_file() else self.scenario


def shipped_history() -> Timeline:
    """US-China events from 20 January to 17 July 2025 (public sources only)."""
    text = resources.files("grandbargain.timeline").joinpath("data", SHIPPED_HISTORY).read_text(
        encoding="utf-8")
    return parse_timeline(text, f"grandbargain/timeline/data/{SHIPPED_HISTORY}")


def read_timeline(path: str | Path) -> Timeline:
    """Read a scenario events file, or the shipped history by its id (`us-china-2025`)."""
    name = str(path)
    if not Path(name).exists() and f"{name}.yaml" == SHIPPED_HISTORY:
        return shipped_history()
    from grandbargain.scenario._load import read_text

    return parse_timeline(read_text(Path(name)), name)


def parse_timeline(text: str, file: str) -> Timeline:
    """Parse and check a scenario events document; raises ScenarioError with every problem."""
    from grandbargain.scenario._yaml import parse_yaml

    data, locator = parse_yaml(text, file)
    c = Checker(file, locator)
    top = c.mapping(data, (), HEADER_KEYS | {"scenario"}, ("format", "as_of", "events"))
    if top is None:
        raise ScenarioError(c.problems)
    as_of = check_header(c, top)
    base = c.text(top.get("scenario"), ("scenario",), required=False)
    events = []
    for k, item in enumerate(event_list(c, top)):
        path = ("events", k)
        header = event_header(c, item, path, as_of,
                              lambda raw, where, _when: _change(c, raw, where))
        if header is not None:
            when, title, title_zh, sources, changes, note = header
            events.append(ScenarioEvent(when, title, title_zh, sources, changes, k,
                                        event_sources_zh(c, item, path, len(sources)),
                                        where=_where(c, path), note=note))
    if c.problems:
        raise ScenarioError(c.problems)
    return Timeline(id=str(top.get("id", Path(file).stem)), title=str(top.get("title", "")),
                    title_zh=str(top.get("title_zh", "")), as_of=as_of,  # type: ignore[arg-type]
                    scenario=base, events=in_order(events),
                    file=file)


def _where(c: Checker, path: tuple) -> Location:
    probe = path
    while probe and probe not in c.locator:
        probe = probe[:-1]
    return c.locator.get(probe, Location(c.file))


def _field(path: tuple) -> str:
    return ".".join(map(str, path))


def _numbers(c: Checker, m: dict, path: tuple, names: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for name in names:
        if name in m:
            value = c.real(m[name], (*path, name))
            if value is not None:
                out[name] = value
    return out


def _change(c: Checker, raw: Any, path: tuple) -> ScenarioChange | None:
    if not isinstance(raw, dict):
        c.problem(path, f"expected a mapping, got {kind_of(raw)}")
        return None
    if "layer" in raw:
        c.problem((*path, "layer"), "a tariff layer change belongs in a tariff events file "
                  "(grandbargain tariffs); a scenario change names an issue, an actor or a note")
        return None
    where, name = _where(c, path), _field(path)
    special = [k for k in ("add_stance", "remove_stance", "add_actor", "remove_actor", "note")
               if k in raw]
    if len(special) > 1:
        c.problem(path, f"a change does one thing: got {', '.join(special)}")
        return None
    kind = special[0] if special else (
        "stance" if "actor" in raw and "issue" in raw else
        "capability" if "actor" in raw else "status_quo" if "issue" in raw else "")
    if not kind:
        c.problem(path, "a change needs 'issue' (status quo), 'actor' and 'issue' (a stance), "
                  "'actor' (capability), or one of add_stance, remove_stance, add_actor, "
                  "remove_actor, note")
        return None
    if kind == "note":
        m = c.mapping(raw, path, {"note", "note_zh"}, ("note",))
        return ScenarioChange("note", where, name, text=c.text(m.get("note"), (*path, "note")),
                              text_zh=c.text(m.get("note_zh"), (*path, "note_zh"),
                                             required=False)) if m else None
    if kind == "remove_actor":
        c.mapping(raw, path, {"remove_actor"}, ())
        return ScenarioChange(kind, where, name, actor=c.word(raw["remove_actor"],
                                                              (*path, "remove_actor")))
    if kind == "add_actor":
        c.mapping(raw, path, {"add_actor"}, ())
        sub = (*path, "add_actor")
        m = c.mapping(raw["add_actor"], sub, _ACTOR_FIELDS, ("id", "name", "capability"))
        if m is None:
            return None
        values: dict[str, Any] = {k: c.text(m.get(k), (*sub, k), required=False)
                                  for k in ("name_zh", "group", "description", "description_zh",
                                            "principal")}
        values["name"] = c.text(m.get("name"), (*sub, "name"))
        values["capability"] = c.number(m.get("capability"), (*sub, "capability"), above=True,
                                        what="a capability (a number above 0)")
        return ScenarioChange(kind, where, name, actor=c.word(m.get("id"), (*sub, "id")),
                              values=MappingProxyType(values))
    if kind in ("add_stance", "remove_stance"):
        c.mapping(raw, path, {kind}, ())
        sub = (*path, kind)
        allowed = {"actor", "issue"} | ({*STANCE_NUMBERS, "rationale", "rationale_zh"}
                                        if kind == "add_stance" else set())
        m = c.mapping(raw[kind], sub, allowed, ("actor", "issue") + (
            ("position", "salience") if kind == "add_stance" else ()))
        if m is None:
            return None
        values = _numbers(c, m, sub, STANCE_NUMBERS)
        for key in ("rationale", "rationale_zh"):
            if key in m:
                values[key] = c.text(m[key], (*sub, key))
        return ScenarioChange(kind, where, name, actor=c.word(m.get("actor"), (*sub, "actor")),
                              issue=c.word(m.get("issue"), (*sub, "issue")),
                              values=MappingProxyType(values))
    if kind == "status_quo":
        m = c.mapping(raw, path, {"issue", "status_quo", "status_quo_note",
                                  "status_quo_note_zh"}, ())
        if m is None:
            return None
        values = _numbers(c, m, path, ("status_quo",))
        for key in ("status_quo_note", "status_quo_note_zh"):
            if key in m:  # "" clears the note
                note = m[key]
                if not isinstance(note, str):
                    c.problem((*path, key), f"expected text, got {kind_of(note)}")
                values[key] = note.strip() if isinstance(note, str) else ""
        if "status_quo" not in m and "status_quo_note" not in m:
            c.problem(path, "the change sets nothing: give status_quo or status_quo_note")
        return ScenarioChange(kind, where, name, issue=c.word(m.get("issue"), (*path, "issue")),
                              values=MappingProxyType(values))
    numbers = STANCE_NUMBERS if kind == "stance" else ("capability",)
    allowed = {"actor", "shift", *numbers} | ({"issue", "rationale", "rationale_zh"}
                                             if kind == "stance" else set())
    m = c.mapping(raw, path, allowed, ())
    if m is None:
        return None
    values = _numbers(c, m, path, numbers)
    for key in ("rationale", "rationale_zh"):
        if key in m:
            values[key] = c.text(m[key], (*path, key))
    shifts: dict[str, float] = {}
    if "shift" in m:
        s = c.mapping(m["shift"], (*path, "shift"), set(numbers), ())
        if s is not None:
            shifts = _numbers(c, s, (*path, "shift"), numbers)
            for both in set(shifts) & set(values):
                c.problem((*path, "shift", both), f"{both} is both set and shifted")
    if not values and not shifts:
        c.problem(path, f"the change sets nothing: give one of {', '.join(numbers)}"
                  + (", rationale" if kind == "stance" else "") + " or shift")
    return ScenarioChange(kind, where, name, actor=c.word(m.get("actor"), (*path, "actor")),
                          issue=c.word(m.get("issue"), (*path, "issue")) if kind == "stance"
                          else "", values=MappingProxyType(values),
                          shifts=MappingProxyType(shifts))
