"""The Decide exchange-model input format (`decide-exchange-model`).

Tab-separated rows, values in single quotes: `#A actor name description`, `#P issue name
description`, `#M issue value` (points of the scale; the lowest and highest make the scale), and
`#D actor issue position salience(0-1) power(0-1)`. Power is per actor and issue: the actor's
capability is its first power, and a stance keeps its own where it differs.
"""

from __future__ import annotations

from typing import Any

from grandbargain.scenario._errors import Location
from grandbargain.scenario._tables import FieldReader, rows, slug, stem_id

_WIDTH = {"#A": 2, "#P": 2, "#M": 3, "#D": 6}


def read_decide(text: str, file: str, **_: Any) -> tuple[dict[str, Any], dict]:
    reader = FieldReader(file)
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    scale_points: dict[str, list[float]] = {}
    stances: dict[str, dict[str, dict]] = {}
    locator: dict[tuple, Location] = {(): Location(file, 1)}
    for line, raw in rows(text, "\t", quotechar="'"):
        fields = [f.strip() for f in raw]
        kind = fields[0].strip('"')
        if kind not in _WIDTH:
            reader.problem(line, 1, "row type", f"unknown row type {fields[0]!r} (expected #A, "
                           "#P, #M or #D)")
            continue
        if len(fields) < _WIDTH[kind]:
            reader.problem(line, None, kind, f"a {kind} row needs at least {_WIDTH[kind]} "
                           f"fields, found {len(fields)}")
            continue
        if kind == "#A":
            actor_id = slug(fields[1], f"actor{len(actors) + 1}")
            if actor_id in actors:
                reader.problem(line, 2, "actor", f"duplicate actor '{fields[1]}'")
                continue
            actors[actor_id] = {"id": actor_id, "name": fields[2] if len(fields) > 2 and
                                fields[2] else fields[1],
                                "description": fields[3] if len(fields) > 3 else "",
                                "_line": line}
        elif kind == "#P":
            issue_id = slug(fields[1], f"issue{len(issues) + 1}")
            if issue_id in issues:
                reader.problem(line, 2, "issue", f"duplicate issue '{fields[1]}'")
                continue
            issues[issue_id] = {"id": issue_id, "name": fields[2] if len(fields) > 2 and
                                fields[2] else fields[1],
                                "description": fields[3] if len(fields) > 3 else "",
                                "_line": line}
        elif kind == "#M":
            value = reader.number(fields[2], line, 3, "scale point")
            if value is not None:
                scale_points.setdefault(slug(fields[1], fields[1]), []).append(value)
        else:
            actor_id, issue_id = slug(fields[1], fields[1]), slug(fields[2], fields[2])
            position = reader.number(fields[3], line, 4, "position")
            salience = reader.number(fields[4], line, 5, "salience")
            power = reader.number(fields[5], line, 6, "power")
            if None in (position, salience, power):
                continue
            if actor_id in stances and issue_id in stances[actor_id]:
                reader.problem(line, None, "#D", f"a second #D row for {fields[1]} on "
                               f"{fields[2]}")
                continue
            stances.setdefault(actor_id, {})[issue_id] = {
                "position": position, "salience": salience * 100.0, "_power": power}
            locator[("stances", actor_id)] = locator.get(("stances", actor_id),
                                                         Location(file, line))
            locator[("stances", actor_id, issue_id)] = Location(file, line)
            for name, col in (("position", 4), ("salience", 5), ("capability", 6)):
                locator[("stances", actor_id, issue_id, name)] = Location(file, line, col)
    for issue_id, issue in issues.items():
        points = scale_points.get(issue_id)
        if not points or min(points) == max(points):
            reader.problem(issue["_line"], None, "#M", f"issue '{issue['id']}' needs two #M "
                           "scale points (its lowest and highest value)")
    reader.raise_if_any()
    first_power: dict[str, float] = {}
    for actor_id, row in stances.items():
        for stance in row.values():
            first_power.setdefault(actor_id, stance["_power"])
    doc_actors = []
    for k, (actor_id, actor) in enumerate(actors.items()):
        locator[("actors", k)] = Location(file, actor.pop("_line"))
        power = first_power.get(actor_id)
        if power is None or power <= 0:
            # An actor without stances or with zero power still needs a positive capability;
            # it then carries its power per stance, so nothing it says is lost.
            power = max((s["_power"] for s in stances.get(actor_id, {}).values()), default=0.0)
        doc_actors.append({**actor, "capability": power})
    for actor_id, row in stances.items():
        for stance in row.values():
            power = stance.pop("_power")
            if power != first_power[actor_id] or power <= 0:
                stance["capability"] = power
    doc_issues = []
    for k, (issue_id, issue) in enumerate(issues.items()):
        locator[("issues", k)] = Location(file, issue.pop("_line"))
        points = scale_points[issue_id]
        doc_issues.append({**issue, "scale": {"min": min(points), "max": max(points)}})
    doc = {
        "scenario": {"id": stem_id(file), "title": f"{stem_id(file)} (Decide input)"},
        "issues": doc_issues,
        "actors": doc_actors,
        "stances": stances,
    }
    return doc, locator
