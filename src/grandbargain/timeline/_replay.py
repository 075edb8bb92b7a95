"""Replaying a timeline: the models and the package solution at every event date, and what each
date changed, in plain words (English or Traditional Chinese).

`replay_document` is pure (scenario and events in, a JSON-ready document out); the CLI prints it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grandbargain.scenario._model import Scenario
from grandbargain.timeline._apply import Difference, Step, differences, replay
from grandbargain.timeline._events import Timeline

FAST_MODELS = ("compromise", "median", "nash-issue", "eu")
"""Models run by default at every date (each well under a second on the US-China case)."""
MOVE = 0.05  # forecast changes smaller than this (scale units) are not recorded
TEXT_MOVE = 0.5  # nor, below this, put into words

_WORDS = {
    "status quo": ("status quo", "現狀"),
    "position": ("position", "立場"),
    "salience": ("salience", "重視程度"),
    "low": ("lowest plausible position", "最低可能立場"),
    "high": ("highest plausible position", "最高可能立場"),
    "capability": ("capability", "影響力"),
    "forecast": ("forecast", "預測"),
    "added": ("added", "加入"),
    "removed": ("removed", "移除"),
    "stance": ("stance", "立場"),
    "no forecast moved": ("no forecast moved by 0.5 or more", "預測變動均不足0.5"),
    "package now": ("package now", "方案現為"),
    "package unchanged": ("package unchanged", "方案不變"),
    "no package": ("no package", "沒有方案"),
    "start": ("start", "起點"),
    "note": ("note", "備註"),
    "was": ("was", "原為"),
    "no principals": ("no principals", "沒有談判主體"),
    "no package beats no deal": ("no package beats no deal", "沒有方案優於無協議"),
}

_SOLUTIONS_ZH = {"nash": "納什解", "kalai_smorodinsky": "Kalai-Smorodinsky 解",
                 "egalitarian": "平等解", "utilitarian": "效用主義解"}

Names = Callable[[str], str]
"""An actor's or an issue's display name from its id (in the document's language)."""


def _names(steps: Sequence[Step], lang: str) -> Names:
    """Display names of every actor and issue of a replay (ids in English: the text the tests
    and scripts read; names in Traditional Chinese)."""
    if lang != "zh":
        return lambda key: key
    table: dict[str, str] = {}
    for step in steps:
        for thing in (*step.scenario.issues, *step.scenario.actors):
            table.setdefault(thing.id, thing.text(lang))
    return lambda key: table.get(key, key)


def _w(key: str, lang: str) -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en


def _num(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.1f}".rstrip("0").rstrip(".") if float(value).is_integer() else f"{value:.1f}"


def _package(scenario: Scenario, solution: str) -> tuple[dict[str, float] | None, str]:
    """The named bargaining solution's package (issue -> option value), or None and why."""
    if not scenario.principals:
        return None, "no principals"
    from grandbargain.deals import analyse, deal_space

    try:
        analysis = analyse(deal_space(scenario), top=0)
    except ValueError as exc:  # e.g. a frontier too large to enumerate
        return None, str(exc)
    terms = analysis.solutions.get(solution)
    if terms is None:
        return None, "no package beats no deal"
    return {issue.id: issue.options[k].value for issue, k in
            zip(analysis.space.issues, terms.solution.package, strict=True)}, ""


def _forecasts(scenario: Scenario, models: Sequence) -> dict[str, dict[str, float | None]]:
    out = {}
    for model in models:
        result = model.forecast(scenario)
        out[result.model] = {i.id: result.value(i.id) for i in scenario.issues}
    return out


def _difference_words(d: Difference, lang: str, name: Names = lambda key: key) -> str:
    actor, issue = name(d.actor), name(d.issue)
    if lang == "zh":
        quoted = f"「{issue}」"
        if d.kind == "status_quo":
            return f"{quoted}{_w('status quo', lang)} {_num(d.old)} -> {_num(d.new)}"
        if d.kind == "actor":
            return f"{_w('added' if d.new else 'removed', lang)}{actor}"
        if d.kind == "capability":
            return f"{actor}{_w('capability', lang)} {_num(d.old)} -> {_num(d.new)}"
        if d.kind == "stance":
            verb = _w("added" if d.old is None else "removed", lang)
            return f"{verb}{actor}在{quoted}上的{_w('stance', lang)}"
        return f"{actor}在{quoted}上的{_w(d.kind, lang)} {_num(d.old)} -> {_num(d.new)}"
    if d.kind == "status_quo":
        return f"{issue} {_w('status quo', lang)} {_num(d.old)} -> {_num(d.new)}"
    if d.kind == "actor":
        return f"{actor} {_w('added' if d.new else 'removed', lang)}"
    if d.kind == "capability":
        return f"{actor} {_w('capability', lang)} {_num(d.old)} -> {_num(d.new)}"
    if d.kind == "stance":
        verb = _w("added" if d.old is None else "removed", lang)
        return f"{actor} {_w('stance', lang)} {issue} {verb}"
    return f"{actor} {_w(d.kind, lang)} {issue} {_num(d.old)} -> {_num(d.new)}"


def replay_document(base: Scenario, timeline: Timeline, models: Sequence, *,
                    solution: str = "nash", lang: str = "en",
                    on_step: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Every date of the timeline: events, what changed, each model's forecasts and their moves,
    and the package solution; plus a bottom line (the largest forecast moves). `on_step(done,
    total)` is called after each date (for a progress bar)."""
    steps: list[Step] = replay(base, timeline)
    rows: list[dict[str, Any]] = []
    before_f: dict[str, dict[str, float | None]] | None = None
    before_p: dict[str, float] | None = None
    widths = {i.id: i.width for i in base.issues}
    name = _names(steps, lang)
    for step in steps:
        s = step.scenario
        forecasts = _forecasts(s, models)
        package, why = _package(s, solution)
        changes = differences(steps[len(rows) - 1].scenario, s) if rows else []
        moves = []
        if before_f is not None:
            for model, values in forecasts.items():
                for issue, new in values.items():
                    old = before_f[model].get(issue)
                    if old is not None and new is not None and abs(new - old) >= MOVE:
                        moves.append({"model": model, "issue": issue, "old": old, "new": new,
                                      "change": new - old})
        package_moves = ({k: [before_p.get(k), v] for k, v in package.items()
                          if before_p.get(k) != v} if package and before_p else {})
        notes = [(ch.text_zh if lang == "zh" and ch.text_zh else ch.text)
                 for e in step.events for ch in e.changes if ch.kind == "note"]
        row = {
            "date": step.date.isoformat(),
            "events": [{"title": e.title_in(lang),
                        "sources": list(e.sources_zh if lang == "zh" and e.sources_zh
                                        else e.sources),
                        "where": str(e.where)} for e in step.events],
            "changes": [{"kind": d.kind, "actor": d.actor, "issue": d.issue, "old": d.old,
                         "new": d.new} for d in changes],
            "notes": notes,
            "status_quo": {i.id: i.status_quo for i in s.issues},
            "forecasts": forecasts,
            "forecast_changes": moves,
            "package": {"solution": solution, "values": package, "changed": package_moves,
                        "why_none": _w(why, lang) if why in _WORDS else why},
        }
        row["text"] = _step_text(row, changes, lang, first=not rows, name=name)
        rows.append(row)
        before_f, before_p = forecasts, package
        if on_step is not None:
            on_step(len(rows), len(steps))
    moves = sorted((m | {"date": r["date"], "event": r["events"][0]["title"] if r["events"]
                         else ""} for r in rows for m in r["forecast_changes"]),
                   key=lambda m: -abs(m["change"]) / widths[m["issue"]])
    return {
        "timeline": {"id": timeline.id, "title": timeline.title_zh if lang == "zh" and
                     timeline.title_zh else timeline.title, "as_of": timeline.as_of.isoformat(),
                     "file": timeline.file, "events": len(timeline.events)},
        "base": {"id": base.id, "as_of": base.as_of.isoformat() if base.as_of else None,
                 "source": base.source},
        "models": [m.name for m in models],
        "solution": solution,
        "bottom_line": _bottom_line(rows, moves[:3], lang, name),
        "largest_moves": moves[:10],
        "steps": rows,
    }


def _step_text(row: dict, changes: list[Difference], lang: str, first: bool,
               name: Names = lambda key: key) -> str:
    zh = lang == "zh"
    titles = ("；" if zh else "; ").join(e["title"] for e in row["events"]) or _w("start", lang)
    parts = [_difference_words(d, lang, name) for d in changes]
    parts += [f"{_w('note', lang)}{'：' if zh else ': '}{n}" for n in row["notes"]]
    if not first:
        moved = [(f"{m['model']} {_w('forecast', lang)}「{name(m['issue'])}」" if zh else
                  f"{m['model']} {_w('forecast', lang)} {m['issue']}")
                 + f" {m['old']:.1f} -> {m['new']:.1f} ({m['change']:+.1f})"
                 for m in row["forecast_changes"] if abs(m["change"]) >= TEXT_MOVE]
        parts += moved or [_w("no forecast moved", lang)]
    package = row["package"]
    solution = _SOLUTIONS_ZH.get(package["solution"], package["solution"]) if zh else \
        package["solution"]
    comma, space = ("、", "") if zh else (", ", " ")
    if package["values"] is None:
        if first or package["why_none"] != _w("no principals", lang):
            parts.append(f"{_w('no package', lang)}{'（' if zh else ' ('}{package['why_none']}"
                         f"{'）' if zh else ')'}")
    elif first:
        parts.append(f"{solution}{space}{_w('package now', lang)} " + comma.join(
            f"{_issue_words(k, name, zh)} {_num(v)}" for k, v in package["values"].items()))
    elif package["changed"]:
        parts.append(f"{solution}{space}{_w('package now', lang)} " + comma.join(
            f"{_issue_words(k, name, zh)} {_num(new)}"
            + (f"（{_w('was', lang)} {_num(old)}）" if zh else f" ({_w('was', lang)} {_num(old)})")
            for k, (old, new) in package["changed"].items()))
    else:
        parts.append(f"{solution}{space}{_w('package unchanged', lang)}")
    if zh:
        return f"{row['date']} {titles}：" + "；".join(parts)
    return f"{row['date']} {titles}: " + "; ".join(parts)


def _issue_words(key: str, name: Names, zh: bool) -> str:
    return f"「{name(key)}」" if zh else key


def _bottom_line(rows: list[dict], top: list[dict], lang: str,
                 name: Names = lambda key: key) -> str:
    span = f"{rows[0]['date']} -> {rows[-1]['date']}"
    events = sum(len(r["events"]) for r in rows)
    if not top:
        return (f"{span}: {events} events; no forecast moved" if lang == "en" else
                f"{span}：{events}個事件；預測沒有變動")
    if lang == "zh":
        moves = "、".join(f"{m['date']} {m['model']}「{name(m['issue'])}」{m['change']:+.1f}"
                         for m in top)
        return f"{span}：{events}個事件；預測變動最大的是 {moves}"
    moves = ", ".join(f"{m['date']} {m['model']} {m['issue']} {m['change']:+.1f}" for m in top)
    return f"{span}: {events} events; the largest forecast moves: {moves}"


def replay_rows(document: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The replay document as tidy rows, one per date, model and issue (`timeline --format
    csv` and the Python API's frame): the events, the status quo, the forecast, its change
    since the previous date, the package."""
    header = ["date", "events", "issue", "status_quo", "model", "forecast",
              "forecast_change", f"{document['solution']}_package"]
    rows: list[list[Any]] = []
    previous: dict = {}
    for step in document["steps"]:
        titles = " | ".join(e["title"] for e in step["events"])
        package = step["package"]["values"] or {}
        for model, values in step["forecasts"].items():
            for issue, value in values.items():
                old = previous.get((model, issue))
                change = None if old is None or value is None else round(value - old, 6)
                rows.append([step["date"], titles, issue, step["status_quo"][issue], model,
                             value, change, package.get(issue)])
                previous[(model, issue)] = value
    return header, rows
