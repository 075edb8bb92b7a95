"""The shipped scenarios: complete, bilingual, faithful to the spec's fixed issues."""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.scenario import builtin_scenarios, load_scenario, write_scenario

SPEC_ISSUES = {
    "ai_chip_exports": (0, 100, 60, [0, 20, 35, 50, 70, 100]),
    "chip_tool_controls": (0, 100, 50, [0, 30, 50, 70, 100]),
    "us_tariffs": (0, 145, 30, [0, 10, 20, 145]),
    "china_tariffs": (0, 125, 10, [0, 10, 125]),
    "rare_earth_controls": (0, 100, 50, [0, 25, 50, 75, 100]),
    "battery_tech_controls": (0, 100, 50, [0, 50, 100]),
    "fentanyl_enforcement": (0, 100, 30, [0, 30, 60, 100]),
    "purchase_commitments": (0, 100, 10, [0, 50, 100]),
    "tiktok": (0, 100, 5, [0, 50, 100]),
    "us_investment_limits": (0, 100, 55, [0, 50, 100]),
    "us_firms_in_china": (0, 100, 50, [0, 50, 100]),
}


def test_shipped_scenarios_are_listed():
    assert {"us-china-2025-07", "small-yard-high-fence", "escalation"} <= set(builtin_scenarios())


def test_default_is_us_china_and_matches_the_spec():
    s = load_scenario()
    assert s.id == "us-china-2025-07"
    assert s.as_of.isoformat() == "2025-07-17"
    assert [i.id for i in s.issues] == list(SPEC_ISSUES)
    for issue in s.issues:
        low, high, sq, anchors = SPEC_ISSUES[issue.id]
        assert (issue.low, issue.high, issue.status_quo) == (low, high, sq)
        assert [a.value for a in issue.anchors] == anchors
        assert issue.name_zh and all(a.label and a.label_zh for a in issue.anchors)


def test_every_actor_has_a_reasoned_stance_on_every_issue_in_both_languages():
    s = load_scenario()
    assert len(s.actors) >= 10
    assert {a.group for a in s.actors} == {"us", "china"}
    assert all(a.name_zh for a in s.actors)
    assert len(s.stances) == len(s.actors) * len(s.issues)
    assert all(len(st.rationale) >= 10 for st in s.stances)
    assert not np.isnan(s.positions).any()


def test_principals_cover_both_governments():
    s = load_scenario()
    assert [p.id for p in s.principals] == ["us", "china"]
    members = {a for p in s.principals for a in p.actors}
    assert members == {a.id for a in s.actors}


def test_alternatives_change_only_what_they_name():
    base = load_scenario()
    fence = load_scenario("small-yard-high-fence")
    escalation = load_scenario("escalation")
    np.testing.assert_array_equal(base.positions, fence.positions)
    np.testing.assert_array_equal(base.saliences, escalation.saliences)
    us = {r.issue: r for r in fence.principals[0].red_lines}
    assert us["ai_chip_exports"].rejects(50) and not us["ai_chip_exports"].rejects(60)
    assert us["chip_tool_controls"].rejects(30)
    assert escalation.disagreement_point("us_tariffs") == 145
    assert escalation.disagreement_point("china_tariffs") == 125
    assert escalation.disagreement_point("tiktok") == base.issue("tiktok").status_quo


@pytest.mark.parametrize("name", ["us-china-2025-07", "small-yard-high-fence", "escalation"])
def test_yaml_round_trip_keeps_everything(tmp_path, name):
    original = load_scenario(name)
    path = tmp_path / "copy.yaml"
    write_scenario(original, path)
    again = load_scenario(path)
    assert again.issues == original.issues
    assert again.actors == original.actors
    assert again.stances == original.stances
    assert again.principals == original.principals
    assert dict(again.disagreement) == dict(original.disagreement)


def test_ktab_round_trip(tmp_path):
    original = load_scenario()
    path = tmp_path / "copy.csv"
    write_scenario(original, path)
    again = load_scenario(path)
    assert again.issues[0].low == 0 and again.issues[0].high == 100
    scaled = (original.positions - [i.low for i in original.issues]) / \
        [i.width for i in original.issues] * 100
    np.testing.assert_allclose(again.positions, scaled, atol=0.01)
    np.testing.assert_allclose(again.saliences, original.saliences)
    np.testing.assert_allclose(again.capabilities, original.capabilities)
