"""The scenario file format as pydantic models: what a file may say, checked at the edge.

`validate_document` turns a plain dict (from YAML or any reader) into a frozen `Scenario`, or
raises `ScenarioError` listing every problem with its file, line, column and field. pydantic is
imported with this module: `_load` imports it only when a file is validated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grandbargain.scenario._errors import Location, Problem, ScenarioError, locate
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

Path = tuple[Any, ...]
Locator = Mapping[Path, Location]

Id = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100,
          description="Letters, digits, '_', '.', '-'; starts with a letter or digit."),
]
Number = Annotated[float, Field(allow_inf_nan=False)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AnchorDoc(_Doc):
    value: Number
    label: str = Field(min_length=1)
    label_zh: str = ""


class ScaleDoc(_Doc):
    min: Number
    max: Number
    unit: str = ""
    unit_zh: str = ""


class OptionGridDoc(_Doc):
    """Deal options every `step` along the scale, from its min (max included)."""

    step: Annotated[Number, Field(gt=0)]


class IssueDoc(_Doc):
    id: Id
    name: str = Field(min_length=1)
    name_zh: str = ""
    description: str = ""
    description_zh: str = ""
    scale: ScaleDoc
    anchors: list[AnchorDoc] = []
    status_quo: Number | None = None
    status_quo_note: str = ""
    status_quo_note_zh: str = ""
    outcome: Number | None = Field(None, description="Known outcome, for past cases.")
    attributes: dict[str, str] = {}
    options: list[Number] | OptionGridDoc | None = Field(
        None, description="Package-deal options on this issue: a list of scale values, or "
        "{step: x} for a grid. Default: the anchors. The status quo and the disagreement value "
        "are always options too.")


class ActorDoc(_Doc):
    id: Id
    name: str = Field(min_length=1)
    name_zh: str = ""
    group: str = ""
    capability: Annotated[Number, Field(gt=0)]
    description: str = ""
    description_zh: str = ""


class StanceDoc(_Doc):
    position: Number
    salience: Annotated[Number, Field(ge=0, le=100)]
    rationale: str = ""
    rationale_zh: str = ""
    low: Number | None = Field(None, description="Lowest plausible position (uncertainty).")
    high: Number | None = Field(None, description="Highest plausible position (uncertainty).")
    capability: Annotated[Number, Field(gt=0)] | None = Field(
        None, description="Capability on this issue only, where it differs from the actor's.")


class RedLineDoc(_Doc):
    reject_below: Number | None = None
    reject_above: Number | None = None
    note: str = ""
    note_zh: str = ""


class ValueFunctionDoc(_Doc):
    kind: Literal["linear", "concave", "step"] = "linear"
    exponent: Annotated[Number, Field(gt=0)] | None = None
    threshold: Number | None = None


class PrincipalDoc(_Doc):
    id: Id
    name: str = Field(min_length=1)
    name_zh: str = ""
    actors: list[Id] = []
    weights: dict[str, Annotated[Number, Field(ge=0)]] = {}
    ideal: dict[str, Number] = {}
    red_lines: dict[str, RedLineDoc] = {}
    value_functions: dict[str, ValueFunctionDoc] = {}
    strategy: str = Field("", description="Default negotiation strategy for `grandbargain "
                          "negotiate`, e.g. conceder, boulware, time:0.5, tit-for-tat, "
                          "boulware+const:0.7.")


# The strategy names `grandbargain.negotiate.parse_strategy` reads (tests keep the two in step).
_NUM = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
STRATEGY_PATTERN = re.compile(
    rf"^(?:boulware|linear|conceder|hardliner|tit-for-tat|best-response(?::{_NUM})?"
    rf"|time:{_NUM})(?:\+(?:next|const:{_NUM}|time:{_NUM}))?$")
STRATEGY_NAMES = ("boulware, linear, conceder, time:E, hardliner, tit-for-tat, "
                  "best-response[:E], each optionally +next, +const:U or +time:T")


class MetaDoc(_Doc):
    id: Id
    title: str = Field(min_length=1)
    title_zh: str = ""
    as_of: date | None = None
    languages: list[Literal["en", "zh"]] = Field(
        [], description="The languages the file is written in; with both, `check` warns about "
        "every text that lacks its `_zh` translation.")
    description: str = ""
    description_zh: str = ""
    sources: list[str] = []
    sources_zh: list[str] = Field(
        [], description="The sources in Traditional Chinese: one per source, in the same order.")


class ScenarioDoc(_Doc):
    """A grandbargain scenario file (format version 1)."""

    format_version: Literal[1] = 1
    extends: str | None = Field(
        None, description="A shipped scenario id or a path (relative to this file) to start from.")
    scenario: MetaDoc
    issues: list[IssueDoc] = Field(min_length=1)
    actors: list[ActorDoc] = Field(min_length=1)
    stances: dict[str, dict[str, StanceDoc]] = {}
    principals: list[PrincipalDoc] = []
    disagreement: dict[str, Number] = Field(
        {}, description="Deal disagreement point per issue where it is not the status quo.")


# pydantic's error types, as the problems' kinds (the others keep pydantic's name)
_KINDS = {"extra_forbidden": "unknown_field", "greater_than_equal": "below_minimum",
          "less_than_equal": "above_maximum", "greater_than": "not_above",
          "less_than": "not_below", "float_type": "not_a_number",
          "float_parsing": "not_a_number", "finite_number": "not_finite"}
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "above", "lt": "below"}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _pydantic_kind(err: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The problem's kind and its details (the value given, the bound it breaks)."""
    details: dict[str, Any] = {}
    if "input" in err and err["type"] != "missing" and _scalar(err["input"]):
        details["value"] = err["input"]
    for name, value in (err.get("ctx") or {}).items():
        if _scalar(value):
            details[_BOUNDS.get(name, name)] = value
    if err["type"] == "missing":
        details["name"] = str(err["loc"][-1])
    return _KINDS.get(err["type"], err["type"]), details


class _Found(tuple):
    """One problem the semantic checks found: (path, message, kind, details)."""

    def __new__(cls, path: Path, message: str, kind: str, **details: Any) -> _Found:
        return super().__new__(cls, (path, message, kind, details))


def _field_name(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return f"missing required field '{err['loc'][-1]}'"
    if kind == "extra_forbidden":
        return f"unknown field '{err['loc'][-1]}'"
    text = err["msg"]
    if "input" in err and kind not in ("missing",):
        shown = repr(err["input"])
        if len(shown) > 60:
            shown = shown[:57] + "..."
        text += f" (got {shown})"
    return text


def _clean_loc(loc: tuple) -> Path:
    # pydantic adds the tried type's name to union locations ("float", "none"...); drop those.
    return tuple(p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS))


_UNION_TAGS = {"float", "none", "int", "str", "date", "constrained-float"}


def _in_scale(value: float, issue: IssueDoc) -> bool:
    return issue.scale.min <= value <= issue.scale.max


MAX_GRID = 1000


def _grid_size(issue: IssueDoc) -> int:
    assert isinstance(issue.options, OptionGridDoc)
    return int((issue.scale.max - issue.scale.min) // issue.options.step) + 2


def _option_values(issue: IssueDoc) -> tuple[float, ...]:
    """The issue's explicit deal options, sorted and without repeats (empty: the anchors)."""
    if issue.options is None:
        return ()
    if isinstance(issue.options, OptionGridDoc):
        low, high, step = issue.scale.min, issue.scale.max, issue.options.step
        values = [min(float(f"{low + j * step:.12g}"), high)
                  for j in range(int((high - low) // step) + 1)] + [high]
    else:
        values = list(issue.options)
    return tuple(sorted(set(values)))


MAX_MAGNITUDE = 1e12
"""The largest capability, principal weight or scale end accepted (D-007): beyond it the models'
products of capabilities, saliences and distances overflow float64."""


def _magnitude_problem(name: str, value: float, relative: bool) -> str | None:
    """Why a value is out of the accepted magnitudes, or None. `relative` values (capabilities)
    must also not be tiny: only their ratios matter, so they can always be rescaled."""
    if abs(value) > MAX_MAGNITUDE:
        bound, limit, which = "above", MAX_MAGNITUDE, "largest"
    elif relative and 0 < value < 1 / MAX_MAGNITUDE:
        bound, limit, which = "below", 1 / MAX_MAGNITUDE, "smallest"
    else:
        return None
    hint = ("only their ratios matter: multiply or divide them all by one factor" if relative
            else "state the scale in other units (e.g. billions)")
    return f"{name} {value:g} is {bound} {limit:g}, the {which} accepted; {hint}"


def _magnitude_problems(doc: ScenarioDoc) -> list[_Found]:
    out: list[_Found] = []
    for k, issue in enumerate(doc.issues):
        for end in ("min", "max"):
            value = getattr(issue.scale, end)
            message = _magnitude_problem(f"scale {end}", value, False)
            if message:
                out.append(_Found(("issues", k, "scale", end), message, "magnitude",
                                  name=f"scale {end}", value=value, limit=MAX_MAGNITUDE))
    for k, actor in enumerate(doc.actors):
        message = _magnitude_problem("capability", actor.capability, True)
        if message:
            out.append(_Found(("actors", k, "capability"), message, "magnitude",
                              name="capability", value=actor.capability, limit=MAX_MAGNITUDE))
    for actor_id, row in doc.stances.items():
        for issue_id, stance in row.items():
            if stance.capability is not None:
                message = _magnitude_problem("capability", stance.capability, True)
                if message:
                    out.append(_Found(("stances", actor_id, issue_id, "capability"), message,
                                      "magnitude", name="capability", value=stance.capability,
                                      limit=MAX_MAGNITUDE))
    for k, principal in enumerate(doc.principals):
        for issue_id, weight in principal.weights.items():
            message = _magnitude_problem("weight", weight, True)
            if message:
                out.append(_Found(("principals", k, "weights", issue_id), message, "magnitude",
                                  name="weight", value=weight, limit=MAX_MAGNITUDE))
    return out


def _semantic_problems(doc: ScenarioDoc) -> list[_Found]:
    out: list[_Found] = _magnitude_problems(doc)
    issues: dict[str, IssueDoc] = {}
    for k, issue in enumerate(doc.issues):
        if issue.id in issues:
            out.append(_Found(("issues", k, "id"), f"duplicate issue id '{issue.id}'",
                              "duplicate_id", what="issue", id=issue.id))
        issues[issue.id] = issue
        if not issue.scale.min < issue.scale.max:
            out.append(_Found(("issues", k, "scale"),
                              f"scale min ({issue.scale.min:g}) must be below max "
                              f"({issue.scale.max:g})", "scale_order",
                              min=issue.scale.min, max=issue.scale.max))
            continue
        for a, anchor in enumerate(issue.anchors):
            if not _in_scale(anchor.value, issue):
                out.append(_Found(("issues", k, "anchors", a, "value"),
                                  f"anchor {anchor.value:g} is outside the scale "
                                  f"{issue.scale.min:g}-{issue.scale.max:g}", "outside_scale",
                                  name="anchor", value=anchor.value, min=issue.scale.min,
                                  max=issue.scale.max, issue=issue.id))
        if isinstance(issue.options, list):
            for o, value in enumerate(issue.options):
                if not _in_scale(value, issue):
                    out.append(_Found(("issues", k, "options", o), f"option {value:g} is "
                                      f"outside the scale {issue.scale.min:g}-"
                                      f"{issue.scale.max:g}", "outside_scale", name="option",
                                      value=value, min=issue.scale.min, max=issue.scale.max,
                                      issue=issue.id))
        elif issue.options is not None and _grid_size(issue) > MAX_GRID:
            out.append(_Found(("issues", k, "options", "step"),
                              f"step {issue.options.step:g} makes {_grid_size(issue):,} options "
                              f"on a scale of width {issue.scale.max - issue.scale.min:g}; the "
                              f"limit is {MAX_GRID}", "too_many_options",
                              step=issue.options.step, count=_grid_size(issue), limit=MAX_GRID))
        for name in ("status_quo", "outcome"):
            value = getattr(issue, name)
            if value is not None and not _in_scale(value, issue):
                out.append(_Found(("issues", k, name), f"{name} {value:g} is outside the "
                                  f"scale {issue.scale.min:g}-{issue.scale.max:g}",
                                  "outside_scale", name=name, value=value, min=issue.scale.min,
                                  max=issue.scale.max, issue=issue.id))
    actor_ids: set[str] = set()
    for k, actor in enumerate(doc.actors):
        if actor.id in actor_ids:
            out.append(_Found(("actors", k, "id"), f"duplicate actor id '{actor.id}'",
                              "duplicate_id", what="actor", id=actor.id))
        actor_ids.add(actor.id)
    scale_of = {i.id: (i.scale.min, i.scale.max) for i in issues.values()
                if i.scale.min < i.scale.max}
    for actor_id, row in doc.stances.items():
        if actor_id not in actor_ids:
            out.append(_Found(("stances", actor_id), f"unknown actor '{actor_id}' (not in "
                              "actors)", "unknown_actor", id=actor_id))
        for issue_id, stance in row.items():
            scale_ends = scale_of.get(issue_id)
            if scale_ends is not None and stance.low is None and stance.high is None and \
                    scale_ends[0] <= stance.position <= scale_ends[1]:
                continue  # the common case, checked without building messages
            path = ("stances", actor_id, issue_id)
            issue = issues.get(issue_id)
            if issue is None:
                out.append(_Found(path, f"unknown issue '{issue_id}' (not in issues)",
                                  "unknown_issue", id=issue_id))
                continue
            if not issue.scale.min < issue.scale.max:
                continue
            scale = f"{issue.scale.min:g}-{issue.scale.max:g}"
            for name in ("position", "low", "high"):
                value = getattr(stance, name)
                if value is not None and not _in_scale(value, issue):
                    out.append(_Found((*path, name), f"{name} {value:g} is outside the scale "
                                      f"{scale} of issue '{issue_id}'", "outside_scale",
                                      name=name, value=value, min=issue.scale.min,
                                      max=issue.scale.max, issue=issue_id))
            if stance.low is not None and stance.low > stance.position:
                out.append(_Found((*path, "low"), f"low {stance.low:g} is above the position "
                                  f"{stance.position:g}", "low_above_position",
                                  low=stance.low, position=stance.position))
            if stance.high is not None and stance.high < stance.position:
                out.append(_Found((*path, "high"), f"high {stance.high:g} is below the "
                                  f"position {stance.position:g}", "high_below_position",
                                  high=stance.high, position=stance.position))
    principal_ids: set[str] = set()
    for k, principal in enumerate(doc.principals):
        base = ("principals", k)
        if principal.id in principal_ids:
            out.append(_Found((*base, "id"), f"duplicate principal id '{principal.id}'",
                              "duplicate_id", what="principal", id=principal.id))
        principal_ids.add(principal.id)
        for a, actor_id in enumerate(principal.actors):
            if actor_id not in actor_ids:
                out.append(_Found((*base, "actors", a), f"unknown actor '{actor_id}'",
                                  "unknown_actor", id=actor_id))
        for name in ("weights", "ideal", "red_lines", "value_functions"):
            for issue_id in getattr(principal, name):
                if issue_id not in issues:
                    out.append(_Found((*base, name, issue_id), f"unknown issue '{issue_id}'",
                                      "unknown_issue", id=issue_id))
        for issue_id, value in principal.ideal.items():
            if issue_id in issues and not _in_scale(value, issues[issue_id]):
                scale = issues[issue_id].scale
                out.append(_Found((*base, "ideal", issue_id), f"ideal {value:g} is outside the "
                                  "scale", "outside_scale", name="ideal", value=value,
                                  min=scale.min, max=scale.max, issue=issue_id))
        for issue_id, line in principal.red_lines.items():
            if line.reject_below is None and line.reject_above is None:
                out.append(_Found((*base, "red_lines", issue_id),
                                  "a red line needs reject_below or reject_above",
                                  "red_line_empty"))
        for issue_id, vf in principal.value_functions.items():
            if vf.kind == "step" and vf.threshold is None:
                out.append(_Found((*base, "value_functions", issue_id),
                                  "a step value function needs a threshold",
                                  "threshold_missing"))
        if principal.strategy and not STRATEGY_PATTERN.match(principal.strategy.strip().lower()):
            out.append(_Found((*base, "strategy"), f"unknown strategy '{principal.strategy}' "
                              f"(known: {STRATEGY_NAMES})", "unknown_strategy",
                              strategy=principal.strategy))
    meta = doc.scenario
    if meta.sources_zh and len(meta.sources_zh) != len(meta.sources):
        out.append(_Found(("scenario", "sources_zh"), f"{len(meta.sources_zh)} translations "
                          f"for {len(meta.sources)} sources: give one per source, in the same "
                          "order", "translation_count", translations=len(meta.sources_zh),
                          sources=len(meta.sources)))
    for issue_id, value in doc.disagreement.items():
        if issue_id not in issues:
            out.append(_Found(("disagreement", issue_id), f"unknown issue '{issue_id}'",
                              "unknown_issue", id=issue_id))
        elif not _in_scale(value, issues[issue_id]):
            scale = issues[issue_id].scale
            out.append(_Found(("disagreement", issue_id), f"{value:g} is outside the scale",
                              "outside_scale", name="disagreement", value=value,
                              min=scale.min, max=scale.max, issue=issue_id))
    return out


def _to_scenario(doc: ScenarioDoc, source: str) -> Scenario:
    meta = doc.scenario
    issues = tuple(
        Issue(
            id=i.id, name=i.name, name_zh=i.name_zh, low=i.scale.min, high=i.scale.max,
            unit=i.scale.unit, unit_zh=i.scale.unit_zh, description=i.description,
            description_zh=i.description_zh, status_quo_note_zh=i.status_quo_note_zh,
            anchors=tuple(sorted((Anchor(a.value, a.label, a.label_zh) for a in i.anchors),
                                 key=lambda a: a.value)),
            status_quo=i.status_quo, status_quo_note=i.status_quo_note, outcome=i.outcome,
            attributes=dict(i.attributes), options=_option_values(i),
        )
        for i in doc.issues
    )
    actors = tuple(
        Actor(id=a.id, name=a.name, name_zh=a.name_zh, group=a.group, capability=a.capability,
              description=a.description, description_zh=a.description_zh)
        for a in doc.actors
    )
    stances = tuple(
        Stance(actor=actor_id, issue=issue_id, position=s.position, salience=s.salience,
               rationale=s.rationale, rationale_zh=s.rationale_zh, low=s.low, high=s.high,
               capability=s.capability)
        for actor_id, row in doc.stances.items()
        for issue_id, s in row.items()
    )
    principals = tuple(
        Principal(
            id=p.id, name=p.name, name_zh=p.name_zh, actors=tuple(p.actors),
            weights=dict(p.weights), ideal=dict(p.ideal),
            red_lines=tuple(RedLine(issue, r.reject_below, r.reject_above, r.note, r.note_zh)
                            for issue, r in p.red_lines.items()),
            value_functions={k: ValueFunction(v.kind, v.exponent, v.threshold)
                             for k, v in p.value_functions.items()},
            strategy=p.strategy.strip().lower(),
        )
        for p in doc.principals
    )
    return Scenario(
        id=meta.id, title=meta.title, title_zh=meta.title_zh, as_of=meta.as_of,
        description=meta.description, description_zh=meta.description_zh,
        sources=tuple(meta.sources), sources_zh=tuple(meta.sources_zh),
        languages=tuple(meta.languages), issues=issues, actors=actors,
        stances=stances, principals=principals, disagreement=dict(doc.disagreement), source=source,
    )


def validate_document(data: Any, locator: Locator, source: str) -> Scenario:
    """Check a plain document against the format and build the frozen scenario."""
    if not isinstance(data, Mapping):
        raise ScenarioError.single(source, "the file must hold a mapping (key: value pairs) at "
                                   f"the top level, not {type(data).__name__}", line=1)
    try:
        doc = ScenarioDoc.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = _clean_loc(err["loc"])
            kind, details = _pydantic_kind(err)
            problems.append(Problem(locate(locator, path, source), _field_name(path),
                                    _pydantic_message(err), kind, details))
        raise ScenarioError(problems) from None
    semantic = _semantic_problems(doc)
    if semantic:
        raise ScenarioError([Problem(locate(locator, path, source), _field_name(path), message,
                                     kind, details)
                             for path, message, kind, details in semantic])
    return _to_scenario(doc, source)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (for editors' completion and checks)."""
    schema = ScenarioDoc.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grandbargain scenario"
    from grandbargain.timeline._schema import events_json_schema  # the events file (TL-01)

    schema.setdefault("$defs", {})["EventsFile"] = events_json_schema()
    return schema

