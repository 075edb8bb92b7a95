"""Run a simulation on the chosen backend and turn it into one JSON-ready document."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from grandbargain import __version__
from grandbargain.models._labels import model_label
from grandbargain.uncertainty._montecarlo import (
    Progress,
    Samples,
    Simulation,
    chunk_streams,
    run_in_process,
)
from grandbargain.uncertainty._noise import Draws, base_inputs, draw_inputs
from grandbargain.uncertainty._protocol import batch_path, forecast_draws
from grandbargain.uncertainty._summary import (
    ENSEMBLE,
    check_weights,
    distribution_summary,
    ensemble,
    point_outside,
)


def run_simulation(sim: Simulation, workers: int | None = None, scheduler: str | None = None,
                   progress: Progress | None = None) -> Samples:
    """In-process by default; `workers` local processes (forked, U-14; a local Dask cluster
    where fork is not available); or the Dask `scheduler` given."""
    if workers is None and scheduler is None:
        return run_in_process(sim, progress)
    if scheduler is None:
        from grandbargain.uncertainty._forks import fork_available, run_on_forks

        if fork_available():
            return run_on_forks(sim, workers, progress)
    from grandbargain.uncertainty._dask import run_on_dask

    return run_on_dask(sim, workers, scheduler, progress)


PROBE_DRAWS = 64  # draws timed per batched model when one draw says the run may be long


def estimate_seconds(sim: Simulation, workers: int | None = None,
                     budget: float = 60.0) -> float:
    """A quick estimate of the run's time (seconds) from a few timed draws per model (and of
    the deal search). First one draw each: the cost of a batch call is a fixed part plus a part
    per draw, so one draw per chunk-sized batch bounds it from above. Only when that bound
    exceeds `budget`, each model fast enough to afford it is timed again on `PROBE_DRAWS`
    draws, which separates the fixed part (paid once per chunk) from the part per draw. The
    timed draws are thrown away: the run's numbers do not depend on the estimate. With
    `workers`, divided among them (their start-up not counted)."""
    size = min(PROBE_DRAWS, sim.draws)
    base = base_inputs(sim.scenario, sim.noise)
    probe = draw_inputs(base, sim.noise, chunk_streams(sim.seed, 0), size)
    models = [spec.build() for spec in sim.models]
    # (task, whether a batch of draws shares a fixed cost): the loops pay every draw in full
    tasks = [((lambda d, m=m: forecast_draws(m, sim.scenario, d, sim.batched)),
              sim.batched and batch_path(m).startswith("batched")) for m in models]
    if sim.deals is not None:
        from grandbargain.uncertainty._deals import nash_packages

        tasks.append(((lambda d: nash_packages(sim.scenario, d, sim.deals)), False))

    def timed(task, k: int) -> float:
        start = time.perf_counter()
        task(_first(probe, k))
        return time.perf_counter() - start

    chunks = sim.chunk_count
    for task, _ in tasks:  # first calls load lazy imports and compiled kernels: untimed
        task(_first(probe, 1))
    one = [timed(task, 1) for task, _ in tasks]
    seconds = sum(one) * sim.draws
    if seconds > budget and size > 1:
        seconds = 0.0
        for (task, batched), fixed in zip(tasks, one, strict=True):
            if not batched:
                seconds += fixed * sim.draws
                continue
            many = timed(task, size)
            per_draw = max((many - fixed) / (size - 1), 0.1 * many / size)
            seconds += chunks * max(fixed - per_draw, 0.0) + per_draw * sim.draws
    if workers:
        seconds /= min(workers, chunks)
    return seconds


def _first(draws: Draws, k: int) -> Draws:
    return Draws(draws.positions[:k], draws.saliences[:k], draws.capabilities[:k])


def point_forecasts(sim: Simulation) -> dict[str, np.ndarray]:
    """Each model's forecast on the scenario as stated: name -> (issues,), NaN for none."""
    out = {}
    for spec in sim.models:
        result = spec.build().forecast(sim.scenario)
        out[spec.cls.name] = np.array([np.nan if v is None else v
                                       for v in result.values().values()], dtype=float)
    return out


def uncertainty_document(sim: Simulation, samples: Samples,
                         weights: Mapping[str, float] | None = None,
                         lang: str = "en") -> dict[str, Any]:
    """Per issue and model: the point forecast and the draws' summary; plus the ensemble."""
    scenario = sim.scenario
    weights = check_weights(sim.model_names, weights)
    points = point_forecasts(sim)
    values = dict(samples.values)
    values[ENSEMBLE] = ensemble(samples.values, weights)
    points[ENSEMBLE] = ensemble(points, weights)
    models = [spec.build() for spec in sim.models]
    base = base_inputs(scenario, sim.noise)
    issues = []
    for d, issue in enumerate(scenario.issues):
        forecasts = {}
        for name, array in values.items():
            point = float(points[name][d]) if np.isfinite(points[name][d]) else None
            summary = distribution_summary(issue, array[:, d], lang)
            forecasts[name] = {"point": point, **summary,
                               "point_outside": point_outside(point, summary)}
        issues.append({"id": issue.id, "name": issue.text(lang), "unit": issue.unit_text(lang),
                       "scale": [issue.low, issue.high], "status_quo": issue.status_quo,
                       "forecasts": forecasts})
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang),
                     "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                     "source": scenario.source},
        "simulation": {"draws": sim.draws, "seed": sim.seed, "chunk_size": sim.chunk_size,
                       "noise": sim.noise.as_dict(),
                       "stance_ranges_used": int(base.has_range.sum()),
                       "uncertain_inputs": bool(base.uncertain or sim.noise.salience > 0
                                                or sim.noise.capability > 0)},
        "models": [{"name": m.name, "label": model_label(m.name, m.label, lang),
                    "params": dict(m.get_params()),
                    "path": batch_path(m) if sim.batched else "loop"} for m in models],
        "ensemble": {"weights": weights},
        "issues": issues,
    }
