"""The BDM-style actor table used by the expected-utility replications.

One issue; one row per actor with a name, a capability, a position and a salience, as CSV
(`Actor,Capability,Position,Salience`, or `Stakeholder,Resources,...`) or as TSV (`Name x c s`,
the first header cell may be blank). Saliences on 0-1 are detected (every value <= 1) and read
as 0-100. The scale is the range of the positions unless one is given.
"""

from __future__ import annotations

from typing import Any

from grandbargain.scenario._errors import Location
from grandbargain.scenario._tables import FieldReader, rows, slug, stem_id

_ALIASES = {
    "name": {"actor", "stakeholder", "name", "player", ""},
    "capability": {"capability", "resources", "power", "influence", "c", "clout"},
    "position": {"position", "x", "pos"},
    "salience": {"salience", "s", "sal"},
}


def _columns(header: list[str], reader: FieldReader, line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for k, cell in enumerate(header):
        key = cell.strip().lower()
        for field, names in _ALIASES.items():
            if key in names and field not in found:
                found[field] = k
    for field in ("name", "capability", "position", "salience"):
        if field not in found:
            names = ", ".join(sorted(n for n in _ALIASES[field] if n))
            reader.problem(line, None, field,
                           f"the header has no {field} column (expected one of: {names})")
    return found


def read_bdm(text: str, file: str, *, delimiter: str = ",",
             scale: tuple[float, float] | None = None) -> tuple[dict[str, Any], dict]:
    reader = FieldReader(file)
    table = list(rows(text, delimiter))
    if not table:
        reader.problem(1, None, "", "the table has no rows")
        reader.raise_if_any()
    header_line, header = table[0]
    columns = _columns(header, reader, header_line)
    reader.raise_if_any()
    if len(table) < 2:
        reader.problem(header_line, None, "", "the table has a header but no actors")
        reader.raise_if_any()
    locator: dict[tuple, Location] = {(): Location(file, 1)}
    records = []
    for k, (line, fields) in enumerate(table[1:]):
        if len(fields) <= max(columns.values()):
            reader.problem(line, None, "", f"expected {len(header)} fields, found {len(fields)}")
            continue
        name = fields[columns["name"]].strip()
        values = {}
        for field in ("capability", "position", "salience"):
            col = columns[field]
            values[field] = reader.number(fields[col], line, col + 1, field)
        actor_id = slug(name, f"actor{k + 1}")
        records.append((line, actor_id, name or actor_id, values))
        locator[("actors", k)] = Location(file, line)
        locator[("actors", k, "id")] = Location(file, line, columns["name"] + 1)
        locator[("actors", k, "capability")] = Location(file, line, columns["capability"] + 1)
        for field in ("position", "salience"):
            locator[("stances", actor_id, "issue", field)] = Location(file, line,
                                                                      columns[field] + 1)
        locator[("stances", actor_id)] = Location(file, line)
    reader.raise_if_any()
    saliences = [v["salience"] for *_, v in records]
    unit_salience = all(0 <= s <= 1 for s in saliences)
    factor = 100.0 if unit_salience else 1.0
    positions = [v["position"] for *_, v in records]
    inferred = scale is None
    if scale is None:
        lo, hi = min(positions), max(positions)
        if lo == hi:
            reader.problem(table[1][0], None, "position",
                           f"every position is {lo:g}, so no scale can be inferred: give one "
                           "(--scale MIN,MAX)")
            reader.raise_if_any()
        scale = (lo, hi)
    note = ("Saliences read on a 0-1 scale and multiplied by 100. " if unit_salience else "")
    doc = {
        "scenario": {
            "id": stem_id(file),
            "title": f"{stem_id(file)} (BDM actor table)",
            "description": note + ("Scale inferred from the range of the positions." if inferred
                                   else "Scale given by the user."),
        },
        "issues": [{"id": "issue", "name": stem_id(file),
                    "scale": {"min": float(scale[0]), "max": float(scale[1])},
                    **({"attributes": {"scale": "inferred"}} if inferred else {})}],
        "actors": [{"id": actor_id, "name": name, "capability": v["capability"]}
                   for _, actor_id, name, v in records],
        "stances": {actor_id: {"issue": {"position": v["position"],
                                         "salience": v["salience"] * factor}}
                    for _, actor_id, _, v in records},
    }
    return doc, locator
