"""The DEU III issue table ("Decision-making in the European Union", Arregui & Perarnaud 2022).

Semicolon CSV, one row per issue: `p<actor>` positions and `s<actor>` saliences (0-100) per
actor, `rp` the reference point (our status quo), `out` the outcome, 999 or blank for missing.
The table has no capabilities: they come from the caller (`capabilities={code: weight}`, usually
Council voting weights). Every issue keeps its row's metadata (procedure, dossier) as attributes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from grandbargain.scenario._errors import Location, ScenarioError
from grandbargain.scenario._tables import FieldReader, rows, stem_id

MISSING = {"", "999", "999.0", ".", "NA", "na"}

DEU_ACTORS = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria",
    "be": "Belgium", "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czechia",
    "de": "Germany", "dk": "Denmark", "ee": "Estonia", "el": "Greece", "es": "Spain",
    "fi": "Finland", "fr": "France", "hu": "Hungary", "ie": "Ireland", "it": "Italy",
    "lt": "Lithuania", "lu": "Luxembourg", "lv": "Latvia", "mt": "Malta", "nl": "Netherlands",
    "pl": "Poland", "pt": "Portugal", "ro": "Romania", "se": "Sweden", "si": "Slovenia",
    "sk": "Slovakia", "uk": "United Kingdom",
}
_META = ("prname", "proc", "type", "council", "issues", "intro", "finact", "prnr", "isnr")


def read_deu(text: str, file: str, *, capabilities: dict[str, float] | None = None,
             **_: Any) -> tuple[dict[str, Any], dict]:
    reader = FieldReader(file)
    table = list(rows(text, ";"))
    if len(table) < 2:
        raise ScenarioError.single(file, "a DEU table needs a header line and issue rows", line=1)
    header_line, header = table[0]
    header = [h.strip().lower() for h in header]
    col = {name: k for k, name in enumerate(header)}
    for needed in ("rp", "out"):
        if needed not in col:
            reader.problem(header_line, None, needed, f"the header has no '{needed}' column")
    codes = [h[1:] for h in header if h.startswith("p") and h not in _META and
             "s" + h[1:] in col]
    if not codes:
        reader.problem(header_line, None, "header", "no pairs of p<actor>/s<actor> columns")
    reader.raise_if_any()
    if capabilities is None:
        raise ScenarioError.single(file, "the DEU table has no capabilities: give them "
                                   "(--capabilities FILE, e.g. Council voting weights)",
                                   field="capabilities")

    def cell(fields: list[str], name: str) -> str:
        k = col[name]
        return fields[k].strip() if k < len(fields) else ""

    issues, stances, locator = [], {}, {(): Location(file, 1)}
    used: set[str] = set()
    for line, fields in table[1:]:
        k = len(issues)
        issue_id = cell(fields, "isnr") if "isnr" in col else ""
        issue_id = issue_id or f"issue{k + 1}"
        issue: dict[str, Any] = {
            "id": issue_id,
            "name": cell(fields, "prname") or issue_id if "prname" in col else issue_id,
            "scale": {"min": 0.0, "max": 100.0},
            "attributes": {m: cell(fields, m) for m in _META if m in col and cell(fields, m)},
        }
        for name, target in (("rp", "status_quo"), ("out", "outcome")):
            raw = cell(fields, name)
            if raw not in MISSING:
                issue[target] = reader.number(raw, line, col[name] + 1, name)
        locator[("issues", k)] = Location(file, line)
        locator[("issues", k, "status_quo")] = Location(file, line, col["rp"] + 1)
        locator[("issues", k, "outcome")] = Location(file, line, col["out"] + 1)
        issues.append(issue)
        for code in codes:
            p_raw, s_raw = cell(fields, "p" + code), cell(fields, "s" + code)
            if p_raw in MISSING:
                continue
            position = reader.number(p_raw, line, col["p" + code] + 1, "p" + code)
            salience = 50.0 if s_raw in MISSING else reader.number(
                s_raw, line, col["s" + code] + 1, "s" + code)
            stance = {"position": position, "salience": salience}
            if s_raw in MISSING:
                stance["rationale"] = "salience missing in the DEU table: 50 assumed"
            stances.setdefault(code, {})[issue_id] = stance
            used.add(code)
            locator[("stances", code, issue_id, "position")] = Location(file, line,
                                                                        col["p" + code] + 1)
            locator[("stances", code, issue_id, "salience")] = Location(file, line,
                                                                        col["s" + code] + 1)
    reader.raise_if_any()
    missing = sorted(code for code in used if code not in capabilities)
    if missing:
        raise ScenarioError.single(file, "no capability given for actor(s) "
                                   f"{', '.join(missing)}, who take part in the table",
                                   field="capabilities")
    actors = [{"id": code, "name": DEU_ACTORS.get(code, code), "capability": capabilities[code]}
              for code in codes if code in used]
    doc = {"scenario": {"id": stem_id(file), "title": f"{stem_id(file)} (DEU table)"},
           "issues": issues, "actors": actors, "stances": stances}
    return doc, locator


def read_capabilities(path: str | Path, column: str | None = None) -> dict[str, float]:
    """Capabilities by actor code from a CSV: the first column names the actor, `column` (or
    the second column) holds the weight; blank cells are skipped."""
    from grandbargain.scenario._load import read_text

    file = str(path)
    text = read_text(Path(path))
    reader = FieldReader(file)
    data = list(csv.reader(text.split("\n")))
    data = [(k + 1, r) for k, r in enumerate(data) if any(c.strip() for c in r)]
    header = [h.strip() for h in data[0][1]]
    if len(header) < 2:
        raise ScenarioError.single(file, "needs an actor column and a weight column", line=1)
    k = 1 if column is None else (header.index(column) if column in header else -1)
    if k < 0:
        raise ScenarioError.single(file, f"no column '{column}' (columns: "
                                   f"{', '.join(header[1:])})", line=1, field=column or "")
    out: dict[str, float] = {}
    for line, fields in data[1:]:
        if k >= len(fields) or not fields[k].strip():
            continue
        value = reader.number(fields[k], line, k + 1, header[k])
        if value is not None and value <= 0:
            reader.problem(line, k + 1, header[k], f"capability must be above 0, not {value:g}")
        elif value is not None:
            out[fields[0].strip().lower()] = value
    reader.raise_if_any()
    return out
