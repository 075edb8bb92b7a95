"""Scenarios: the issues, actors and stances of a bargaining situation.

Owns the file formats (YAML, BDM tables, KTAB, Decide, DEU), validation with located errors,
`extends:` overlays, the shipped scenarios, and the frozen `Scenario` with its numpy arrays that
every model reads.

Importing this package stays cheap (no pydantic, YAML or numpy): the format's pydantic models
load when a file is first validated, numpy when a scenario's arrays are first built.
"""

from typing import Any

from grandbargain.scenario._deu import read_capabilities
from grandbargain.scenario._errors import Location, Problem, ScenarioError
from grandbargain.scenario._export import scenario_to_document, write_scenario
from grandbargain.scenario._load import (
    DEFAULT_SCENARIO,
    FORMATS,
    builtin_scenarios,
    load_scenario,
    require_stances,
)
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


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (for editors' completion and checks)."""
    from grandbargain.scenario._schema import json_schema as build

    return build()


__all__ = [
    "DEFAULT_SCENARIO",
    "FORMATS",
    "Actor",
    "Anchor",
    "Issue",
    "Location",
    "Principal",
    "Problem",
    "RedLine",
    "Scenario",
    "ScenarioError",
    "Stance",
    "ValueFunction",
    "builtin_scenarios",
    "json_schema",
    "load_scenario",
    "read_capabilities",
    "require_stances",
    "scenario_to_document",
    "write_scenario",
]
