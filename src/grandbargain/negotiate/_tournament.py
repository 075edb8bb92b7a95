"""Tournaments: every ordered pair of strategies (who opens matters) negotiates over one arena.

The result holds one row per pair and, per strategy, its agreement rate, its mean utility over
all its games (reservation value when there is no deal) and the mean distance of its deals from
the Nash package. Deterministic: no strategy here is random.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from grandbargain.negotiate._arena import Arena
from grandbargain.negotiate._deadline import Deadline
from grandbargain.negotiate._measures import Benchmarks, benchmarks, measure
from grandbargain.negotiate._protocol import negotiate
from grandbargain.negotiate._strategies import Strategy


@dataclass(frozen=True, eq=False)
class Tournament:
    names: tuple[str, ...]  # the strategies' specs
    opener: np.ndarray  # (G,) index into names of the party-0 strategy (it opens)
    responder: np.ndarray  # (G,) index of the party-1 strategy
    agreed: np.ndarray  # (G,) bool
    rounds: np.ndarray  # (G,) round of agreement (0 without)
    utilities: np.ndarray  # (G, 2) party 0, party 1
    nash_distance: np.ndarray  # (G,) NaN without agreement
    frontier_distance: np.ndarray  # (G,)
    deadline: Deadline

    def summary(self) -> list[dict]:
        """Per strategy: games, agreement rate, mean utility, mean distance from Nash."""
        out = []
        for k, name in enumerate(self.names):
            as0, as1 = self.opener == k, self.responder == k
            games = int(as0.sum() + as1.sum())
            mine = np.concatenate([self.utilities[as0, 0], self.utilities[as1, 1]])
            agreed = np.concatenate([self.agreed[as0], self.agreed[as1]])
            nash = np.concatenate([self.nash_distance[as0], self.nash_distance[as1]])
            out.append({"strategy": name, "games": games,
                        "agreement_rate": float(agreed.mean()) if games else 0.0,
                        "mean_utility": float(mine.mean()) if games else 0.0,
                        "mean_nash_distance": float(np.nanmean(nash)) if agreed.any() else None})
        return sorted(out, key=lambda row: -row["mean_utility"])


def tournament(arena: Arena, strategies: Sequence[Strategy], deadline: Deadline | int, *,
               discount: float | None = None, marks: Benchmarks | None = None,
               progress: Callable[[int, int], None] | None = None) -> Tournament:
    """Every ordered pair (a, b) of `strategies`, a playing party 0 and opening."""
    if arena.n_parties != 2:
        raise ValueError("a tournament pairs two parties; this deal space has "
                         f"{arena.n_parties}")
    if isinstance(deadline, int):
        deadline = Deadline(deadline)
    marks = marks or benchmarks(arena)
    n = len(strategies)
    pairs = [(a, b) for a in range(n) for b in range(n)]
    agreed = np.zeros(len(pairs), dtype=bool)
    rounds = np.zeros(len(pairs), dtype=np.int64)
    utilities = np.zeros((len(pairs), 2))
    nash = np.full(len(pairs), np.nan)
    frontier = np.zeros(len(pairs))
    for g, (a, b) in enumerate(pairs):
        result = negotiate(arena, [strategies[a], strategies[b]], deadline, discount=discount)
        found = measure(result, marks)
        agreed[g] = result.agreed
        rounds[g] = result.round or 0
        utilities[g] = result.discounted
        if result.agreed and found.nash_distance is not None:
            nash[g] = found.nash_distance
        frontier[g] = found.frontier_distance
        if progress is not None:
            progress(g + 1, len(pairs))
    return Tournament(names=tuple(s.spec for s in strategies),
                      opener=np.array([a for a, _ in pairs]),
                      responder=np.array([b for _, b in pairs]), agreed=agreed, rounds=rounds,
                      utilities=utilities, nash_distance=nash, frontier_distance=frontier,
                      deadline=deadline)
