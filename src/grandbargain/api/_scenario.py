"""Scenarios in code: load one (file, shipped id, events up to a date), list the shipped ones,
build one from frozen parts, and edit one; every built or edited scenario goes through the
loader's own validator, so it obeys every rule a scenario file does."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from grandbargain.api._result import Result, html_table, require_pandas
from grandbargain.scenario import (
    Actor,
    Issue,
    Principal,
    Scenario,
    ScenarioError,
    Stance,
    builtin_scenarios,
    load_scenario,
    scenario_to_document,
)

SourceLike = str | os.PathLike[str] | Scenario | None

_STANCE_FIELDS = ("position", "salience", "rationale", "low", "high", "capability")


def load(source: SourceLike = None, *, input_format: str | None = None,
         scale: str | tuple[float, float] | None = None,
         capabilities: str | os.PathLike[str] | None = None,
         capability_column: str | None = None, institutions: str | None = None,
         events: str | os.PathLike[str] | None = None,
         as_of: str | date | None = None) -> Scenario:
    """A scenario from a file (YAML, BDM CSV/TSV, KTAB, Decide, DEU) or a shipped id.

    The options are the command line's (`--input-format`, `--scale`, `--capabilities`,
    `--capability-column`, `--institutions`, `--events`, `--as-of`); bad input raises
    `ScenarioError` listing every problem with its file, line and field.

    >>> import grandbargain as gb
    >>> s = gb.load("us-china-2025-07")
    >>> s.id, len(s.issues), s.as_of.isoformat()
    ('us-china-2025-07', 11, '2025-07-17')
    >>> gb.load("us-china-2025-01", events="us-china-2025", as_of="2025-05-12").as_of
    datetime.date(2025, 5, 12)
    >>> gb.load("no-such-case")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    grandbargain.scenario._errors.ScenarioError: no-such-case: no such file, ...
    """
    if isinstance(source, Scenario):
        if any(v is not None for v in (input_format, scale, capabilities, capability_column,
                                       institutions)):
            raise ScenarioError.single("source", "loading options apply to files, not to a "
                                       "Scenario already loaded")
        scenario = source
    elif any(v is not None for v in (scale, capabilities, capability_column, institutions)):
        from grandbargain.cli._common import load_checked  # the command line's own loader

        if isinstance(scale, tuple):
            scale = ",".join(str(float(v)) for v in scale)
        scenario = load_checked(None if source is None else os.fspath(source), input_format,
                                scale, None if capabilities is None else Path(capabilities),
                                capability_column, institutions)
    elif events is not None and source is None:
        scenario = None  # the events file names its base scenario
    else:
        scenario = load_scenario(source, format=input_format)
    if events is None:
        if as_of is not None:
            raise ScenarioError.single("as_of", "needs events (the file whose events lead to "
                                       "that date)")
        return scenario
    return _as_of(scenario, events, as_of)


def _as_of(scenario: Scenario | None, events, as_of) -> Scenario:
    """The base scenario (given, else the one the events file names) with the events up to
    the date applied, as `--events/--as-of` do."""
    from grandbargain.timeline import read_timeline, scenario_as_of

    day = as_of
    if isinstance(as_of, str):
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError:
            raise ScenarioError.single("as_of", f"expected a date YYYY-MM-DD, got "
                                       f"{as_of!r}") from None
    timeline = read_timeline(os.fspath(events))
    if scenario is None:
        scenario = load_scenario(timeline.base_source)
    return scenario_as_of(scenario, timeline, day)


class ScenarioList(Result):
    """The shipped scenarios: one row per scenario (id, title, as_of, issues, actors).

    >>> import grandbargain as gb
    >>> "us-china-2025-07" in gb.scenarios().to_frame()["id"].tolist()
    True
    """

    command = "grandbargain scenarios --format json"

    def rows(self):
        header = ["id", "title", "as_of", "issues", "actors"]
        return header, [[r[k] for k in header] for r in self._document]

    @property
    def bottom_line(self) -> list[str]:
        return [f"{len(self._document)} shipped scenarios"]


def scenarios(*, lang: str = "en") -> ScenarioList:
    """The scenarios shipped with grandbargain (`grandbargain scenarios`).

    >>> import grandbargain as gb
    >>> [s["id"] for s in gb.scenarios().to_dict()][-2:]
    ['us-china-2025-01', 'us-china-2025-07']
    """
    out = []
    for name in builtin_scenarios():
        s = load_scenario(name)
        out.append({"id": name, "title": s.text(lang),
                    "as_of": s.as_of.isoformat() if s.as_of else "",
                    "issues": len(s.issues), "actors": len(s.actors)})
    return ScenarioList(out, lang)


def validated(document: Mapping[str, Any], source: str) -> Scenario:
    """A plain scenario document through the loader's validator (ScenarioError if refused)."""
    from grandbargain.scenario._schema import validate_document

    return validate_document(dict(document), {}, source)


def make_scenario(*, id: str, title: str, issues: Iterable[Issue], actors: Iterable[Actor],
                  stances: Iterable[Stance], principals: Iterable[Principal] = (),
                  **more: Any) -> Scenario:
    """A scenario built in code from the frozen parts (`Issue`, `Actor`, `Stance`, ...),
    checked by the same validator as a scenario file; `more` takes the other `Scenario`
    fields (title_zh, as_of, description, sources, disagreement).

    >>> import grandbargain as gb
    >>> s = gb.make_scenario(
    ...     id="toy", title="A toy bargain",
    ...     issues=[gb.Issue("tariff", "Tariff", 0, 100, status_quo=50)],
    ...     actors=[gb.Actor("a", "A", 1.0), gb.Actor("b", "B", 2.0)],
    ...     stances=[gb.Stance("a", "tariff", 20, 80), gb.Stance("b", "tariff", 70, 60)])
    >>> gb.forecast(s, models=["compromise"], bottom_line=False).to_dict()[
    ...     "issues"][0]["forecasts"]["compromise"]
    50.0
    >>> try:
    ...     gb.make_scenario(id="bad", title="Bad", issues=[gb.Issue("t", "T", 0, 10)],
    ...                      actors=[gb.Actor("a", "A", 1.0)],
    ...                      stances=[gb.Stance("a", "t", 20, 50)])
    ... except gb.ScenarioError as exc:
    ...     print(exc.problems[0].field)
    stances.a.t.position
    """
    draft = Scenario(id=id, title=title, issues=tuple(issues), actors=tuple(actors),
                     stances=tuple(stances), principals=tuple(principals), **more)
    return validated(scenario_to_document(draft), f"{id} (built in Python)")


def replace(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of the scenario with fields replaced (like `dataclasses.replace`), validated
    again as a scenario file is: bad values raise ScenarioError naming the field.

    >>> import grandbargain as gb
    >>> s = gb.load()
    >>> s.replace(title="What if").title
    'What if'
    """
    import dataclasses

    draft = dataclasses.replace(scenario, **changes)
    return validated(scenario_to_document(draft), f"{scenario.id} (edited in Python)")


def with_stance(scenario: Scenario, actor: str, issue: str, **changes: Any) -> Scenario:
    """A copy with one actor's stance on one issue changed (position, salience, rationale,
    low, high, capability), or added when the actor had none; validated again.

    >>> import grandbargain as gb
    >>> s = gb.load().with_stance("us_hawks", "ai_chip_exports", position=60)
    >>> s.stance("us_hawks", "ai_chip_exports").position
    60.0
    >>> try:
    ...     gb.load().with_stance("us_hawks", "ai_chip_exports", position=160)
    ... except gb.ScenarioError as exc:
    ...     print(exc.problems[0].field)
    stances.us_hawks.ai_chip_exports.position
    """
    unknown = sorted(set(changes) - set(_STANCE_FIELDS))
    if unknown:
        raise ScenarioError.single(f"{scenario.id} (edited in Python)", f"a stance has no "
                                   f"field {', '.join(unknown)} (fields: "
                                   f"{', '.join(_STANCE_FIELDS)})", field=unknown[0])
    document = scenario_to_document(scenario)
    stances = document.setdefault("stances", {})
    stance = stances.setdefault(actor, {}).setdefault(issue, {})
    stance.update(changes)
    return validated(document, f"{scenario.id} (edited in Python)")


def _stance_rows(scenario: Scenario) -> tuple[list[str], list[list[Any]]]:
    """The rows `grandbargain show --format csv` prints: one per actor and issue."""
    header = ["actor", "issue", "position", "salience", "capability", "low", "high",
              "rationale"]
    rows = [[st.actor, st.issue, st.position, st.salience,
             st.capability if st.capability is not None else scenario.actor(st.actor).capability,
             st.low, st.high, st.rationale] for st in scenario.stances]
    return header, rows


def scenario_frame(scenario: Scenario, values: str | None = "position"):
    """The actors-by-issues table of one stance field (`values`: position, salience,
    capability, low or high), actors as rows; `values=None`: the tidy table, one row per
    actor and issue (as `grandbargain show --format csv`)."""
    pandas = require_pandas()
    header, rows = _stance_rows(scenario)
    tidy = pandas.DataFrame(rows, columns=header)
    if values is None:
        return tidy
    if values not in header[2:7]:
        raise ValueError(f"values must be one of {', '.join(header[2:7])} or None, "
                         f"not {values!r}")
    wide = tidy.pivot(index="actor", columns="issue", values=values)
    return wide.reindex(index=[a.id for a in scenario.actors],
                        columns=[i.id for i in scenario.issues])


def scenario_html(scenario: Scenario) -> str:
    """Title first, then the issues-by-actors table of position/salience (as `show`)."""
    title = scenario.title + (f" (as of {scenario.as_of.isoformat()})" if scenario.as_of
                              else "")
    header = ["issue", "status quo", *(a.id for a in scenario.actors)]
    rows = []
    for issue in scenario.issues:
        cells = []
        for actor in scenario.actors:
            st = scenario.stance(actor.id, issue.id)
            cells.append("" if st is None else f"{st.position:g}/{st.salience:g}")
        rows.append([issue.id, issue.status_quo, *cells])
    line = (f"{len(scenario.issues)} issues, {len(scenario.actors)} actors, "
            f"{len(scenario.principals)} principals; cells: position/salience")
    return (f"<div><p><b>{html.escape(title)}</b></p><p>{html.escape(line)}</p>"
            f"{html_table(header, rows, limit=60)}</div>")
