"""Event timelines: dated events that change a scenario (truces, bans, licences), the scenario
as of any date, replays of the models along them, and the forecast ledger.

The events envelope (`grandbargain-events/1`: date, titles, sources, changes) lives in
`_format` and is shared with the tariff stack in trade/; `_events` reads scenario changes,
`_apply` applies them (pure, order-defined, validated like a loaded scenario), `_replay` runs
the models at every event date, `_ledger` keeps the hash-chained record of forecasts.
"""

from grandbargain.timeline._apply import (
    Difference,
    Step,
    apply_events,
    differences,
    replay,
    scenario_as_of,
)
from grandbargain.timeline._events import (
    ScenarioChange,
    ScenarioEvent,
    Timeline,
    parse_timeline,
    read_timeline,
    shipped_history,
)
from grandbargain.timeline._format import FORMAT

__all__ = [
    "FORMAT",
    "Difference",
    "ScenarioChange",
    "ScenarioEvent",
    "Step",
    "Timeline",
    "apply_events",
    "differences",
    "parse_timeline",
    "read_timeline",
    "replay",
    "scenario_as_of",
    "shipped_history",
]
