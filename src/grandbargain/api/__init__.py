"""The Python API: what `import grandbargain as gb` offers in a notebook or a script.

One function per command, with keyword-only options named as the command's flags
(`--bottom-line-draws` -> `bottom_line_draws=`, `--red-line` -> `red_line=`, `--model` ->
`models=`), each returning a result whose `.to_dict()` is the document the command prints with
`--format json`, `.to_frame()` a tidy pandas DataFrame and `_repr_html_` a compact table with
the bottom line first. The documents come from the same core builders the commands use, so the
numbers cannot differ. Scenarios are loaded (`load`), listed (`scenarios`), built
(`make_scenario`) and edited (`Scenario.replace`, `Scenario.with_stance`) with every change
checked by the loader's own validator. Errors are `ScenarioError`s naming the field.
pandas is needed only for `.to_frame()`.
"""

from grandbargain.api import ledger, tariffs
from grandbargain.api._commands import (
    Deals,
    Exchanges,
    NegotiationRun,
    Rounds,
    Timeline,
    Validation,
    deals,
    exchanges,
    negotiate,
    rounds,
    timeline,
    validate,
)
from grandbargain.api._forecast import Forecast, Report, Simulation, forecast, report, simulate
from grandbargain.api._result import Result
from grandbargain.api._scenario import (
    ScenarioList,
    load,
    make_scenario,
    replace,
    scenarios,
    with_stance,
)

__all__ = [
    "Deals",
    "Exchanges",
    "Forecast",
    "NegotiationRun",
    "Report",
    "Result",
    "Rounds",
    "ScenarioList",
    "Simulation",
    "Timeline",
    "Validation",
    "deals",
    "exchanges",
    "forecast",
    "ledger",
    "load",
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
