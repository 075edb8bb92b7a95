"""Unbiased input draws (U-02, U-03): the compromise model is linear in the positions, so the mean
of its forecasts over the draws must be its point forecast, within Monte Carlo error, on every
issue of every shipped scenario and on random scenarios with actors at the scale's ends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grandbargain.uncertainty as gu
from grandbargain.models import CompromiseModel
from grandbargain.scenario import builtin_scenarios, load_scenario
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import Noise, point_forecasts, run_simulation, simulation

from .conftest import minimal_document

DRAWS = 4000
TOLERANCE = 4.5  # standard errors of the mean (one-in-150,000 per comparison by chance)


def assert_mean_is_the_point(scenario, noise: Noise, seed: int) -> None:
    sim = simulation(scenario, [CompromiseModel()], noise, DRAWS, seed=seed)
    values = run_simulation(sim).values["compromise"]
    point = point_forecasts(sim)["compromise"]
    for d, issue in enumerate(scenario.issues):
        drawn = values[:, d]
        error = drawn.std(ddof=1) / np.sqrt(DRAWS)
        assert abs(drawn.mean() - point[d]) <= TOLERANCE * error + 1e-9 * issue.width, (
            f"{scenario.id}/{issue.id}: mean {drawn.mean():.4f} vs point {point[d]:.4f} "
            f"(standard error {error:.4f})")


@pytest.mark.parametrize("distribution", gu.DISTRIBUTIONS)
@pytest.mark.parametrize("scenario_id", builtin_scenarios())
def test_compromise_mean_equals_the_point_on_every_shipped_scenario(scenario_id, distribution):
    scenario = load_scenario(scenario_id)
    # position noise plus the stances' own ranges; 30% of the scale reaches every end
    assert_mean_is_the_point(scenario, Noise(position=30, distribution=distribution), seed=11)
    assert_mean_is_the_point(scenario, Noise(position=8, distribution=distribution), seed=12)


@st.composite
def scenarios_at_the_ends(draw):
    """2-7 actors on a 0-100 scale, most of them at or next to an end, some with a range."""
    doc = minimal_document()
    count = draw(st.integers(2, 7))
    doc["actors"] = [{"id": f"a{k}", "name": f"A{k}",
                      "capability": draw(st.floats(0.5, 100.0))} for k in range(count)]
    doc["stances"] = {}
    for k in range(count):
        x = draw(st.one_of(st.sampled_from([0.0, 100.0, 0.5, 99.0, 3.0]),
                           st.floats(0.0, 100.0)))
        stance = {"position": x, "salience": draw(st.floats(5.0, 100.0))}
        if draw(st.booleans()):
            stance["low"] = draw(st.floats(0.0, x))
            stance["high"] = draw(st.floats(x, 100.0))
        doc["stances"][f"a{k}"] = {"tariff": stance}
    return validate_document(doc, {}, "<hypothesis>")


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios_at_the_ends(), sd=st.sampled_from([5.0, 20.0, 60.0]),
       distribution=st.sampled_from(gu.DISTRIBUTIONS), seed=st.integers(0, 2**16))
def test_compromise_mean_equals_the_point_with_actors_at_the_ends(scenario, sd, distribution,
                                                                  seed):
    assert_mean_is_the_point(scenario, Noise(position=sd, distribution=distribution), seed)


def test_the_point_lies_in_the_interval_on_the_default_scenario():
    """The symptom of issue 11: China's tariff was 4.9 [7.3-18.6] with truncated draws."""
    scenario = load_scenario()
    sim = simulation(scenario, [CompromiseModel()],
                     Noise(position=10, salience=15, capability=20), 2000, seed=0)
    values = run_simulation(sim).values["compromise"]
    point = point_forecasts(sim)["compromise"]
    low, high = np.quantile(values, [0.05, 0.95], axis=0)
    assert np.all((low <= point) & (point <= high))
