"""Local worker processes (`--workers N`, forked) and the compiled expected-utility kernels:
the same numbers as the run in process and as the numpy path (U-13, U-14)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from grandbargain.models import (
    CompromiseModel,
    ExpectedUtilityModel,
    Model,
    ScholzExpectedUtilityModel,
)
from grandbargain.scenario import load_scenario
from grandbargain.uncertainty import Noise, run_simulation, simulation
from grandbargain.uncertainty import _eu_batched as batched
from grandbargain.uncertainty._forks import fork_available, run_on_forks

NOISE = Noise(position=10, salience=15, capability=20)
needs_fork = pytest.mark.skipif(not fork_available(), reason="fork is not available here")


@needs_fork
@pytest.mark.parametrize("workers", [1, 2, 5])
def test_forked_workers_give_the_same_bits_as_in_process(workers):
    sim = simulation(load_scenario(), [CompromiseModel(), ScholzExpectedUtilityModel()], NOISE,
                     draws=70, seed=3, chunk_size=20)
    here = run_simulation(sim)
    seen = []
    there = run_simulation(sim, workers=workers, progress=seen.append)
    assert sorted(seen) == [10, 20, 20, 20]  # each chunk's draws, as it comes back
    for name in sim.model_names:
        np.testing.assert_array_equal(there.values[name], here.values[name])


class Broken(Model):
    name = "broken"
    label = "Fails on purpose"

    def __init__(self) -> None:
        pass

    def forecast(self, scenario):
        raise ValueError("on purpose")


@needs_fork
def test_a_failing_worker_is_reported_not_hung():
    sim = simulation(load_scenario(), [Broken()], NOISE, draws=4, chunk_size=2)
    with pytest.raises(RuntimeError, match="ValueError: on purpose"):
        run_on_forks(sim, 2)


@pytest.mark.skipif(batched.compiled() is None, reason="numba is not installed")
@pytest.mark.parametrize("actors", [3, 9, 70, 140])  # counts / binary search; pairwise sums
@pytest.mark.parametrize("model", [ExpectedUtilityModel(), ScholzExpectedUtilityModel(),
                                   ExpectedUtilityModel(q=0.5, risk="first-round"),
                                   ExpectedUtilityModel(width="current",
                                                        offer_choice="type-first")],
                         ids=["textbook", "scholz", "q0.5-first-round", "current-type-first"])
def test_compiled_kernels_equal_the_numpy_path(model, actors):
    rng = np.random.default_rng(actors)
    draws = 4
    x = np.round(rng.uniform(0, 100, (draws, actors)), 1)  # some equal positions
    x[:, 1] = x[:, 0]
    s = rng.uniform(0.1, 1.0, (draws, actors))
    c = rng.uniform(0.1, 1.0, (draws, actors))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fast = batched.forecast_draws(model, x, s, c, 0.0, 100.0)
        slow = batched.forecast_draws(model, x, s, c, 0.0, 100.0, compiled_path=False)
    np.testing.assert_array_equal(fast, slow)
    assert np.isfinite(fast).all()


@pytest.mark.skipif(batched.compiled() is None, reason="numba is not installed")
def test_pairwise_sum_is_numpys():
    kernels = batched.compiled()
    rng = np.random.default_rng(7)
    for n in [*range(1, 40), 127, 128, 129, 257, 1000, 3001]:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
        assert kernels._psum(a, 0, n) == a.sum()
