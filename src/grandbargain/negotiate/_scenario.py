"""Each principal's strategy: the scenario's `strategy:` under the principal, overridden by the
caller (e.g. the command line's --us conceder), linear concession where neither says."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from grandbargain.negotiate._strategies import Strategy, parse_strategy
from grandbargain.scenario import Scenario, ScenarioError

FALLBACK = "linear"


def default_strategies(scenario: Scenario | None, parties: Sequence[str],
                       overrides: Mapping[str, str] | None = None,
                       origin: str | Mapping[str, str] = "--strategy"
                       ) -> tuple[list[Strategy], list[str]]:
    """Per party (in `parties` order) its strategy and where it came from ('scenario',
    'command line' or 'default'). Bad names raise ScenarioError naming the field or option."""
    overrides = dict(overrides or {})
    where_given = origin if isinstance(origin, Mapping) else {}
    origin = "--strategy" if isinstance(origin, Mapping) else origin
    unknown = [k for k in overrides if k not in parties]
    if unknown:
        raise ScenarioError.single(origin, f"unknown party {', '.join(unknown)} (the parties: "
                                   f"{', '.join(parties)})")
    stated = {}
    if scenario is not None:
        stated = {p.id: p.strategy for p in scenario.principals if getattr(p, "strategy", "")}
    strategies, origins = [], []
    for party in parties:
        if party in overrides:
            text, where, how = overrides[party], where_given.get(party, origin), "command line"
        elif party in stated:
            text, how = stated[party], "scenario"
            index = next(i for i, p in enumerate(scenario.principals) if p.id == party)
            where = f"principals.{index}.strategy"
        else:
            text, where, how = FALLBACK, "", "default"
        try:
            strategies.append(parse_strategy(text))
        except ValueError as exc:
            if how == "scenario":
                raise ScenarioError.single(scenario.source or scenario.id, str(exc),
                                           field=where) from None
            raise ScenarioError.single(where or origin, f"{party}: {exc}") from None
        origins.append(how)
    return strategies, origins
