"""The events file envelope shared by tariff stacks (trade/) and scenario timelines (timeline/).

Format `grandbargain-events/1` (YAML): top-level `format`, `as_of`, optional `id`, `title`,
`title_zh`, `description`; `events`, each with `date`, `title`, `title_zh`, `sources` (at least
one), optional `note`, and a non-empty list of `changes`. What a change may say belongs to its
reader (tariff layers in trade/, scenario changes in timeline/); the header, the checks and the
located problems (file, line, column, field) are defined once, here, and so is what every dated
event holds (`DatedEvent`, which each reader extends with its own fields).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from grandbargain.scenario._errors import Location, Problem

FORMAT = "grandbargain-events/1"
HEADER_KEYS = frozenset({"format", "id", "title", "title_zh", "as_of", "description", "events"})
EVENT_KEYS = frozenset({"date", "title", "title_zh", "sources", "sources_zh", "changes",
                        "note"})

ChangeT = TypeVar("ChangeT")
EventT = TypeVar("EventT", bound="DatedEvent")


@dataclass(frozen=True)
class DatedEvent(Generic[ChangeT]):
    """One event of a `grandbargain-events/1` file: when it was announced, its title, sources
    and changes (what a change is belongs to the reader). A reader's own fields follow these
    (keyword-only where they have no default)."""

    date: date
    title: str
    title_zh: str
    sources: tuple[str, ...]
    changes: tuple[ChangeT, ...]
    index: int  # position in the file: breaks ties between events of the same date
    sources_zh: tuple[str, ...] = ()  # one translation per source (empty: not given)

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def sources_in(self, lang: str) -> tuple[str, ...]:
        return self.sources_zh if lang == "zh" and self.sources_zh else self.sources


def in_order(events: Iterable[EventT]) -> tuple[EventT, ...]:
    """Events by date, then by their place in the file."""
    return tuple(sorted(events, key=lambda e: (e.date, e.index)))


class Checker:
    """Collects located problems while a document is read (never stops at the first)."""

    def __init__(self, file: str, locator: dict[tuple, Location]):
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        probe = path
        while probe and probe not in self.locator:
            probe = probe[:-1]
        location = self.locator.get(probe, Location(self.file))
        self.problems.append(Problem(location, ".".join(map(str, path)), message))

    def mapping(self, value: Any, path: tuple, allowed: set[str] | frozenset[str],
                required: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {kind_of(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem((*path, key), f"unknown key {key!r} (allowed: "
                             f"{', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                self.problem(path, f"missing {key!r}")
        return value

    def text(self, value: Any, path: tuple, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected text, got {kind_of(value)}")
            return ""
        return value.strip()

    def word(self, value: Any, path: tuple) -> str:
        text = self.text(value, path)
        if text and not all(c.isalnum() or c in "_-." for c in text):
            self.problem(path, f"an id uses letters, digits, '_', '-', '.': got {text!r}")
        return text

    def day(self, value: Any, path: tuple) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(path, f"expected a date YYYY-MM-DD, got {value!r}")
        return None

    def number(self, value: Any, path: tuple, *, low: float = 0.0, above: bool = False,
               what: str = "a number (percent)") -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"expected {what}, got {kind_of(value)}")
            return None
        if not math.isfinite(value) or value < low or (above and value == low):
            bound = f"above {low:g}" if above else f"at least {low:g}"
            self.problem(path, f"must be a finite number {bound}, got {value}")
            return None
        return float(value)

    def real(self, value: Any, path: tuple, what: str = "a number") -> float | None:
        """Any finite number (signed)."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            self.problem(path, f"expected {what}, got {kind_of(value)}")
            return None
        return float(value)


def check_header(c: Checker, top: dict) -> date | None:
    """Check `format` and `as_of`; returns as_of (None when missing or bad)."""
    if "format" in top and top["format"] != FORMAT:
        c.problem(("format",), f"expected {FORMAT!r}, got {top['format']!r}")
    return c.day(top.get("as_of"), ("as_of",)) if "as_of" in top else None


def event_list(c: Checker, top: dict) -> list:
    raw = top.get("events", [])
    if not isinstance(raw, list):
        c.problem(("events",), f"expected a list, got {kind_of(raw)}")
        return []
    return raw


def event_header(c: Checker, item: Any, path: tuple, as_of: date | None,
                 read_change: Callable[[Any, tuple, date | None], Any]
                 ) -> tuple[date, str, str, tuple[str, ...], tuple, str] | None:
    """One event's date, title, title_zh, sources, changes (each read by `read_change(raw,
    path, event_date)`, None dropped) and note; None when the event cannot be used."""
    m = c.mapping(item, path, EVENT_KEYS, ("date", "title", "sources", "changes"))
    if m is None:
        return None
    when = c.day(m.get("date"), (*path, "date")) if "date" in m else None
    if when is not None and as_of is not None and when > as_of:
        c.problem((*path, "date"), f"event dated {when} is after the file's as_of {as_of}: "
                  "a file holds only what was public by its as_of date")
    sources = m.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.strip() for s in sources):
        c.problem((*path, "sources"), "expected a non-empty list of sources (text)")
        sources = []
    raw_changes = m.get("changes")
    if not isinstance(raw_changes, list) or not raw_changes:
        c.problem((*path, "changes"), "expected a non-empty list of changes")
        raw_changes = []
    changes = []
    for j, raw in enumerate(raw_changes):
        change = read_change(raw, (*path, "changes", j), when)
        if change is not None:
            changes.append(change)
    title = c.text(m.get("title"), (*path, "title"))
    title_zh = c.text(m.get("title_zh"), (*path, "title_zh"), required=False)
    note = c.text(m.get("note"), (*path, "note"), required=False)
    if when is None:
        return None
    return when, title, title_zh, tuple(s.strip() for s in sources), tuple(changes), note


def event_sources_zh(c: Checker, item: dict, path: tuple, count: int) -> tuple[str, ...]:
    """An event's `sources_zh`: one translation per source, in the same order."""
    raw = item.get("sources_zh")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        c.problem((*path, "sources_zh"), "expected a list of sources (text)")
        return ()
    if len(raw) != count:
        c.problem((*path, "sources_zh"), f"{len(raw)} translations for {count} sources: give "
                  "one per source, in the same order")
        return ()
    return tuple(s.strip() for s in raw)


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"{value!r}"
    return type(value).__name__ if not isinstance(value, int | float) else repr(value)
