"""The bottom line's draws build each deal space from a frame kept across draws and the draw's
stance arrays (BL-11): the same bits as rebuilding the scenario and its deal space per draw."""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.deals import deal_space, pareto_frontier, solve
from grandbargain.scenario import builtin_scenarios, load_scenario
from grandbargain.scenario._model import RedLine
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import Noise, chunk_streams, deal_options, nash_packages
from grandbargain.uncertainty._noise import base_inputs, draw_inputs
from grandbargain.uncertainty._protocol import draw_stances, scenario_for_draw

from .conftest import minimal_document

FIELDS = ("positions", "saliences", "capability_matrix", "takes_part")


def with_overrides():
    """Three actors, two issues, principals; stance capabilities, a range and a red line."""
    doc = minimal_document()
    doc["issues"].append({"id": "chips", "name": "Chips", "scale": {"min": 0.0, "max": 10.0},
                          "status_quo": 7.0, "options": [0.0, 2.5, 5.0, 10.0]})
    doc["actors"].append({"id": "c", "name": "C", "capability": 3.0})
    doc["stances"] = {
        "a": {"tariff": {"position": 20.0, "salience": 50.0, "capability": 4.0},
              "chips": {"position": 1.0, "salience": 7.0}},
        "b": {"tariff": {"position": 80.0, "salience": 100.0, "low": 70.0, "high": 95.0},
              "chips": {"position": 9.0, "salience": 33.3, "capability": 0.5}},
        "c": {"tariff": {"position": 35.0, "salience": 60.0, "capability": 2.0},
              "chips": {"position": 2.0, "salience": 80.0, "capability": 6.0}}}
    doc["principals"] = [{"id": "pa", "name": "A", "actors": ["a", "c"]},
                         {"id": "pb", "name": "B", "actors": ["b"],
                          "red_lines": {"chips": {"reject_below": 2.0}}}]
    return validate_document(doc, {}, "<test>")


def same_bits(left: np.ndarray, right: np.ndarray) -> bool:
    return left.dtype == right.dtype and left.shape == right.shape and \
        left.tobytes() == right.tobytes()


def assert_same_arrays(s, positions, saliences, capabilities):
    full = scenario_for_draw(s, positions, saliences, capabilities)
    light = draw_stances(s, positions, saliences, capabilities)
    for name in FIELDS:
        assert same_bits(getattr(light, name), getattr(full, name)), name


SCENARIOS = [*builtin_scenarios(), "overrides"]


def scenario(name: str):
    return with_overrides() if name == "overrides" else load_scenario(name)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("noise", [
    Noise(position=10.0, salience=15.0, distribution="triangular"),
    Noise(position=5.0, salience=40.0, capability=30.0),
    Noise()])
def test_draw_stances_are_the_rebuilt_scenarios_arrays(name, noise):
    s = scenario(name)
    draws = draw_inputs(base_inputs(s, noise), noise, chunk_streams(4, 0), 25)
    for k in range(draws.size):
        assert_same_arrays(s, draws.positions[k], draws.saliences[k], draws.capabilities[k])


def test_draw_stances_at_the_edges():
    s = with_overrides()
    x, sal, cap = (np.array(a, dtype=float) for a in
                   (s.positions, s.saliences, s.capability_matrix))
    assert_same_arrays(s, x, sal, cap)  # no noise at all: the stated values
    odd = sal.copy()
    odd[0, 0] = -0.0
    odd[1, 1] = 0.4494910647887381  # * 100 / 100 is not itself: read back through _percent
    odd[2, 0] = np.nextafter(sal[2, 0], 1.0)
    assert (odd[1, 1] * 100.0) / 100.0 != odd[1, 1]
    cap2 = cap * np.array([[1.0, 1.5], [0.9, 1.1], [2.0, 0.25]])
    assert_same_arrays(s, x + 0.125, odd, cap2)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("options", [
    deal_options(),
    deal_options(keep_red_lines=False),
    deal_options(red_lines=[("pb", RedLine("tariff", reject_above=85.0))])])
def test_nash_packages_match_a_full_build_per_draw(name, options):
    s = scenario(name)
    if options.red_lines and "pb" not in {p.id for p in s.principals}:
        pb = s.principals[-1].id
        options = deal_options(red_lines=[(pb, RedLine(s.issues[0].id,
                                                       reject_above=s.issues[0].high - 1))])
    noise = Noise(position=15.0, salience=20.0, capability=10.0, distribution="uniform")
    draws = draw_inputs(base_inputs(s, noise), noise, chunk_streams(9, 0), 20)
    got = nash_packages(s, draws, options)
    for k in range(draws.size):
        one = scenario_for_draw(s, draws.positions[k], draws.saliences[k],
                                draws.capabilities[k])
        space = deal_space(one, disagreement=None, red_lines=options.red_lines,
                           keep_red_lines=options.keep_red_lines)
        nash = solve(pareto_frontier(space), names=("nash",))["nash"]
        expected = [-1] * len(s.issues) if nash is None else list(nash.package)
        assert got[k].tolist() == expected, k


def test_frame_space_is_deal_space_on_the_scenario_itself():
    for name in SCENARIOS:
        s = scenario(name)
        direct = deal_space(s)
        framed = deal_options().frame(s).space(s)
        for left, right in zip(direct.values, framed.values, strict=True):
            assert same_bits(left, right)
        assert same_bits(direct.disagreement, framed.disagreement)
        assert direct.issues == framed.issues and direct.reference == framed.reference
