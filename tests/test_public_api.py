"""The public API is what the packages' __all__ say; this pins it so changes are deliberate."""

from __future__ import annotations

import grandbargain
import grandbargain.scenario


def test_top_level_api():
    assert set(grandbargain.__all__) == {"Scenario", "ScenarioError", "__version__",
                                         "load_scenario"}


def test_scenario_api():
    assert set(grandbargain.scenario.__all__) == {
        "DEFAULT_SCENARIO", "FORMATS", "Actor", "Anchor", "Issue", "Location", "Principal",
        "Problem", "RedLine", "Scenario", "ScenarioError", "Stance", "ValueFunction",
        "builtin_scenarios", "json_schema", "load_scenario", "read_capabilities",
        "scenario_to_document", "write_scenario",
        "require_stances",
    }
    for name in grandbargain.scenario.__all__:
        assert getattr(grandbargain.scenario, name) is not None
