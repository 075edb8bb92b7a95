"""Scenarios: the issues, actors and stances of a bargaining situation.

Owns the file formats (YAML, BDM tables, KTAB, Decide, DEU), validation with located errors,
`extends:` overlays, the shipped scenarios, and the frozen `Scenario` with its numpy arrays that
every model reads.
"""

from grandbargain.scenario._deu import read_capabilities
from grandbargain.scenario._errors import Location, Problem, ScenarioError
from grandbargain.scenario._export import scenario_to_document, write_scenario
from grandbargain.scenario._load import (
    DEFAULT_SCENARIO,
    FORMATS,
    builtin_scenarios,
    load_scenario,
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
from grandbargain.scenario._schema import json_schema

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
    "scenario_to_document",
    "write_scenario",
]
