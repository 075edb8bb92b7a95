"""Tournaments: every ordered pair of strategies (who opens matters) negotiates over one arena.

The result holds one row per pair and, per strategy, its agreement rate, its mean utility over
all its games (reservation value when there is no deal) and the mean distance of its deals from
the Nash package. Deterministic: no strategy here is random, and on Dask (`tournament_on_dask`)
each task plays a fixed slice of the pairs on an arena its worker builds from the deal space once,
and the rows are put back in pair order, so the result is the same with any number of workers.
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


def _play(arena: Arena, strategies: Sequence[Strategy], pairs: Sequence[tuple[int, int]],
          deadline: Deadline, discount: float | None, marks: Benchmarks,
          progress: Callable[[int], None] | None = None) -> np.ndarray:
    """(G, 6) per pair: agreed, round, u0, u1, Nash distance (NaN without deal), frontier
    distance."""
    rows = np.zeros((len(pairs), 6))
    for g, (a, b) in enumerate(pairs):
        result = negotiate(arena, [strategies[a], strategies[b]], deadline, discount=discount)
        found = measure(result, marks)
        nash = found.nash_distance if result.agreed and found.nash_distance is not None \
            else np.nan
        rows[g] = (result.agreed, result.round or 0, *result.discounted, nash,
                   found.frontier_distance)
        if progress is not None:
            progress(g + 1)
    return rows


def _result(strategies, pairs, rows: np.ndarray, deadline: Deadline) -> Tournament:
    return Tournament(names=tuple(s.spec for s in strategies),
                      opener=np.array([a for a, _ in pairs]),
                      responder=np.array([b for _, b in pairs]),
                      agreed=rows[:, 0].astype(bool), rounds=rows[:, 1].astype(np.int64),
                      utilities=rows[:, 2:4].copy(), nash_distance=rows[:, 4].copy(),
                      frontier_distance=rows[:, 5].copy(), deadline=deadline)


def _check(n_parties: int, deadline: Deadline | int) -> Deadline:
    if n_parties != 2:
        raise ValueError(f"a tournament pairs two parties; this deal space has {n_parties}")
    return Deadline(deadline) if isinstance(deadline, int) else deadline


def tournament(arena: Arena, strategies: Sequence[Strategy], deadline: Deadline | int, *,
               discount: float | None = None, marks: Benchmarks | None = None,
               progress: Callable[[int, int], None] | None = None) -> Tournament:
    """Every ordered pair (a, b) of `strategies`, a playing party 0 and opening."""
    deadline = _check(arena.n_parties, deadline)
    marks = marks or benchmarks(arena)
    n = len(strategies)
    pairs = [(a, b) for a in range(n) for b in range(n)]
    rows = _play(arena, strategies, pairs, deadline, discount, marks,
                 None if progress is None else (lambda done: progress(done, len(pairs))))
    return _result(strategies, pairs, rows, deadline)


def _task(space, strategies, pairs, deadline, discount) -> np.ndarray:
    """One Dask task: the arena (built once per worker process) and a slice of the pairs."""
    from grandbargain.negotiate._arena import cached_arena

    arena = cached_arena(space)
    return _play(arena, strategies, pairs, deadline, discount, _cached_marks(arena))


_MARKS: dict[int, Benchmarks] = {}


def _cached_marks(arena: Arena) -> Benchmarks:
    key = id(arena)
    if key not in _MARKS:
        _MARKS.clear()
        _MARKS[key] = benchmarks(arena)
    return _MARKS[key]


def tournament_on_dask(space, strategies: Sequence[Strategy], deadline: Deadline | int, *,
                       workers: int | None = None, scheduler: str | None = None,
                       discount: float | None = None, chunk: int = 10,
                       progress: Callable[[int, int], None] | None = None) -> Tournament:
    """`tournament` on Dask: `workers` local processes or a `scheduler` (tcp://HOST:PORT); each
    task plays `chunk` pairs. The same result as in process (rows in pair order)."""
    from grandbargain.uncertainty._dask import _distributed, dask_client

    deadline = _check(space.n_parties, deadline)
    n = len(strategies)
    pairs = [(a, b) for a in range(n) for b in range(n)]
    slices = [pairs[k:k + chunk] for k in range(0, len(pairs), chunk)]
    distributed = _distributed()
    with dask_client(workers, scheduler) as client:
        shared = client.scatter(space, broadcast=True, hash=False)
        futures = [client.submit(_task, shared, list(strategies), part, deadline, discount,
                                 pure=False) for part in slices]
        index = {f.key: k for k, f in enumerate(futures)}
        parts: list[np.ndarray | None] = [None] * len(slices)
        done = 0
        for future in distributed.as_completed(futures):
            k = index[future.key]
            parts[k] = future.result()
            done += len(slices[k])
            if progress is not None:
                progress(done, len(pairs))
    return _result(strategies, pairs, np.concatenate(parts), deadline)
