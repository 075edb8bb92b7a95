"""The shipped scenarios: complete, bilingual, faithful to the spec's fixed issues."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

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


# --- As-of honesty: nothing in a shipped scenario names a date after its as_of ---------------

_MONTHS = {name: k for k, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS = [
    # 2025-08-12, 2025/08/12, 2025.08.12, 2025-08
    re.compile(_YEAR + r"[-/.](?P<num_month>0?[1-9]|1[0-2])(?:[-/.](?P<day>[0-3]?\d))?(?!\d)"),
    # 12 August 2025, 12 Aug, August 2025, August 12, 2025, Aug 12
    re.compile(r"(?<![\w])(?:(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+)?" + _MONTH
               + r"(?:\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?)?(?:,?\s+" + _YEAR + r")?(?![\w])",
               re.IGNORECASE),
    # 2025年8月12日, 2025年8月, 8月12日
    re.compile(r"(?:" + _YEAR + r"\s*年\s*)?(?P<num_month>1[0-2]|0?[1-9])\s*月"
               r"(?:\s*(?P<day>[0-3]?\d)\s*[日號号])?"),
    # Q3 2025, H2 2025
    re.compile(r"\b(?P<half>[QH])(?P<part>[1-4])\s+" + _YEAR + r"\b"),
    # a bare year: 2026
    re.compile(r"(?<![\d\-/.])" + _YEAR + r"(?![\d年])"),
]


def named_dates(text: str, default_year: int) -> list[tuple[date, str, int]]:
    """Every date or period the text names: its first day, the words naming it, their offset.

    A period (month, quarter, year) counts from its first day: "August 2025" is 2025-08-01.
    Day and month without a year take `default_year` (the scenario's own year)."""
    found: list[tuple[date, str, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            groups = {k: v for k, v in match.groupdict().items() if v}
            if "half" in groups:
                months_per = 3 if groups["half"].upper() == "Q" else 6
                month = 1 + (int(groups["part"]) - 1) * months_per
                if groups["half"].upper() == "H" and int(groups["part"]) > 2:
                    continue
                first = date(int(groups["year"]), month, 1)
            elif "month" in groups or "num_month" in groups:
                month = (_MONTHS[groups["month"].lower()] if "month" in groups
                         else int(groups["num_month"]))
                day_text = groups.get("day") or groups.get("day2")
                year_text = groups.get("year")
                if year_text is None and day_text is None:
                    continue  # a bare month name ("may") says nothing about a year
                try:
                    first = date(int(year_text or default_year), month, int(day_text or 1))
                except ValueError:
                    continue
            elif "year" in groups:
                first = date(int(groups["year"]), 1, 1)
            else:
                continue
            taken.append(span)
            found.append((first, match.group(0), span[0]))
    return found


@pytest.mark.parametrize(("text", "expected"), [
    ("suspended until August 2025", date(2025, 8, 1)),
    ("rules of 2025-08", date(2025, 8, 1)),
    ("announced on 12 August 2025", date(2025, 8, 12)),
    ("announced on August 12, 2025", date(2025, 8, 12)),
    ("agreed 2025-10-30", date(2025, 10, 30)),
    ("2025年8月起", date(2025, 8, 1)),
    ("2025年10月30日達成", date(2025, 10, 30)),
    ("11月1日起", date(2025, 11, 1)),
    ("in Q4 2025", date(2025, 10, 1)),
    ("plans for 2026", date(2026, 1, 1)),
    ("the 29 Sept rule", date(2025, 9, 29)),
])
def test_the_date_finder_reads_common_forms(text, expected):
    assert expected in [d for d, _, _ in named_dates(text, 2025)]


def test_the_date_finder_ignores_numbers_that_are_not_dates():
    text = "145 points; 20% fentanyl tariff; about $200bn; 2000億美元; the 2022-2024 controls"
    assert all(d.year <= 2024 for d, _, _ in named_dates(text, 2025))


# Dates after as_of that were public by as_of, each with the words it must stand in and why.
_SCHEDULED = {
    date(2025, 8, 12): (re.compile(r"(until|runs to|ends|expires)\s+$|至\s*$", re.IGNORECASE),
                        "the end of the 90-day tariff suspension, set by the Geneva joint "
                        "statement of 12 May 2025"),
}


@pytest.mark.parametrize("name", builtin_scenarios())
def test_no_shipped_scenario_names_a_date_after_its_as_of(name):
    scenario = load_scenario(name)
    assert scenario.as_of is not None, f"{name} has no as_of date"
    text = Path(scenario.source).read_text(encoding="utf-8")
    late = []
    for first, words, start in named_dates(text, scenario.as_of.year):
        if first <= scenario.as_of:
            continue
        if first in _SCHEDULED and _SCHEDULED[first][0].search(text[max(0, start - 20):start]):
            continue
        if text[text.rfind("\n", 0, start) + 1:start].startswith("extends:"):
            continue  # the id of the scenario a file extends, not a date (TL-02)
        line = text[:start].count("\n") + 1
        late.append(f"{name}.yaml:{line}: '{words}' is after as_of {scenario.as_of}")
    assert not late, "\n".join(late)


def _spec_anchor_labels() -> dict[str, list[tuple[float, str]]]:
    shared = os.environ.get("GRANDBARGAIN_SHARED")
    spec = Path(shared or Path(__file__).resolve().parents[1].parent / "shared") / "spec" / \
        "us-china-2025.md"
    if not spec.is_file():
        pytest.skip("the shared spec is absent (set GRANDBARGAIN_SHARED to the shared folder)")
    out = {}
    for row in spec.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in SPEC_ISSUES:
            anchors = re.split(r";\s*", cells[3])
            out[cells[0]] = [(float(a.split(" ", 1)[0]), a.split(" ", 1)[1]) for a in anchors]
    return out


def test_anchor_labels_are_the_spec_s_words():
    spec = _spec_anchor_labels()
    assert set(spec) == set(SPEC_ISSUES)
    for name in ("us-china-2025-07", "small-yard-high-fence", "escalation"):
        for issue in load_scenario(name).issues:
            assert [(a.value, a.label) for a in issue.anchors] == spec[issue.id], issue.id


@pytest.mark.parametrize("name", builtin_scenarios())
def test_shipped_scenarios_pass_full_validation_and_the_fast_path_builds_the_same(name):
    from grandbargain.scenario._load import _read_document, builtin_path
    from grandbargain.scenario._schema import validate_document

    path = builtin_path(name)
    data, locator = _read_document(path, "yaml", {})
    validated = validate_document(data, locator, str(path))  # raises on any problem
    fast = load_scenario(name)
    assert fast == validated
    for field in ("issues", "actors", "stances", "principals", "disagreement", "as_of"):
        assert getattr(fast, field) == getattr(validated, field), field
    assert [type(s.position) for s in fast.stances] == [float] * len(fast.stances)
