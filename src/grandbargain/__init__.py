"""grandbargain: forecast and design multi-issue, multi-actor bargains between governments.

Data flow: a scenario file is read and validated at the edge (`grandbargain.scenario`) into a
frozen `Scenario`; a model (`grandbargain.models`) turns it into a frozen result; the CLI, the
reports and the stores render or keep that result.

The names below are imported on first use (PEP 562), so that `import grandbargain.cli` (and
`grandbargain --help`) does not pay for the scenario package and numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario"]

if TYPE_CHECKING:
    from grandbargain.scenario import Scenario, ScenarioError, load_scenario


def __getattr__(name: str):
    if name in ("Scenario", "ScenarioError", "load_scenario"):
        import grandbargain.scenario as scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'grandbargain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
