"""The expected-utility model's batched path over draws equals its one-draw forecast exactly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grandbargain.models import MODELS, ExpectedUtilityModel, ScholzExpectedUtilityModel
from grandbargain.scenario import load_scenario
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import (
    Noise,
    base_inputs,
    batch_path,
    chunk_streams,
    draw_inputs,
    forecast_draws,
)

from .conftest import minimal_document
from .test_model_properties import documents

DEFAULT = load_scenario("us-china-2025-07")
NOISE = Noise(position=15, salience=20, capability=25)

OPTIONS = [
    pytest.param(ExpectedUtilityModel(), id="textbook"),
    pytest.param(ScholzExpectedUtilityModel(), id="scholz-2011"),
    pytest.param(ExpectedUtilityModel(q=0.5), id="textbook-q0.5"),
    pytest.param(ExpectedUtilityModel(q=0.5, t=0.3, risk="first-round"), id="textbook-t"),
    pytest.param(ExpectedUtilityModel(offer_choice="least-move", outcome="mean"),
                 id="least-move-mean"),
    pytest.param(ExpectedUtilityModel(risk="neutral", width="positions", rounds=3),
                 id="neutral-positions"),
    pytest.param(ScholzExpectedUtilityModel(tolerance=0.5, rounds=6), id="scholz-tolerance"),
    pytest.param(ScholzExpectedUtilityModel(width="scale", offer_choice="type-first"),
                 id="scholz-scale"),
    pytest.param(ExpectedUtilityModel(rounds=0), id="no-rounds"),
    pytest.param(ExpectedUtilityModel(width="current", ties="first-listed",
                                      offer_choice="type-first"), id="current-first-listed"),
]


def one_draw_forecasts(model, scenario, draws):
    """The model's own `forecast` on a scenario rebuilt from each draw (the loop path)."""
    return forecast_draws(model, scenario, draws, batched=False)


@pytest.mark.parametrize("model", OPTIONS)
def test_batched_equals_the_model_draw_by_draw(model):
    draws = draw_inputs(base_inputs(DEFAULT, NOISE), NOISE, chunk_streams(8, 1), 24)
    assert batch_path(model) == "batched"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batched = forecast_draws(model, DEFAULT, draws)
        looped = one_draw_forecasts(model, DEFAULT, draws)
    np.testing.assert_array_equal(batched, looped)
    assert np.isfinite(batched).all()


def test_batched_handles_unanimous_and_weightless_draws():
    doc = minimal_document()
    doc["issues"].append({"id": "same", "name": "Same", "scale": {"min": 0.0, "max": 10.0}})
    doc["issues"].append({"id": "mute", "name": "Mute", "scale": {"min": 0.0, "max": 10.0}})
    doc["stances"]["a"].update({"same": {"position": 4.0, "salience": 50.0},
                                "mute": {"position": 2.0, "salience": 0.0}})
    doc["stances"]["b"].update({"same": {"position": 4.0, "salience": 80.0},
                                "mute": {"position": 8.0, "salience": 0.0}})
    scenario = validate_document(doc, {}, "<test>")
    noise = Noise(capability=30)  # positions and saliences stay as stated
    draws = draw_inputs(base_inputs(scenario, noise), noise, chunk_streams(1, 0), 10)
    for model in (ExpectedUtilityModel(), ScholzExpectedUtilityModel()):
        batched = forecast_draws(model, scenario, draws)
        np.testing.assert_array_equal(batched, one_draw_forecasts(model, scenario, draws))
        assert np.all(batched[:, 1] == 4.0) and np.all(np.isnan(batched[:, 2]))


BATCHED = [pytest.param(cls, id=name) for name, cls in MODELS.items()
           if batch_path(cls()) != "loop over draws and issues"
           and batch_path(cls()) != "loop over draws"]


@pytest.mark.parametrize("cls", BATCHED)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), seed=st.integers(0, 2**32 - 1),
       distribution=st.sampled_from(["uniform", "triangular", "normal"]))
def test_every_batched_path_equals_its_model_on_random_scenarios(cls, doc, seed, distribution):
    """Random scenarios (ties, one actor, zero saliences, issues nobody takes part in)."""
    scenario = validate_document(doc, {}, "<test>")
    noise = Noise(position=20, salience=30, capability=40, distribution=distribution)
    draws = draw_inputs(base_inputs(scenario, noise), noise, chunk_streams(seed, 0), 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batched = forecast_draws(cls(), scenario, draws)
        looped = forecast_draws(cls(), scenario, draws, batched=False)
    np.testing.assert_array_equal(batched, looped)
