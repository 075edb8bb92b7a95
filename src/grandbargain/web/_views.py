"""What the pages show, as plain data: the actors-by-issues grid of a scenario, edits applied
and checked by the loader's own validator (the one `grandbargain check` runs) with each
problem placed at its cell, the what-if forecasts, and a run's results with the report's own
chart figures."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from grandbargain.scenario import Scenario, ScenarioError

EDITABLE = ("position", "salience")
EDITED_FILENAME = "scenario.yaml"
MAX_ONE_BY_ONE = 12


@dataclass(frozen=True)
class Source:
    """A scenario a page shows: a shipped one (by id) or a stored version."""

    shipped: str | None = None
    scenario_id: int | None = None
    version: int | None = None

    def as_json(self) -> str:
        if self.shipped is not None:
            return json.dumps({"shipped": self.shipped})
        return json.dumps({"scenario_id": self.scenario_id, "version": self.version})


class _Lru:
    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_scenarios = _Lru(32)   # parsed scenarios by the text they came from
_forecasts = _Lru(64)   # what-if forecasts by scenario hash and language
result_views = _Lru(32)  # a finished run's results view, by store and run id
_busy: dict[Any, threading.Lock] = {}
_busy_lock = threading.Lock()


def scenario_from_text(filename: str, text: str, fmt: str | None) -> Scenario:
    from grandbargain.store._scenarios import parse_scenario

    key = (filename, fmt, text)
    hit = _scenarios.get(key)
    if hit is None:
        hit = parse_scenario(filename, text, fmt)[0]
        _scenarios.put(key, hit)
    return hit


def load_source(store: Any, user_id: int, source: Source) -> tuple[Scenario, dict]:
    """The scenario and what the page says about it (title, version, access)."""
    from grandbargain.scenario import builtin_scenarios, load_scenario
    from grandbargain.store import _scenarios as scenarios

    if source.shipped is not None:
        if source.shipped not in builtin_scenarios():
            raise scenarios.NotFound(f"no shipped scenario {source.shipped!r}")
        return load_scenario(source.shipped), {"access": "shipped", "version": None}
    info = scenarios.get_version(store, user_id, source.scenario_id, source.version)
    summary = scenarios.get_scenario(store, user_id, source.scenario_id)
    scenario = scenario_from_text(info["filename"], info["source_text"], info["format"])
    return scenario, {"access": summary["access"], "version": info["version"],
                      "latest": summary["latest_version"], "name": summary["name"],
                      "content_hash": info["content_hash"]}


def _text(item: dict, key: str, lang: str) -> str:
    return (item.get(f"{key}_zh") if lang == "zh" else None) or item.get(key) or ""


def _num(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return f"{number:g}" if abs(number) < 1e15 else str(number)


def grid(scenario: Scenario, lang: str) -> dict[str, Any]:
    """Rows (actors) by columns (issues), each cell its stance or None."""
    from grandbargain.scenario import scenario_to_document

    document = scenario_to_document(scenario)
    issues = [{"id": i["id"], "name": _text(i, "name", lang),
               "low": i["scale"]["min"], "high": i["scale"]["max"],
               "unit": _text(i["scale"], "unit", lang), "status_quo": i.get("status_quo"),
               "range": f"{_num(i['scale']['min'])}–{_num(i['scale']['max'])}",
               "step": _step(i["scale"]["min"], i["scale"]["max"])}
              for i in document["issues"]]
    stances = document.get("stances") or {}
    rows = []
    for actor in document["actors"]:
        mine = stances.get(actor["id"], {})
        cells = []
        for issue in issues:
            stance = mine.get(issue["id"])
            cells.append(None if stance is None else {
                "position": _num(stance["position"]), "salience": _num(stance["salience"]),
                "rationale": _text(stance, "rationale", lang)})
        rows.append({"id": actor["id"], "name": _text(actor, "name", lang), "cells": cells})
    return {"issues": issues, "rows": rows}


def _step(low: float, high: float) -> str:
    span = abs(high - low)
    return "1" if span >= 20 else "0.1" if span >= 2 else "0.01"


def edits_from_form(form: dict[str, str], scenario: Scenario) -> list[dict[str, str]]:
    """The cells a form changed: fields named `position:ACTOR:ISSUE` / `salience:...` whose
    value differs from the saved one (unchanged fields are left as they are)."""
    saved = {(s.actor, s.issue): s for s in scenario.stances}
    out = []
    for name, value in form.items():
        field, _, rest = name.partition(":")
        actor, _, issue = rest.partition(":")
        stance = saved.get((actor, issue))
        if field not in EDITABLE or stance is None:
            continue
        value = (value or "").strip()
        try:
            same = float(value) == float(getattr(stance, field))
        except ValueError:
            same = False
        if not same:
            out.append({"actor": actor, "issue": issue, "field": field, "value": value})
    return out


def _value(raw: Any) -> Any:
    """A number when the text is one; otherwise the text, for the validator to refuse."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip()
    try:
        return float(text)
    except ValueError:
        return text


class EditError(ValueError):
    """Edits that name no stance of the scenario."""


def _edited_document(scenario: Scenario, edits: list[dict[str, Any]]) -> dict[str, Any]:
    from grandbargain.scenario import scenario_to_document

    document = copy.deepcopy(scenario_to_document(scenario))
    stances = document.get("stances") or {}
    for edit in edits:
        field = edit.get("field")
        stance = stances.get(str(edit.get("actor")), {}).get(str(edit.get("issue")))
        if field not in EDITABLE or stance is None:
            raise EditError(f"no stance {edit.get('actor')}/{edit.get('issue')} with a field "
                            f"{field!r} to edit")
        stance[field] = _value(edit.get("value"))
    return document


def edited_text(scenario: Scenario, edits: list[dict[str, Any]]) -> str:
    """The scenario with the edits as a YAML scenario file's text (what a save stores)."""
    from grandbargain.scenario._yaml import dump_yaml

    return dump_yaml(_edited_document(scenario, edits))


def _validated(scenario: Scenario, edits: list[dict[str, Any]]) -> Scenario:
    """The edited scenario through the validator every reader's document goes through
    (`scenario._schema.validate_document`, as `grandbargain check` runs it)."""
    from grandbargain.scenario._schema import validate_document

    return validate_document(_edited_document(scenario, edits), {}, EDITED_FILENAME)


def check_edits(scenario: Scenario, edits: list[dict[str, Any]], lang: str = "en"
                ) -> tuple[Scenario | None, dict[str, list[str]], list[str]]:
    """(edited scenario or None, problems by cell `actor/issue` in `lang`, other problems),
    from the validator `grandbargain check` runs."""
    try:
        return _validated(scenario, edits), {}, []
    except ScenarioError as exc:
        cells, other = _placed(exc, lang)
    # The validator stops at type errors before its range checks: the other edited cells are
    # checked one at a time, so that every wrong cell shows its message at once.
    for edit in edits[:MAX_ONE_BY_ONE]:
        key = f"{edit.get('actor')}/{edit.get('issue')}"
        if key in cells:
            continue
        try:
            _validated(scenario, [edit])
        except ScenarioError as exc:
            more, _ = _placed(exc, lang)
            for cell, messages in more.items():
                cells.setdefault(cell, []).extend(m for m in messages
                                                  if m not in cells.get(cell, []))
    return None, cells, other


def _placed(exc: ScenarioError, lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """The problems by cell `actor/issue` (from their field, `stances.ACTOR.ISSUE.FIELD`) in
    `lang` (from their kind and details), and the others as `check` prints them."""
    from grandbargain.web._words import cell_problem

    cells: dict[str, list[str]] = {}
    other: list[str] = []
    for problem in exc.problems:
        parts = (problem.field or "").split(".")
        if len(parts) >= 3 and parts[0] == "stances":
            label = parts[3] if len(parts) > 3 else ""
            cells.setdefault(f"{parts[1]}/{parts[2]}", []).append(
                cell_problem(label, problem.message, problem.kind, problem.details, lang))
        else:
            other.append(str(problem))
    return cells, other


# -- what-if -------------------------------------------------------------------------------

def what_if_forecast(scenario: Scenario, lang: str) -> dict[str, Any]:
    """The forecast document with the default models and the bottom line without its draws
    (decision S-004: the draws alone take longer than a what-if may), kept by the scenario's
    hash so the saved version is computed once."""
    from grandbargain.api._forecast import forecast
    from grandbargain.timeline._ledger import scenario_hash

    key = (scenario_hash(scenario), lang)
    with _busy_lock:  # one computation per key: a second caller waits for the first
        busy = _busy.setdefault(key, threading.Lock())
    with busy:
        hit = _forecasts.get(key)
        if hit is None:
            hit = forecast(scenario, lang=lang, bottom_line_draws=0).to_dict()
            _forecasts.put(key, hit)
    with _busy_lock:
        _busy.pop(key, None)
    return hit


def warm_forecast(scenario: Scenario, lang: str) -> None:
    """Compute the saved version's what-if forecast in the background (the page is served
    first), so that the first what-if computes only the edited side."""
    from grandbargain.timeline._ledger import scenario_hash

    if _forecasts.get((scenario_hash(scenario), lang)) is not None:
        return

    def work() -> None:
        with contextlib.suppress(Exception):  # the what-if itself reports any problem
            what_if_forecast(scenario, lang)

    threading.Thread(target=work, name="gb-what-if-warm", daemon=True).start()


def warm_default() -> None:
    """plotly, and the default scenario's what-if baseline in both languages, in the
    background."""

    def work() -> None:
        from grandbargain.scenario import load_scenario

        with contextlib.suppress(Exception):
            import plotly.graph_objects  # noqa: F401  (the results' charts: ~1 s to import)

            scenario = load_scenario(None)
            for lang in ("en", "zh"):
                what_if_forecast(scenario, lang)

    threading.Thread(target=work, name="gb-what-if-warm", daemon=True).start()


def _side_summary(document: dict[str, Any], lang: str) -> dict[str, Any]:
    from grandbargain.report._bottom_line import bottom_line_lines

    lines = bottom_line_lines(document["bottom_line"], lang) if "bottom_line" in document \
        else []
    issues = []
    for issue in document["issues"]:
        values = issue["forecasts"]
        singles = [v for m, v in values.items() if v is not None and not m.startswith("deal-")]
        nash = values.get("deal-nash")
        issues.append({"id": issue["id"], "name": issue["name"],
                       "nash": None if nash is None else _num(round(nash, 2)),
                       "nash_option": (issue.get("nearest_anchor") or {}).get("deal-nash"),
                       "low": _num(round(min(singles), 1)) if singles else "",
                       "high": _num(round(max(singles), 1)) if singles else ""})
    return {"lines": lines, "issues": issues}


def what_if(scenario: Scenario, edits: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    started = time.perf_counter()
    edited, cells, other = check_edits(scenario, edits, lang)
    if edited is None:
        return {"ok": False, "problems": cells, "other": other,
                "seconds": time.perf_counter() - started}
    saved = _side_summary(what_if_forecast(scenario, lang), lang)
    mine = _side_summary(what_if_forecast(edited, lang), lang)
    for before, after in zip(saved["issues"], mine["issues"], strict=True):
        after["changed"] = (before["nash"], before["low"], before["high"]) != \
            (after["nash"], after["low"], after["high"])
    actors = {a.id: a.text(lang) for a in scenario.actors}
    issues = {i.id: i.text(lang) for i in scenario.issues}
    before = {(s.actor, s.issue): s for s in scenario.stances}
    after = {(s.actor, s.issue): s for s in edited.stances}
    changes = []
    for key in dict.fromkeys((str(e.get("actor")), str(e.get("issue"))) for e in edits):
        for field in EDITABLE:
            old, new = getattr(before[key], field), getattr(after[key], field)
            if old != new:
                changes.append({"actor": actors[key[0]], "issue": issues[key[1]],
                                "field": field, "from": _num(old), "to": _num(new)})
    return {"ok": True, "problems": {}, "other": [], "saved": saved, "edited": mine,
            "edits": len(edits), "changes": changes,
            "seconds": time.perf_counter() - started}


# -- a run's results -----------------------------------------------------------------------

def bottom_lines(kind: str, result: dict[str, Any], lang: str) -> list[str]:
    if "bottom_line" in result:
        from grandbargain.report._bottom_line import bottom_line_lines

        return bottom_line_lines(result["bottom_line"], lang)
    if kind == "simulate":
        from grandbargain.api._forecast import Simulation

        return [("結論" if lang == "zh" else "Bottom line"),
                *Simulation(result, lang).bottom_line]
    return []


def _chart_doc(scenario: Scenario, forecast: dict[str, Any] | None, lang: str,
               deals: dict[str, Any] | None = None) -> dict[str, Any]:
    """The slice of the report's document the report's chart builders read."""
    from grandbargain.report._document import scenario_part

    sections: dict[str, Any] = {"trajectories": {"status": "off"}}
    if deals is not None:
        sections["deals"] = {"status": "ok", "document": deals}
    return {"lang": lang, "forecast": forecast or {"scenario": {"id": scenario.id}},
            "scenario": scenario_part(scenario, lang),
            "sections": sections}


def _figure(chart: Any) -> dict[str, Any] | None:
    if chart is None:
        return None
    from grandbargain.report._plotly import figure

    return {"id": chart.id, "title": chart.title, "note": chart.note, "source": chart.source,
            "figure": figure(chart)}


def result_view(kind: str, result: dict[str, Any], scenario: Scenario | None,
                lang: str) -> dict[str, Any]:
    """Everything the results part of the page shows for a finished run."""
    view: dict[str, Any] = {"kind": kind, "lines": bottom_lines(kind, result, lang),
                            "figures": [], "issue_figures": []}
    if kind == "forecast":
        models = [m["name"] for m in result["models"]]
        view["models"] = [{"name": m["name"], "label": m.get("label", m["name"])}
                          for m in result["models"]]
        view["table"] = [{"name": i["name"], "unit": i.get("unit", ""),
                          "status_quo": _num(i.get("status_quo")),
                          "values": [_fmt(i["forecasts"].get(m)) for m in models],
                          "anchors": [(i.get("nearest_anchor") or {}).get(m) or ""
                                      for m in models]}
                         for i in result["issues"]]
        bottom = result.get("bottom_line") or {}
        view["concessions"] = _sides(bottom, lang)
        if scenario is not None:
            from grandbargain.report._charts import forecasts_chart
            from grandbargain.report._charts_more import package_chart

            doc = _chart_doc(scenario, result, lang)
            view["figures"] = [f for f in (_figure(package_chart(doc)),) if f]
            view["issue_figures"] = [_figure(forecasts_chart(doc, issue))
                                     for issue in doc["scenario"]["issues"]]
    elif kind == "deals":
        parties = result.get("parties") or []
        solutions = []
        for key, solution in (result.get("solutions") or {}).items():
            if solution is None:
                continue
            solutions.append({
                "key": key, "name": solution.get("name", key),
                "gains": ", ".join(f"{p['name']} {solution['gains'][p['id']]:+.3f}"
                                   for p in parties if p["id"] in solution.get("gains", {})),
                "package": [f"{item['name']}: {item['option']}"
                            for item in solution.get("package", [])]})
        view["solutions"] = solutions
        nash = (result.get("solutions") or {}).get("nash") or {}
        view["concessions"] = [c["text"] for item in nash.get("package", [])
                               for c in item.get("concedes", [])]
        view["logrolls"] = [r["text"] for r in nash.get("logrolls", [])]
        if scenario is not None:
            from grandbargain.report._charts import frontier_chart

            doc = _chart_doc(scenario, None, lang, deals=result)
            view["figures"] = [f for f in (_figure(frontier_chart(doc)),) if f]
    elif kind == "simulate":
        from grandbargain.uncertainty import ENSEMBLE

        names = [m["name"] for m in result.get("models", [])] + [ENSEMBLE]
        simulation = result.get("simulation") or {}
        noise = simulation.get("noise") or {}
        view["noise"] = {"draws": simulation.get("draws"), "seed": simulation.get("seed"),
                         "position": noise.get("position"), "salience": noise.get("salience"),
                         "capability": noise.get("capability"),
                         "distribution": noise.get("distribution"),
                         "ranges": simulation.get("stance_ranges_used"),
                         "uncertain": simulation.get("uncertain_inputs", True)}
        view["interval_models"] = names
        view["intervals"] = [{"name": i["name"], "cells": [
            _interval(i["forecasts"].get(n) or {}) for n in names]} for i in result["issues"]]
    return view


def _sides(bottom: dict[str, Any], lang: str) -> list[str]:
    from grandbargain.report._bottom_line import _side

    return [_side(side, lang) for side in bottom.get("sides") or []]


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f}"


def _interval(summary: dict[str, Any]) -> str:
    if summary.get("q05") is None:
        return "–"
    return f"{summary['median']:.3g} [{summary['q05']:.3g}, {summary['q95']:.3g}]"


def result_csv(kind: str, result: dict[str, Any]) -> str:
    """The CSV the command prints with --format csv (the Python API's tidy rows)."""
    from grandbargain.report import to_csv

    if kind == "forecast":
        from grandbargain.api._forecast import Forecast as Kind
    elif kind == "simulate":
        from grandbargain.api._forecast import Simulation as Kind
    elif kind == "deals":
        from grandbargain.api._commands import Deals as Kind
    else:
        raise ValueError(f"no CSV for {kind}")
    return to_csv(*Kind(result).rows())
