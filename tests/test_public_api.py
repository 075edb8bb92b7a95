"""The public API is what the packages' __all__ say; this pins it so changes are deliberate."""

from __future__ import annotations

import subprocess
import sys

import grandbargain
import grandbargain.api
import grandbargain.scenario

TOP_LEVEL = {
    # the scenario's frozen parts, its error, and the loader
    "Actor", "Anchor", "Issue", "Principal", "RedLine", "Scenario", "ScenarioError", "Stance",
    "ValueFunction", "__version__", "load_scenario",
    # the notebook API (grandbargain.api): one function per command, ledger/tariffs namespaces
    "deals", "exchanges", "forecast", "ledger", "load", "make_scenario", "negotiate", "replace",
    "report", "rounds", "scenarios", "simulate", "tariffs", "timeline", "validate", "with_stance",
}


def test_top_level_api():
    assert set(grandbargain.__all__) == TOP_LEVEL
    assert len(grandbargain.__all__) == len(TOP_LEVEL)
    for name in grandbargain.__all__:
        assert getattr(grandbargain, name) is not None, name
        assert getattr(grandbargain, name).__doc__, f"{name} has no docstring"
    assert set(dir(grandbargain)) >= TOP_LEVEL


def test_api_module_names():
    assert set(grandbargain.api.__all__) == {
        "Deals", "Exchanges", "Forecast", "NegotiationRun", "Report", "Result", "Rounds",
        "ScenarioList",
        "Simulation", "Timeline", "Validation", "deals", "exchanges", "forecast", "ledger",
        "load", "make_scenario", "negotiate", "replace", "report", "rounds", "scenarios",
        "simulate", "tariffs", "timeline", "validate", "with_stance",
    }
    assert set(grandbargain.api.ledger.__all__) == {"LedgerEntries", "LedgerScores", "entries",
                                                     "record", "score", "verify"}
    assert set(grandbargain.api.tariffs.__all__) == {"Formula", "Stack", "formula", "stack"}
    for module in (grandbargain.api, grandbargain.api.ledger, grandbargain.api.tariffs):
        for name in module.__all__:
            assert getattr(module, name).__doc__, f"{module.__name__}.{name} has no docstring"


def test_import_grandbargain_stays_cheap():
    """The API's names load on first use: importing the package pulls in no numpy/pandas."""
    code = ("import sys, grandbargain; heavy = [m for m in ('numpy', 'pandas', 'pydantic', "
            "'grandbargain.api', 'grandbargain.scenario') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


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
