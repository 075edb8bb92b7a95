"""Alternating-offers negotiation between principals (time-dependent, tit-for-tat and
best-response strategies) over the packages of a scenario.

    from grandbargain import load_scenario
    from grandbargain.deals import deal_space
    from grandbargain.negotiate import build_arena, negotiate, parse_deadline, parse_strategy
    scenario = load_scenario()
    arena = build_arena(deal_space(scenario))
    result = negotiate(arena, [parse_strategy("conceder"), parse_strategy("boulware")],
                       parse_deadline("2025-08-12", scenario.as_of))

The deal space comes from a scenario's principals (`grandbargain.deals.deal_space`) or from a
Genius/GeniusWeb domain (`grandbargain.deals.read_domain`); `build_arena` enumerates its
packages once, and every negotiation and tournament over it reads those arrays.
"""

from grandbargain.negotiate._arena import Arena, ArenaTooLarge, build_arena
from grandbargain.negotiate._deadline import DEFAULT_PACE, Deadline, parse_deadline
from grandbargain.negotiate._measures import Benchmarks, Measures, benchmarks, measure
from grandbargain.negotiate._protocol import Negotiation, negotiate
from grandbargain.negotiate._scenario import default_strategies
from grandbargain.negotiate._strategies import (
    SPEC_HELP,
    TOURNAMENT_FIELD,
    Acceptance,
    AcceptConstant,
    AcceptNext,
    AcceptTime,
    BestResponse,
    Hardliner,
    Strategy,
    TimeDependent,
    TitForTat,
    frequency_model,
    parse_strategy,
    target_utility,
)
from grandbargain.negotiate._tournament import Tournament, tournament, tournament_on_dask

__all__ = [
    "DEFAULT_PACE",
    "SPEC_HELP",
    "TOURNAMENT_FIELD",
    "AcceptConstant",
    "AcceptNext",
    "AcceptTime",
    "Acceptance",
    "Arena",
    "ArenaTooLarge",
    "Benchmarks",
    "BestResponse",
    "Deadline",
    "Hardliner",
    "Measures",
    "Negotiation",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "Tournament",
    "benchmarks",
    "build_arena",
    "default_strategies",
    "frequency_model",
    "measure",
    "negotiate",
    "parse_deadline",
    "parse_strategy",
    "target_utility",
    "tournament",
    "tournament_on_dask",
]
