"""One call from a deal space to everything a report shows: frontier, ZOPA, solutions and the
concessions and logrolls of each solution's package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from grandbargain.deals._frontier import Frontier, pareto_frontier
from grandbargain.deals._logroll import Concession, Logroll, Move, concessions, logrolls, moves
from grandbargain.deals._solutions import SOLUTIONS, Solution, Zopa, solve, zopa
from grandbargain.deals._space import DealSpace


@dataclass(frozen=True, eq=False)
class SolutionTerms:
    """A solution with who concedes what (per issue), its moves from no deal and its logrolls."""

    solution: Solution
    concessions: tuple[tuple[Concession, ...], ...]
    moves: tuple[Move, ...]
    logrolls: tuple[Logroll, ...]


@dataclass(frozen=True, eq=False)
class DealAnalysis:
    space: DealSpace
    frontier: Frontier
    zopa: Zopa
    solutions: Mapping[str, SolutionTerms | None]


def analyse(space: DealSpace, *, top: int = 5, ties: str = "all", seed: int = 0) -> DealAnalysis:
    """Frontier, ZOPA and every bargaining solution of a deal space, with their logrolls."""
    frontier = pareto_frontier(space, ties=ties)
    found = solve(frontier, names=SOLUTIONS)
    terms: dict[str, SolutionTerms | None] = {}
    for name, solution in found.items():
        if solution is None:
            terms[name] = None
            continue
        terms[name] = SolutionTerms(
            solution=solution,
            concessions=tuple(tuple(row) for row in concessions(space, solution.package)),
            moves=tuple(moves(space, solution.package)),
            logrolls=tuple(logrolls(space, solution.package, top=top)))
    return DealAnalysis(space=space, frontier=frontier, zopa=zopa(frontier, seed=seed),
                        solutions=MappingProxyType(terms))
