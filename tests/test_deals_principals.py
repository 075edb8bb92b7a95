"""Principals of a scenario as parties to a deal, and the deals of the US-China scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.deals import (
    analyse,
    deal_space,
    pareto_frontier,
    principal_ideals,
    principal_weights,
    solve,
    zopa,
)
from grandbargain.scenario import RedLine, ScenarioError, load_scenario
from grandbargain.scenario._schema import validate_document

from .conftest import minimal_document


def two_principals(**overrides) -> dict:
    doc = minimal_document(
        issues=[{"id": "tariff", "name": "Tariff", "scale": {"min": 0.0, "max": 100.0},
                 "status_quo": 50.0,
                 "anchors": [{"value": 0.0, "label": "none", "label_zh": "無"},
                             {"value": 100.0, "label": "embargo"}]},
                {"id": "chips", "name": "Chips", "scale": {"min": 0.0, "max": 10.0},
                 "status_quo": 5.0, "options": {"step": 2.5}}],
        stances={"a": {"tariff": {"position": 20.0, "salience": 50.0},
                       "chips": {"position": 10.0, "salience": 100.0}},
                 "b": {"tariff": {"position": 80.0, "salience": 100.0},
                       "chips": {"position": 0.0, "salience": 25.0}}},
        principals=[{"id": "pa", "name": "A", "actors": ["a"]},
                    {"id": "pb", "name": "B", "actors": ["b"]}])
    doc.update(overrides)
    return doc


def scenario(doc):
    return validate_document(doc, {}, "test.yaml")


def test_weights_and_ideals_from_actors():
    s = scenario(two_principals())
    a, b = s.principals
    # Actor a: capability 1, saliences 0.5 and 1.0; actor b: capability 2, 1.0 and 0.25.
    np.testing.assert_allclose(principal_weights(s, a), [0.5 / 1.5, 1.0 / 1.5])
    np.testing.assert_allclose(principal_weights(s, b), [2.0 / 2.5, 0.5 / 2.5])
    np.testing.assert_allclose(principal_ideals(s, a), [20.0, 10.0])


def test_default_scenario_weights_are_capability_times_salience():
    s = load_scenario()
    us = s.principals[0]
    raw = np.zeros(len(s.issues))
    ideal_num = np.zeros(len(s.issues))
    for actor_id in us.actors:
        for d, issue in enumerate(s.issues):
            stance = s.stance(actor_id, issue.id)
            w = s.actor(actor_id).capability * stance.salience / 100
            raw[d] += w
            ideal_num[d] += w * stance.position
    np.testing.assert_allclose(principal_weights(s, us), raw / raw.sum())
    np.testing.assert_allclose(principal_ideals(s, us), ideal_num / raw)


def test_stated_weights_and_ideals_win():
    doc = two_principals()
    doc["principals"][0].update(weights={"chips": 3.0}, ideal={"chips": 2.5})
    s = scenario(doc)
    np.testing.assert_allclose(principal_weights(s, s.principals[0]), [0.0, 1.0])
    assert principal_ideals(s, s.principals[0])[1] == 2.5


def test_options_values_and_labels():
    space = deal_space(scenario(two_principals()))
    tariff, chips = space.issues
    assert [o.value for o in tariff.options] == [0.0, 50.0, 100.0]  # anchors + status quo
    assert [o.label for o in tariff.options] == ["0: none", "50: status quo", "100: embargo"]
    assert tariff.options[0].label_zh == "0：無"
    assert [o.value for o in chips.options] == [0.0, 2.5, 5.0, 7.5, 10.0]  # step grid
    assert space.reference == (1, 2)
    # Linear loss from the ideal, over the farthest end of the scale: a's tariff ideal is 20,
    # so 100 scores 0 and 0 scores 1 - 20/80.
    weight = 0.5 / 1.5
    np.testing.assert_allclose(space.values[0][:, 0], weight * np.array([0.75, 1 - 30 / 80, 0]))
    np.testing.assert_allclose(space.disagreement, space.utilities([space.reference])[0])


def test_value_function_kinds():
    doc = two_principals()
    doc["principals"][0]["value_functions"] = {
        "tariff": {"kind": "concave"}, "chips": {"kind": "step", "threshold": 5.0}}
    space = deal_space(scenario(doc))
    w = principal_weights(scenario(doc), scenario(doc).principals[0])
    np.testing.assert_allclose(space.values[0][:, 0] / w[0],
                               [1 - 0.25**2, 1 - (30 / 80) ** 2, 0.0])
    np.testing.assert_allclose(space.values[1][:, 0] / w[1], [0, 0, 1, 1, 1])  # ideal 10 >= 5


def test_red_lines_rule_options_out_and_can_be_added_or_dropped():
    doc = two_principals()
    doc["principals"][1]["red_lines"] = {"tariff": {"reject_below": 50.0}}
    s = scenario(doc)
    space = deal_space(s)
    assert space.rejected[0][:, 1].tolist() == [True, False, False]
    assert space.allowed[0].tolist() == [False, True, True]
    assert deal_space(s, keep_red_lines=False).allowed[0].all()
    extra = deal_space(s, red_lines=[("pa", RedLine("chips", reject_above=5.0))])
    assert extra.allowed[1].tolist() == [True, True, True, False, False]
    frontier = pareto_frontier(space)
    assert all(space.issues[0].options[o].value >= 50 for o in frontier.packages[:, 0])


def test_disagreement_override_adds_its_value_as_an_option():
    s = scenario(two_principals(disagreement={"tariff": 75.0}))
    space = deal_space(s)
    assert 75.0 in [o.value for o in space.issues[0].options]
    assert space.issues[0].options[space.reference[0]].label == "75: no-deal level"
    again = deal_space(s, disagreement={"tariff": 0.0})
    assert again.issues[0].options[again.reference[0]].value == 0.0


def test_errors_name_what_is_missing():
    with pytest.raises(ScenarioError, match="defines no principals"):
        deal_space(scenario(minimal_document()))
    doc = two_principals()
    del doc["issues"][0]["status_quo"]
    with pytest.raises(ScenarioError, match="'tariff' has no status quo"):
        deal_space(scenario(doc))
    doc = two_principals()
    doc["principals"][0]["weights"] = {"tariff": 0.0}
    with pytest.raises(ScenarioError, match="cares about no issue"):
        deal_space(scenario(doc))
    doc = two_principals()
    doc["principals"][0].update(actors=[], weights={"tariff": 1.0})
    with pytest.raises(ScenarioError, match="no ideal point"):
        deal_space(scenario(doc))
    with pytest.raises(ScenarioError, match="unknown principal"):
        deal_space(scenario(two_principals()), principals=["zz"])
    with pytest.raises(ScenarioError, match="unknown issue"):
        deal_space(scenario(two_principals()), disagreement={"zz": 1.0})


def test_option_grid_and_list_are_checked():
    doc = two_principals()
    doc["issues"][0]["options"] = [0.0, 120.0]
    with pytest.raises(ScenarioError, match="option 120 is outside the scale"):
        scenario(doc)
    doc["issues"][0]["options"] = {"step": 0.01}
    with pytest.raises(ScenarioError, match="the limit is 1000"):
        scenario(doc)


# --- the US-China scenarios ---------------------------------------------------------------

def test_default_scenario_has_a_deal_both_governments_prefer_to_the_status_quo():
    result = analyse(deal_space(load_scenario()))
    assert not result.zopa.empty
    nash = result.solutions["nash"].solution
    assert np.all(nash.gains > 0.01)
    labels = {i.id: i.options[o].value for i, o in zip(result.space.issues, nash.package,
                                                       strict=True)}
    # Both sides gain: H20-class chips licensed, tariffs cut, fentanyl action, purchases back.
    assert labels["ai_chip_exports"] == 50 and labels["us_tariffs"] < 30
    assert labels["fentanyl_enforcement"] > 30 and labels["purchase_commitments"] > 10
    assert result.solutions["nash"].logrolls


def test_small_yard_high_fence_shrinks_the_zopa():
    base = zopa(pareto_frontier(deal_space(load_scenario())))
    fenced_space = deal_space(load_scenario("small-yard-high-fence"))
    fenced = zopa(pareto_frontier(fenced_space))
    assert not fenced.empty
    assert fenced.packages < base.packages
    assert fenced.share < base.share and fenced.area < base.area
    assert np.all(fenced.max_gain <= base.max_gain + 1e-12)
    nash = solve(pareto_frontier(fenced_space))["nash"]
    values = {i.id: i.options[o].value for i, o in zip(fenced_space.issues, nash.package,
                                                       strict=True)}
    assert values["ai_chip_exports"] >= 60 and values["chip_tool_controls"] >= 50


def test_escalation_fallback_widens_the_zopa():
    base = deal_space(load_scenario())
    worse = deal_space(load_scenario("escalation"))
    assert np.all(worse.disagreement < base.disagreement)
    assert zopa(pareto_frontier(worse)).share > zopa(pareto_frontier(base)).share


def test_three_principals():
    doc = two_principals()
    doc["actors"].append({"id": "c", "name": "C", "capability": 1.0})
    doc["stances"]["c"] = {"tariff": {"position": 50.0, "salience": 80.0},
                           "chips": {"position": 5.0, "salience": 80.0}}
    doc["principals"].append({"id": "pc", "name": "C", "actors": ["c"],
                              "red_lines": {"chips": {"reject_above": 7.5}}})
    result = analyse(deal_space(scenario(doc)))
    assert result.space.n_parties == 3
    assert all(result.space.issues[1].options[o].value <= 7.5
               for o in result.frontier.packages[:, 1])
    assert result.zopa.area is None
    for terms in result.solutions.values():
        if terms is not None:
            assert np.all(terms.solution.gains >= -1e-12)
