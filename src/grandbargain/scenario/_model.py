"""The validated scenario as small frozen objects plus read-only numpy arrays.

Notation used by every model: actors i = 0..n-1 (in `Scenario.actors` order), issues d = 0..m-1
(in `Scenario.issues` order). `positions[i, d]` is on the issue's own scale and NaN where actor i
takes no part in issue d; `saliences[i, d]` is in [0, 1] (0 where no part); `capability[i, d]`
is the actor's capability, or a per-stance override where the source gives one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where the arrays are built: `import` stays cheap
    import numpy as np

_EMPTY: Mapping[str, float] = MappingProxyType({})


def _frozen_map(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


def pick(text: str, text_zh: str, lang: str) -> str:
    """The Traditional Chinese text when asked for and given, else the English one."""
    return text_zh if lang == "zh" and text_zh else text


@dataclass(frozen=True)
class Anchor:
    """A labelled point on an issue's scale."""

    value: float
    label: str
    label_zh: str = ""

    def text(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" and self.label_zh else self.label


@dataclass(frozen=True)
class Issue:
    """One issue: a scale with labelled anchors, a status quo and (for past cases) an outcome."""

    id: str
    name: str
    low: float
    high: float
    name_zh: str = ""
    unit: str = ""
    description: str = ""
    anchors: tuple[Anchor, ...] = ()
    status_quo: float | None = None
    status_quo_note: str = ""
    outcome: float | None = None
    attributes: Mapping[str, str] = field(default_factory=lambda: _frozen_map({}))
    options: tuple[float, ...] = ()
    """Package-deal options stated in the file (sorted); empty: the anchors (deals/)."""
    unit_zh: str = ""
    description_zh: str = ""
    status_quo_note_zh: str = ""

    def unit_text(self, lang: str = "en") -> str:
        return pick(self.unit, self.unit_zh, lang)

    def note_text(self, lang: str = "en") -> str:
        """The status-quo note in `lang`."""
        return pick(self.status_quo_note, self.status_quo_note_zh, lang)

    def description_text(self, lang: str = "en") -> str:
        return pick(self.description, self.description_zh, lang)

    @property
    def width(self) -> float:
        return self.high - self.low

    def text(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name

    def nearest_anchor(self, value: float) -> Anchor | None:
        if not self.anchors or value is None or not math.isfinite(value):
            return None
        return min(self.anchors, key=lambda a: (abs(a.value - value), a.value))


@dataclass(frozen=True)
class Actor:
    """A stakeholder with influence over the outcome."""

    id: str
    name: str
    capability: float
    name_zh: str = ""
    group: str = ""
    description: str = ""
    description_zh: str = ""

    def text(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name

    def description_text(self, lang: str = "en") -> str:
        return pick(self.description, self.description_zh, lang)


@dataclass(frozen=True)
class Stance:
    """What one actor wants on one issue, how much it cares (salience 0-100), and why."""

    actor: str
    issue: str
    position: float
    salience: float
    rationale: str = ""
    low: float | None = None
    high: float | None = None
    capability: float | None = None
    rationale_zh: str = ""

    def rationale_text(self, lang: str = "en") -> str:
        return pick(self.rationale, self.rationale_zh, lang)


@dataclass(frozen=True)
class RedLine:
    """Options a principal rejects outright: below `reject_below` or above `reject_above`."""

    issue: str
    reject_below: float | None = None
    reject_above: float | None = None
    note: str = ""
    note_zh: str = ""

    def note_text(self, lang: str = "en") -> str:
        return pick(self.note, self.note_zh, lang)

    def rejects(self, value: float) -> bool:
        if self.reject_below is not None and value < self.reject_below:
            return True
        return self.reject_above is not None and value > self.reject_above


@dataclass(frozen=True)
class ValueFunction:
    """How a principal values an option on one issue: `linear` loss from its ideal (default),
    `concave` (loss**exponent, exponent < 1 ... > 1 as given) or a `step` at a threshold."""

    kind: str = "linear"
    exponent: float | None = None
    threshold: float | None = None


@dataclass(frozen=True)
class Principal:
    """A party to a package deal (a government), speaking for some of the scenario's actors."""

    id: str
    name: str
    name_zh: str = ""
    actors: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    ideal: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    red_lines: tuple[RedLine, ...] = ()
    value_functions: Mapping[str, ValueFunction] = field(default_factory=lambda: _frozen_map({}))
    strategy: str = ""  # default negotiation strategy (grandbargain.negotiate), "" for none

    def text(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build it with `load_scenario`; models read its arrays."""

    id: str
    title: str
    issues: tuple[Issue, ...]
    actors: tuple[Actor, ...]
    stances: tuple[Stance, ...]
    title_zh: str = ""
    as_of: date | None = None
    description: str = ""
    sources: tuple[str, ...] = ()
    principals: tuple[Principal, ...] = ()
    disagreement: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    source: str = ""
    description_zh: str = ""
    sources_zh: tuple[str, ...] = ()
    """One translation per source, in the same order (empty: none given)."""
    languages: tuple[str, ...] = ()
    """The languages the file declares it is written in (`en`, `zh`); empty: not stated."""

    def text(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def description_text(self, lang: str = "en") -> str:
        return pick(self.description, self.description_zh, lang)

    def sources_text(self, lang: str = "en") -> tuple[str, ...]:
        """The sources in `lang`: each one's translation where given."""
        if lang != "zh" or len(self.sources_zh) != len(self.sources):
            return self.sources
        return tuple(pick(en, zh, lang) for en, zh in zip(self.sources, self.sources_zh,
                                                          strict=True))

    @cached_property
    def issue_index(self) -> Mapping[str, int]:
        return MappingProxyType({issue.id: d for d, issue in enumerate(self.issues)})

    @cached_property
    def actor_index(self) -> Mapping[str, int]:
        return MappingProxyType({actor.id: i for i, actor in enumerate(self.actors)})

    def issue(self, issue_id: str) -> Issue:
        return self.issues[self.issue_index[issue_id]]

    def actor(self, actor_id: str) -> Actor:
        return self.actors[self.actor_index[actor_id]]

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        return self._stance_map.get((actor_id, issue_id))

    @cached_property
    def _stance_map(self) -> Mapping[tuple[str, str], Stance]:
        return MappingProxyType({(s.actor, s.issue): s for s in self.stances})

    def _matrix(self, fill: float, value) -> np.ndarray:
        import numpy as np

        out = np.full((len(self.actors), len(self.issues)), fill, dtype=float)
        for s in self.stances:
            out[self.actor_index[s.actor], self.issue_index[s.issue]] = value(s)
        out.setflags(write=False)
        return out

    @cached_property
    def positions(self) -> np.ndarray:
        """(actors, issues) positions on each issue's scale; NaN where the actor takes no part."""
        return self._matrix(math.nan, lambda s: s.position)

    @cached_property
    def saliences(self) -> np.ndarray:
        """(actors, issues) saliences in [0, 1]; 0 where the actor takes no part."""
        return self._matrix(0.0, lambda s: s.salience / 100.0)

    @cached_property
    def capabilities(self) -> np.ndarray:
        """(actors,) capabilities."""
        import numpy as np

        out = np.array([a.capability for a in self.actors], dtype=float)
        out.setflags(write=False)
        return out

    @cached_property
    def capability_matrix(self) -> np.ndarray:
        """(actors, issues) capability per stance (the actor's unless the stance overrides it)."""
        import numpy as np

        out = np.repeat(self.capabilities[:, None], len(self.issues), axis=1)
        for s in self.stances:
            if s.capability is not None:
                out[self.actor_index[s.actor], self.issue_index[s.issue]] = s.capability
        out.setflags(write=False)
        return out

    @cached_property
    def takes_part(self) -> np.ndarray:
        """(actors, issues) True where the actor has a stance."""
        import numpy as np

        out = ~np.isnan(self.positions)
        out.setflags(write=False)
        return out

    def issue_arrays(self, issue_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions, saliences (0-1) and capabilities of the actors taking part in one issue."""
        d = self.issue_index[issue_id]
        mask = self.takes_part[:, d]
        return (self.positions[mask, d], self.saliences[mask, d], self.capability_matrix[mask, d])

    def participants(self, issue_id: str) -> tuple[Actor, ...]:
        d = self.issue_index[issue_id]
        return tuple(a for a, part in zip(self.actors, self.takes_part[:, d], strict=True) if part)

    def disagreement_point(self, issue_id: str) -> float | None:
        """The deal disagreement value on an issue: the scenario's override, else the status quo."""
        if issue_id in self.disagreement:
            return self.disagreement[issue_id]
        return self.issue(issue_id).status_quo

    # Editing and display for notebooks (grandbargain.api): every edit is validated again.
    def replace(self, **changes: Any) -> Scenario:
        """A copy with fields replaced, checked by the loader's validator (ScenarioError
        naming the field when refused); see `grandbargain.api.replace`."""
        from grandbargain.api._scenario import replace

        return replace(self, **changes)

    def with_stance(self, actor: str, issue: str, **changes: Any) -> Scenario:
        """A copy with one stance changed or added (position, salience, ...), validated
        again; see `grandbargain.api.with_stance`."""
        from grandbargain.api._scenario import with_stance

        return with_stance(self, actor, issue, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as the document `grandbargain show --format json` prints."""
        from grandbargain.api._result import plain
        from grandbargain.scenario._export import scenario_to_document

        return plain(scenario_to_document(self))

    def to_frame(self, values: str | None = "position"):
        """The actors-by-issues table of positions (or `values`: salience, capability, low,
        high); `values=None`: one row per actor and issue (needs pandas)."""
        from grandbargain.api._scenario import scenario_frame

        return scenario_frame(self, values)

    def __repr__(self) -> str:  # the generated one prints every stance (tens of kB)
        as_of = f", as_of={self.as_of.isoformat()}" if self.as_of else ""
        return (f"<Scenario {self.id!r}: {self.title}{as_of}; {len(self.issues)} issues, "
                f"{len(self.actors)} actors, {len(self.stances)} stances, "
                f"{len(self.principals)} principals>")

    def _repr_html_(self) -> str:
        from grandbargain.api._scenario import scenario_html

        return scenario_html(self)

