"""Package deals between principals: exact Pareto frontiers over the product of per-issue
options, bargaining solutions (Nash, Kalai-Smorodinsky, egalitarian, utilitarian), the ZOPA and
logrolls (who concedes what).

    from grandbargain import load_scenario
    from grandbargain.deals import analyse, deal_space
    result = analyse(deal_space(load_scenario()))
    result.solutions["nash"].solution.package

Benchmark domains: `read_domain(folder)` reads Genius XML and GeniusWeb JSON domains.
"""

from grandbargain._lazy import lazy_names
from grandbargain.deals._analysis import DealAnalysis, SolutionTerms, analyse
from grandbargain.deals._frontier import Frontier, FrontierTooLarge, pareto_frontier
from grandbargain.deals._logroll import (
    Concession,
    Logroll,
    Move,
    concession_text,
    concessions,
    logroll_text,
    logrolls,
    move_text,
    moves,
)
from grandbargain.deals._pareto import UtilityRangeError
from grandbargain.deals._principals import deal_space, principal_ideals, principal_weights
from grandbargain.deals._solutions import SOLUTIONS, Solution, Zopa, solve, zopa
from grandbargain.deals._space import DealIssue, DealSpace, Exclusion, Interaction, Option, Party

# The Genius readers (and xml.etree) are imported on first use (decision BL-12).
__getattr__, __dir__ = lazy_names(__name__, globals(), {
    "read_domain": "_genius", "read_genius_xml": "_genius", "read_geniusweb": "_genius"})

__all__ = [
    "SOLUTIONS",
    "Concession",
    "DealAnalysis",
    "DealIssue",
    "DealSpace",
    "Exclusion",
    "Frontier",
    "FrontierTooLarge",
    "Interaction",
    "Logroll",
    "Move",
    "Option",
    "Party",
    "Solution",
    "SolutionTerms",
    "UtilityRangeError",
    "Zopa",
    "analyse",
    "concession_text",
    "concessions",
    "deal_space",
    "logroll_text",
    "logrolls",
    "move_text",
    "moves",
    "pareto_frontier",
    "principal_ideals",
    "principal_weights",
    "read_domain",
    "read_genius_xml",
    "read_geniusweb",
    "solve",
    "zopa",
]
