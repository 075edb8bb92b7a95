"""How good an outcome is: its distance (in utility space) from the Nash package and from the
Pareto frontier of the deal space."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grandbargain.deals import pareto_frontier, solve
from grandbargain.negotiate._arena import Arena
from grandbargain.negotiate._protocol import Negotiation


@dataclass(frozen=True, eq=False)
class Benchmarks:
    """The frontier's utility points and the Nash package of an arena's deal space."""

    frontier: np.ndarray  # (F, P)
    nash_package: tuple[int, ...] | None
    nash: np.ndarray | None  # (P,)


@dataclass(frozen=True)
class Measures:
    nash_distance: float | None  # Euclidean distance in utility space from the Nash package
    frontier_distance: float  # from the nearest point of the Pareto frontier (0: on it)


def benchmarks(arena: Arena) -> Benchmarks:
    frontier = pareto_frontier(arena.space)
    nash = solve(frontier, names=("nash",)).get("nash")
    return Benchmarks(frontier=np.asarray(frontier.utilities, dtype=float),
                      nash_package=None if nash is None else tuple(int(o) for o in nash.package),
                      nash=None if nash is None else np.asarray(nash.utilities, dtype=float))


def measure(result: Negotiation, marks: Benchmarks) -> Measures:
    point = result.utilities
    gaps = np.sqrt(((marks.frontier - point) ** 2).sum(axis=1))
    nash = None if marks.nash is None else float(np.sqrt(((marks.nash - point) ** 2).sum()))
    return Measures(nash_distance=nash, frontier_distance=float(gaps.min()))
