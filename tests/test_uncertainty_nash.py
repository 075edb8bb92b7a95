"""The Nash model's batched path over draws gives each draw's one-draw solution (U-06)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grandbargain.models import NashModel
from grandbargain.models.nash import CHOICES
from grandbargain.scenario import load_scenario
from grandbargain.uncertainty import Noise, base_inputs, batch_path, draw_inputs, forecast_draws
from grandbargain.uncertainty._montecarlo import chunk_streams

SHARED = os.environ.get("GRANDBARGAIN_SHARED") or Path(__file__).resolve().parents[2] / "shared"
BDM_1994 = Path(SHARED) / "benchmarks" / "bdm-1994-emission-standards" / "actors.csv"
OPTIONS = [dict(zip(CHOICES, combo, strict=True)) for combo in itertools.product(*CHOICES.values())]


def assert_batched_equals_looped(model, scenario, draws) -> None:
    batched = forecast_draws(model, scenario, draws)
    looped = forecast_draws(model, scenario, draws, batched=False)
    np.testing.assert_array_equal(np.isnan(batched), np.isnan(looped))
    np.testing.assert_allclose(batched, looped, rtol=0, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o.values()))
def test_batched_nash_equals_the_one_draw_solution_on_the_default_scenario(options):
    scenario = load_scenario()
    noise = Noise(position=20, salience=30, capability=40)
    draws = draw_inputs(base_inputs(scenario, noise), noise, chunk_streams(5, 0), 150)
    model = NashModel(**options)
    assert batch_path(model) == "batched per issue"
    assert_batched_equals_looped(model, scenario, draws)


@pytest.mark.skipif(not BDM_1994.exists(), reason="GRANDBARGAIN_SHARED benchmarks not found")
@pytest.mark.parametrize("no_status_quo", CHOICES["no_status_quo"])
def test_batched_nash_on_a_table_without_status_quo(no_status_quo):
    scenario = load_scenario(BDM_1994)
    noise = Noise(position=15, salience=20, capability=20)
    draws = draw_inputs(base_inputs(scenario, noise), noise, chunk_streams(2, 1), 200)
    assert_batched_equals_looped(NashModel(no_status_quo=no_status_quo), scenario, draws)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(st.tuples(st.sampled_from([0.0, 10.0, 37.5, 50.0, 100.0]),
                                        st.sampled_from([0.0, 0.2, 1.0]),
                                        st.floats(0.0, 5.0)), min_size=2, max_size=9),
                     min_size=1, max_size=6),
       status_quo=st.sampled_from([None, 0.0, 25.0, 50.0]),
       loss=st.sampled_from(CHOICES["loss"]), weights=st.sampled_from(CHOICES["weights"]))
def test_batched_nash_equals_the_one_draw_solution_on_ties_and_ends(rows, status_quo, loss,
                                                                     weights):
    n = min(len(r) for r in rows)
    arrays = np.array([r[:n] for r in rows])  # (draws, actors, 3)
    x = np.ascontiguousarray(arrays[:, :, 0])
    s = np.ascontiguousarray(arrays[:, :, 1])
    c = np.ascontiguousarray(arrays[:, :, 2])
    model = NashModel(loss=loss, weights=weights)
    got = model.forecast_issue_draws(x, s, c, 0.0, 100.0, status_quo, "t")
    for k in range(len(x)):
        one = model.forecast_issue(x[k], s[k], c[k], 0.0, 100.0, status_quo, "t").value
        if one is None:
            assert np.isnan(got[k])
        else:
            assert abs(got[k] - one) <= 1e-9
