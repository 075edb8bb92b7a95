"""grandbargain: forecast and design multi-issue, multi-actor bargains between governments.

Data flow: a scenario file is read and validated at the edge (`grandbargain.scenario`) into a
frozen `Scenario`; a model (`grandbargain.models`) turns it into a frozen result; the CLI, the
reports and the stores render or keep that result.
"""

from grandbargain.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario"]
