"""grandbargain: forecast and design multi-issue, multi-actor bargains between governments.

Data flow: a scenario file is read and validated at the edge (`grandbargain.scenario`) into a
frozen `Scenario`; a model (`grandbargain.models`) turns it into a frozen result; the CLI, the
reports and the stores render or keep that result.

In Python (`import grandbargain as gb`; see `grandbargain.api` and docs/tutorial.ipynb):

    s = gb.load("us-china-2025-07")
    f = gb.forecast(s.with_stance("us_hawks", "ai_chip_exports", position=60))
    f.to_frame()          # one row per issue and model (pandas)
    f.to_dict()           # the document `grandbargain forecast --format json` prints

The names below are imported on first use (PEP 562), so that `import grandbargain.cli` (and
`grandbargain --help`) does not pay for the scenario package, numpy or pandas.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_SCENARIO_NAMES = ("Actor", "Anchor", "Issue", "Principal", "RedLine", "Scenario",
                   "ScenarioError", "Stance", "ValueFunction", "load_scenario")
_API_NAMES = ("deals", "exchanges", "forecast", "ledger", "load", "make_scenario", "negotiate",
              "replace", "report", "rounds", "scenarios", "simulate", "tariffs", "timeline",
              "validate", "with_stance")

__all__ = [
    "Actor",
    "Anchor",
    "Issue",
    "Principal",
    "RedLine",
    "Scenario",
    "ScenarioError",
    "Stance",
    "ValueFunction",
    "__version__",
    "deals",
    "exchanges",
    "forecast",
    "ledger",
    "load",
    "load_scenario",
    "make_scenario",
    "negotiate",
    "replace",
    "report",
    "rounds",
    "scenarios",
    "simulate",
    "tariffs",
    "timeline",
    "validate",
    "with_stance",
]

if TYPE_CHECKING:
    from grandbargain.api import (
        deals,
        exchanges,
        forecast,
        ledger,
        load,
        make_scenario,
        negotiate,
        replace,
        report,
        rounds,
        scenarios,
        simulate,
        tariffs,
        timeline,
        validate,
        with_stance,
    )
    from grandbargain.scenario import (
        Actor,
        Anchor,
        Issue,
        Principal,
        RedLine,
        Scenario,
        ScenarioError,
        Stance,
        ValueFunction,
        load_scenario,
    )


# `deals`, `negotiate`, `report`, `timeline` and `validate` are also subpackages: `gb.deals` is
# the package `grandbargain.deals`, made callable so that `gb.deals(...)` runs
# `grandbargain.api.deals(...)` (the import system sets a subpackage as its parent's attribute,
# which would otherwise hide the function). The package's own names
# (`grandbargain.deals.analyse`, ...) stay as they are.
_CALLABLE_PACKAGES = ("deals", "negotiate", "report", "timeline", "validate")


class _CallablePackage(types.ModuleType):
    """A subpackage that is also the API function of its name."""

    def __call__(self, *args, **kwargs):
        import grandbargain.api as api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        if name in _CALLABLE_PACKAGES and type(value) is types.ModuleType:
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name in _SCENARIO_NAMES:
        import grandbargain.scenario as scenario

        return getattr(scenario, name)
    if name in _CALLABLE_PACKAGES:
        import importlib

        return importlib.import_module(f"grandbargain.{name}")
    if name in _API_NAMES:
        import grandbargain.api as api

        return getattr(api, name)
    raise AttributeError(f"module 'grandbargain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
