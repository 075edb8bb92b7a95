"""The JSON Schema of the events file (`grandbargain-events/1`), for editors' completion and
checks; `grandbargain schema` includes it as `$defs/EventsFile`. The readers (trade/_events,
timeline/_events) remain the authority: they also check references and dates."""

from __future__ import annotations

from typing import Any

_ID = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"}
_NUM = {"type": "number"}
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "format": "date"}


def _object(properties: dict[str, Any], required: list[str], description: str = ""
            ) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "additionalProperties": False}
    if required:
        out["required"] = required
    if description:
        out["description"] = description
    return out


def events_json_schema() -> dict[str, Any]:
    stance_numbers = {k: _NUM for k in ("position", "salience", "low", "high", "capability")}
    stance = _object({"actor": _ID, "issue": _ID, **stance_numbers, "rationale": _TEXT,
                      "rationale_zh": _TEXT, "shift": _object(dict(stance_numbers), [])},
                     ["actor", "issue"],
                     "Set (or shift by +/-d) fields of an actor's stance on an issue.")
    changes = [
        _object({"issue": _ID, "status_quo": _NUM, "status_quo_note": {"type": "string"},
                 "status_quo_note_zh": {"type": "string"}},
                ["issue"], "Set an issue's status quo (and its note; \"\" clears it)."),
        stance,
        _object({"actor": _ID, "capability": {"type": "number", "exclusiveMinimum": 0},
                 "shift": _object({"capability": _NUM}, [])}, ["actor"],
                "Set or shift an actor's capability."),
        _object({"add_stance": _object({"actor": _ID, "issue": _ID, **stance_numbers,
                                        "rationale": _TEXT, "rationale_zh": _TEXT},
                                       ["actor", "issue", "position", "salience"])},
                ["add_stance"]),
        _object({"remove_stance": _object({"actor": _ID, "issue": _ID}, ["actor", "issue"])},
                ["remove_stance"]),
        _object({"add_actor": _object({"id": _ID, "name": _TEXT, "name_zh": {"type": "string"},
                                       "group": {"type": "string"},
                                       "description": {"type": "string"},
                                       "description_zh": {"type": "string"},
                                       "capability": {"type": "number", "exclusiveMinimum": 0},
                                       "principal": _ID}, ["id", "name", "capability"])},
                ["add_actor"]),
        _object({"remove_actor": _ID}, ["remove_actor"],
                "Remove an actor with its stances and principal memberships."),
        _object({"note": _TEXT, "note_zh": {"type": "string"}}, ["note"],
                "A note for the replay; changes no number."),
        _object({"layer": _ID, "rate": {"type": "number", "minimum": 0},
                 "suspend": {"type": "number", "exclusiveMinimum": 0},
                 "exempt": {"type": "array", "items": _ID}, "until": _DATE,
                 "effective": _DATE,
                 "products": {"oneOf": [{"const": "all"}, {"type": "array", "items": _ID}]},
                 "note": {"type": "string"}}, ["layer"],
                "Tariff files only: a layer's rate, suspension or exemption."),
    ]
    event = _object({"date": _DATE, "title": _TEXT, "title_zh": {"type": "string"},
                     "sources": {"type": "array", "items": _TEXT, "minItems": 1},
                     "sources_zh": {"type": "array", "items": _TEXT,
                                    "description": "The sources in Traditional Chinese, one "
                                    "per source in the same order (scenario events)."},
                     "note": {"type": "string"},
                     "changes": {"type": "array", "items": {"anyOf": changes}, "minItems": 1}},
                    ["date", "title", "sources", "changes"])
    return {
        "title": "grandbargain events file",
        "description": "Dated events (format grandbargain-events/1): scenario changes for "
                       "timelines, or tariff layer changes for the tariff stack.",
        "type": "object",
        "properties": {
            "format": {"const": "grandbargain-events/1"}, "id": _ID, "title": _TEXT,
            "title_zh": {"type": "string"}, "description": {"type": "string"},
            "as_of": _DATE, "scenario": {"type": "string",
                                         "description": "The base scenario (id or path)."},
            "products": {"type": "array", "items": {"type": "object"}},
            "layers": {"type": "array", "items": {"type": "object"}},
            "issues": {"type": "object"},
            "events": {"type": "array", "items": event},
        },
        "required": ["format", "as_of", "events"],
        "additionalProperties": False,
    }
