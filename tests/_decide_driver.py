"""Runs PyPI `decide-exchange-model` 2022.1.28 and prints what it did as JSON on stdout.

This script runs inside the separate virtual environment that holds the reference package (its
pinned numpy 1.23 / pandas 1.5 / PyQt5 would break the project's own environment), never in the
project's. Usage: `python _decide_driver.py FILE ROUNDS SEED[,SEED...] [deterministic]` prints
a JSON list, one run per seed. See `_decide_reference.py`.

With `deterministic`, the two places where the reference's result is decided by chance are made
deterministic, and nothing else is changed (docs/decisions.md, EX-01 and EX-04):
- ties: among the valid exchanges whose gains tie (within its own 1e-20), the one created first
  is carried out, and none is put back into the list twice;
- an expected outcome within 1e-9 of the demander's position counts as exactly at it (where the
  reference's 28-digit decimals leave it a hair to one side or the other, or exactly on it).
grandbargain with `tie_break="ordered", variant="decide"` follows the same two rules, so the
two can be compared exchange by exchange over many rounds.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")


def _num(value) -> float:
    return float(value)


def _order_ties(model) -> None:
    """Patch one model object: ties go to the earliest-created valid exchange."""
    created = iter(range(10**9))
    add_exchange = model.add_exchange

    def tagged_add_exchange(*args, **kwargs):
        exchange = add_exchange(*args, **kwargs)
        exchange.created = next(created)
        return exchange

    def highest_gain():
        valid = [e for e in model.exchanges if e.is_valid]
        if not valid:
            return model.exchanges.pop(0)
        top = max(e.gain for e in valid)
        tied = [e for e in valid if abs(top - e.gain) < 1e-20]
        chosen = min(tied, key=lambda e: e.created)
        model.exchanges = [e for e in model.exchanges if e is not chosen]
        if len(tied) > 1:
            model.tie_count += 1
        return chosen

    model.add_exchange = tagged_add_exchange
    model.highest_gain = highest_gain


def _outcome_at_demander_is_exact() -> None:
    """Patch the class: an outcome within 1e-9 of the demander's position is at it."""
    from decide.model import base

    check_nbs = base.AbstractExchangeActor.check_nbs

    def patched(self):
        start = self.adjust_nbs(self.supply.position)
        if abs(self.opposite_actor.demand.position - start) <= 1e-9:
            self.nbs_0, self.nbs_1 = start, self.adjust_nbs(self.y)
            return
        check_nbs(self)

    base.AbstractExchangeActor.check_nbs = patched


def main(path: str, rounds: int, seed: int, deterministic: bool = False) -> dict:
    from decide.data.modelfactory import ModelFactory
    from decide.data.reader import InputDataFile
    from decide.model.equalgain import EqualGainModel
    from decide.model.observers.observer import Observable, Observer
    from decide.model.utils import ModelLoop

    random.seed(seed)
    started = time.perf_counter()
    model = ModelFactory(InputDataFile.open(path)).create(model_klass=EqualGainModel,
                                                          randomized_value="0")
    if deterministic:
        _order_ties(model)
    issues = {issue.name: {"low": _num(issue.lower), "high": _num(issue.upper)}
              for issue in model.issues}
    record: list[dict] = []

    class Recorder(Observer):
        def before_loop(self, iteration, repetition):
            record.append({"round": iteration,
                           "start": {i.name: _num(v) for i, v in self.model_ref.nbs.items()},
                           "ties_before": self.model_ref.tie_count, "exchanges": []})

        def _execute_equal_exchange(self, exchange):
            sides = []
            for side in (exchange.i, exchange.j):
                sides.append({"actor": side.actor.actor_id, "supply": side.supply.issue.name,
                              "demand": side.demand.issue.name,
                              "from": _num(side.supply.position), "to": _num(side.y),
                              "round_start": _num(side.start_position),
                              "demand_position": _num(side.demand.position),
                              "gain": _num(side.eu)})
            record[-1]["exchanges"].append({"gain": _num(exchange.gain), "i": sides[0],
                                            "j": sides[1],
                                            "ties_so_far": self.model_ref.tie_count})

        def end_loop(self, iteration, repetition):
            record[-1]["outcome"] = {i.name: _num(v) for i, v in self.model_ref.nbs.items()}
            record[-1]["ties"] = self.model_ref.tie_count - record[-1]["ties_before"]

    observable = Observable(model, None)
    Recorder(observable)
    loop = ModelLoop(model, observable, 0)
    built = time.perf_counter()
    for _ in range(rounds):
        loop.loop()
    finished = time.perf_counter()
    return {"issues": issues, "actors": [a.actor_id for a in model.actors],
            "rounds": record, "seed": seed, "deterministic": deterministic,
            "seconds": {"build": built - started, "loop": finished - built}}


if __name__ == "__main__":
    file, rounds, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    deterministic = sys.argv[4:5] == ["deterministic"]
    if deterministic:
        _outcome_at_demander_is_exact()
    json.dump([main(file, rounds, int(seed), deterministic) for seed in seeds], sys.stdout)
