"""The report's optional sections, one builder each, and whether their module is in this build.

A section is `{"status": "ok" | "unavailable" | "not_run", "note": str, ...}`. "unavailable"
only when the module that computes it cannot be imported; "not_run" when it can but this run
did not include it (the note says how to include it).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grandbargain.models import ModelResult
from grandbargain.scenario import Scenario


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _unavailable(module: str) -> dict[str, Any]:
    return {"status": "unavailable", "note": f"module {module} is not in this build"}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- expected-utility trajectories ----------------------------------------------------------

def _runs(result: ModelResult) -> Mapping[str, Any] | None:
    runs = result.detail.get("runs") if result.detail else None
    return runs if isinstance(runs, Mapping) else None


def trajectories(scenario: Scenario, results: Sequence[ModelResult], lang: str,
                 extras: Mapping[str, Any]) -> dict[str, Any]:
    """Median, mean and every actor's position per round, for each model that records runs."""
    with_runs = [r for r in results if _runs(r) is not None]
    if not with_runs:
        return {"status": "not_run",
                "note": "no expected-utility model in this run (add --model eu)"}
    issues = []
    for issue in scenario.issues:
        per_model = {}
        for result in with_runs:
            run = _runs(result).get(issue.id)
            if run is None:
                continue
            actors = [{"id": a, "name": scenario.actor(a).text(lang),
                       "path": [_num(run.start_positions[k]),
                                *(_num(r.positions[k]) for r in run.rounds)]}
                      for k, a in enumerate(run.actors)]
            per_model[result.model] = {
                "median": [_num(run.start_median), *(_num(r.median) for r in run.rounds)],
                "mean": [_num(run.start_mean), *(_num(r.mean) for r in run.rounds)],
                "stopped": run.stopped,
                "actors": actors,
                "moves": [{"round": r.number, "actor": o.actor, "proposer": o.proposer,
                           "kind": o.kind, "start": _num(o.start), "end": _num(o.end)}
                          for r in run.rounds for o in r.offers],
            }
        issues.append({"id": issue.id, "runs": per_model})
    return {"status": "ok", "note": "",
            "models": [{"name": r.model, "label": r.label} for r in with_runs],
            "issues": issues}


# --- the registry ---------------------------------------------------------------------------

Builder = Callable[[Scenario, Sequence[ModelResult], str, Mapping[str, Any]], dict[str, Any]]

#: section name -> (module that computes it, builder or None while the report cannot show it)
SECTIONS: dict[str, tuple[str, Builder | None]] = {
    "trajectories": ("grandbargain.models.expected_utility", trajectories),
    "exchanges": ("grandbargain.models.exchange", None),
    "deals": ("grandbargain.deals._frontier", None),
}


def optional_sections(scenario: Scenario, results: Sequence[ModelResult], lang: str,
                      extras: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, (module, build) in SECTIONS.items():
        if not module_available(module):
            out[name] = _unavailable(module)
        elif build is None:
            out[name] = {"status": "unavailable",
                         "note": f"{module} is present but this report cannot show it yet"}
        else:
            out[name] = build(scenario, results, lang, extras)
    return out
