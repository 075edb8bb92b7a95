"""KTAB's Spatial Model of Politics CSV (one or more dimensions), read and written.

Line 1: `name, description, nActors, nDims,`; line 2: `Actor, Description, Influence,
<dim> Position, <dim> Salience, ...`; then one row per actor. Positions and saliences 0-100.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from grandbargain.scenario._errors import Location
from grandbargain.scenario._model import Scenario
from grandbargain.scenario._tables import FieldReader, rows, slug, stem_id


def _dimension_name(header: str) -> str:
    name = header.strip()
    for suffix in (" Position", " position", "Position"):
        if name.endswith(suffix) and name != suffix:
            return name[: -len(suffix)].strip()
    return name


def read_ktab(text: str, file: str, **_: Any) -> tuple[dict[str, Any], dict]:
    reader = FieldReader(file)
    table = list(rows(text, ","))
    if len(table) < 3:
        reader.problem(1, None, "", "a KTAB file needs a title line, a header line and actors")
        reader.raise_if_any()
    (title_line, title), (header_line, header) = table[0], table[1]
    title = [c.strip() for c in title]
    n_actors = reader.number(title[2], title_line, 3, "nActors") if len(title) > 3 else None
    n_dims = reader.number(title[3], title_line, 4, "nDims") if len(title) > 3 else None
    header = [c.strip() for c in header]
    while header and not header[-1]:
        header.pop()
    reader.raise_if_any()
    dims = (len(header) - 3) // 2
    if len(header) < 5 or (len(header) - 3) % 2:
        reader.problem(header_line, None, "header", "expected Actor, Description, Influence, "
                       "then a Position and a Salience column per dimension")
    elif n_dims is not None and dims != int(n_dims):
        reader.problem(title_line, 4, "nDims", f"the title line says {int(n_dims)} dimensions, "
                       f"the header has {dims}")
    actors = table[2:]
    if n_actors is not None and len(actors) != int(n_actors):
        reader.problem(title_line, 3, "nActors", f"the title line says {int(n_actors)} actors, "
                       f"the file has {len(actors)}")
    reader.raise_if_any()
    dim_ids = []
    issues = []
    locator: dict[tuple, Location] = {(): Location(file, 1)}
    for d in range(dims):
        name = _dimension_name(header[3 + 2 * d])
        dim_id = slug(name, f"dim{d + 1}").lower()
        dim_ids.append(dim_id)
        issues.append({"id": dim_id, "name": name, "scale": {"min": 0.0, "max": 100.0}})
        locator[("issues", d)] = Location(file, header_line, 4 + 2 * d)
    doc_actors, stances = [], {}
    for k, (line, fields) in enumerate(actors):
        fields = [f.strip() for f in fields]
        if len(fields) < 3 + 2 * dims:
            reader.problem(line, None, "", f"expected {3 + 2 * dims} fields, found {len(fields)}")
            continue
        actor_id = slug(fields[0], f"actor{k + 1}")
        capability = reader.number(fields[2], line, 3, "Influence")
        doc_actors.append({"id": actor_id, "name": fields[0] or actor_id,
                           "description": fields[1], "capability": capability})
        locator[("actors", k)] = Location(file, line)
        locator[("actors", k, "id")] = Location(file, line, 1)
        locator[("actors", k, "capability")] = Location(file, line, 3)
        row = {}
        for d, dim_id in enumerate(dim_ids):
            col = 3 + 2 * d
            row[dim_id] = {"position": reader.number(fields[col], line, col + 1, header[col]),
                           "salience": reader.number(fields[col + 1], line, col + 2,
                                                     header[col + 1])}
            locator[("stances", actor_id, dim_id, "position")] = Location(file, line, col + 1)
            locator[("stances", actor_id, dim_id, "salience")] = Location(file, line, col + 2)
        stances[actor_id] = row
        locator[("stances", actor_id)] = Location(file, line)
    reader.raise_if_any()
    doc = {
        "scenario": {"id": stem_id(file), "title": title[0] or stem_id(file),
                     "description": title[1] if len(title) > 1 else ""},
        "issues": issues,
        "actors": doc_actors,
        "stances": stances,
    }
    return doc, locator


def write_ktab(scenario: Scenario) -> str:
    """The scenario as KTAB SMP CSV. Every actor needs a stance on every issue (KTAB has no
    'takes no part'), and scales are mapped linearly onto KTAB's 0-100."""
    missing = [(a, i) for a in scenario.actors for i in scenario.issues
               if scenario.stance(a.id, i.id) is None]
    if missing:
        a, i = missing[0]
        raise ValueError(f"KTAB needs every actor on every issue; {a.id} has no stance on "
                         f"{i.id} ({len(missing)} such cells)")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([scenario.title, scenario.description.replace("\n", " "),
                     len(scenario.actors), len(scenario.issues), ""])
    header = ["Actor", "Description", "Influence"]
    for issue in scenario.issues:
        header += [f"{issue.name} Position", f"{issue.name} Salience"]
    writer.writerow([*header, ""])
    for actor in scenario.actors:
        row: list[Any] = [actor.id, actor.name, f"{actor.capability:g}"]
        for issue in scenario.issues:
            stance = scenario.stance(actor.id, issue.id)
            assert stance is not None
            scaled = 100.0 * (stance.position - issue.low) / issue.width
            row += [f"{scaled:.4g}", f"{stance.salience:g}"]
        writer.writerow([*row, ""])
    return out.getvalue()
