"""Package deals under uncertainty: ZOPA and Nash-package probabilities over the draws."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.deals import deal_space, pareto_frontier, solve
from grandbargain.scenario import load_scenario
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import (
    Noise,
    base_inputs,
    chunk_streams,
    deal_options,
    deals_document,
    draw_inputs,
    run_simulation,
    scenario_for_draw,
    simulation,
)
from grandbargain.uncertainty._deals import NO_DEAL

from .conftest import minimal_document

runner = CliRunner()


def knife_edge():
    """One issue (0-100, status quo 90, options 0, 50, 90, 100); principal A (actor a at 40)
    and B (actor b at 70). B prefers 50 to 90 only while its ideal is below 70, so the ZOPA
    is non-empty in about half of the draws of b's position."""
    doc = minimal_document()
    doc["issues"] = [{"id": "tariff", "name": "Tariff", "scale": {"min": 0.0, "max": 100.0},
                      "status_quo": 90.0, "options": [0.0, 50.0, 100.0]}]
    doc["stances"] = {"a": {"tariff": {"position": 40.0, "salience": 50.0}},
                      "b": {"tariff": {"position": 70.0, "salience": 100.0, "low": 60.0,
                                       "high": 80.0}}}
    doc["principals"] = [{"id": "pa", "name": "A", "actors": ["a"]},
                         {"id": "pb", "name": "B", "actors": ["b"]}]
    return validate_document(doc, {}, "<test>")


def test_zopa_probability_on_a_knife_edge():
    s = knife_edge()
    # 2,000 draws: the share's standard error is 0.011, the tolerance 0.03; the exact check below
    # (a deal exactly in the draws where b's ideal is below 70) carries the test.
    sim = simulation(s, [], Noise(distribution="uniform"), 2000, seed=5, deals=deal_options())
    packages = run_simulation(sim).nash_packages
    doc = deals_document(s, sim.deals, packages)
    # b's ideal uniform on [60, 80]: the ZOPA is non-empty when it is below 70
    assert doc["zopa_nonempty"] == pytest.approx(0.5, abs=0.03)
    b = np.concatenate([draw_inputs(base_inputs(s, sim.noise), sim.noise, chunk_streams(5, k),
                                    size).positions[:, 1, 0] for k, _, size in sim.chunks()])
    np.testing.assert_array_equal(packages[:, 0] != NO_DEAL, b < 70.0)
    assert doc["nash_packages"][0]["package"][0]["value"] == 50.0
    assert doc["nash_packages"][0]["p"] == doc["zopa_nonempty"]
    marginal = {o["value"]: o["p"] for o in doc["nash_option_by_issue"][0]["options"]}
    assert marginal[50.0] == doc["zopa_nonempty"] and marginal[90.0] == 0.0


def test_each_draw_gets_its_own_nash_package():
    s = load_scenario()
    sim = simulation(s, [], Noise(position=10, salience=15), 12, seed=3, chunk_size=5,
                     deals=deal_options())
    packages = run_simulation(sim).nash_packages
    for index, start, size in sim.chunks():
        draws = draw_inputs(base_inputs(s, sim.noise), sim.noise, chunk_streams(3, index), size)
        for k in range(size):
            one = scenario_for_draw(s, draws.positions[k], draws.saliences[k],
                                    draws.capabilities[k])
            nash = solve(pareto_frontier(deal_space(one)), names=("nash",))["nash"]
            expected = NO_DEAL if nash is None else nash.package
            np.testing.assert_array_equal(packages[start + k], expected)


def test_zero_noise_gives_the_point_nash_package_every_time():
    s = load_scenario()
    sim = simulation(s, [], Noise(), 20, seed=1, deals=deal_options())
    doc = deals_document(s, sim.deals, run_simulation(sim).nash_packages)
    assert doc["zopa_nonempty"] == 1.0 and doc["distinct_nash_packages"] == 1
    assert doc["point_nash"]["p"] == 1.0 and doc["nash_packages"][0]["is_point_nash"]


def test_deals_command_with_draws():
    # the bottom line has tests of its own (test_bottom_line.py)
    args = ["deals", "--draws", "60", "--noise", "position=10,salience=15", "--no-bottom-line"]
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    u = doc["uncertainty"]
    assert u["draws"] == 60 and 0.0 <= u["zopa_nonempty"] <= 1.0
    assert sum(p["p"] for p in u["nash_packages"]) <= u["zopa_nonempty"] + 1e-12
    for issue in u["nash_option_by_issue"]:
        assert sum(o["p"] for o in issue["options"]) == pytest.approx(u["zopa_nonempty"])
    table = runner.invoke(app, args).stdout
    assert "ZOPA non-empty in" in table and "Nash package" in table
    csv_text = runner.invoke(app, [*args, "-f", "csv"]).stdout
    assert "p_in_nash_under_draws" in csv_text.splitlines()[0]
    both = runner.invoke(app, ["simulate", "-n", "40", "--deals", "-m", "compromise",
                               "--noise", "position=10", "-f", "json"])
    assert json.loads(both.stdout)["deals"]["draws"] == 40
