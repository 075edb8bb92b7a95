"""The tariff stack from the shipped events file: the 2025 escalation and truce, the stacking
rules, the tie-in with the default scenario, and located errors in events files."""

from __future__ import annotations

from datetime import date

import pytest

from grandbargain.scenario import ScenarioError, load_scenario
from grandbargain.trade import (
    issue_status_quos,
    parse_events,
    read_events,
    shipped_events,
    stack,
    stack_series,
    with_stack_status_quos,
)

EVENTS = shipped_events()
D = date.fromisoformat


def ieepa(on: str, product: str = "general") -> float:
    return stack(EVENTS, D(on), "US", product).family_total("ieepa")


def counter(on: str, product: str = "general") -> float:
    return stack(EVENTS, D(on), "CN", product).total


@pytest.mark.parametrize(("on", "us", "cn"), [
    ("2025-01-31", 0, 0),
    ("2025-02-04", 10, 0),    # EO 14195: fentanyl 10%
    ("2025-03-04", 20, 0),    # EO 14228: fentanyl 20%
    ("2025-04-05", 30, 0),    # EO 14257: 10% baseline from 5 April
    ("2025-04-09", 104, 0),   # 34% effective 9 April, raised to 84% the same day (EO 14259)
    ("2025-04-10", 145, 84),  # EO 14266: 125% reciprocal + 20% fentanyl; China 34 -> 84
    ("2025-04-12", 145, 125),
    ("2025-05-13", 145, 125),
    ("2025-05-14", 30, 10),   # Geneva: 34% with 24 points suspended for 90 days
    ("2025-07-17", 30, 10),
])
def test_the_2025_escalation_and_truce(on, us, cn):
    assert ieepa(on) == us
    assert counter(on) == cn


def test_the_truce_is_a_suspension_that_lapses_as_scheduled_on_as_of():
    s = stack(EVENTS, D("2025-07-17"), "US", "general")
    reciprocal = next(la for la in s.layers if la.layer.id == "us_ieepa_reciprocal")
    assert (reciprocal.nominal, reciprocal.suspended, reciprocal.rate) == (34, 24, 10)
    assert reciprocal.until == D("2025-08-12") and reciprocal.status == "suspended in part"
    later = stack(EVENTS, D("2025-08-12"), "US", "general")
    assert later.after_as_of and later.family_total("ieepa") == 54


@pytest.mark.parametrize(("product", "total"), [
    ("general", 30), ("s301_list3", 55), ("s301_list4a", 37.5),
    ("electronics", 20),     # excepted from the reciprocal tariff back to 5 April
    ("semiconductors", 70),  # Annex II exception; Section 301 at 50% from 1 Jan 2025
    ("steel", 70), ("aluminum", 70),  # Section 232 at 50% from 4 June, no reciprocal
    ("ev", 145),             # 301 at 100% + 232 autos 25% + fentanyl 20%
])
def test_layers_stack_by_product_group_on_17_july(product, total):
    assert stack(EVENTS, D("2025-07-17"), "US", product).total == total


def test_an_exemption_names_its_own_event_and_date():
    s = stack(EVENTS, D("2025-04-10"), "US", "electronics")
    reciprocal = next(la for la in s.layers if la.layer.id == "us_ieepa_reciprocal")
    assert (reciprocal.status, reciprocal.rate, reciprocal.nominal) == ("exempt", 0, 125)
    assert reciprocal.since == D("2025-04-05") and reciprocal.event.date == D("2025-04-11")
    assert s.total == 20


def test_chinas_product_lists_stack_on_the_general_counter_tariff():
    assert counter("2025-07-17", "soy_pork_beef_etc") == 20
    assert counter("2025-04-12", "coal_lng") == 140


def test_default_scenario_status_quos_equal_the_stack_on_17_july():
    scenario = load_scenario()
    from_stack = issue_status_quos(EVENTS, D("2025-07-17"))
    assert from_stack["us_tariffs"] == scenario.issue("us_tariffs").status_quo == 30
    assert from_stack["china_tariffs"] == scenario.issue("china_tariffs").status_quo == 10


def test_a_replay_takes_the_status_quos_from_the_stack():
    scenario = load_scenario()
    peak = with_stack_status_quos(scenario, EVENTS, D("2025-04-12"))
    assert peak.issue("us_tariffs").status_quo == 145
    assert peak.issue("china_tariffs").status_quo == 125
    assert peak.issue("ai_chip_exports") == scenario.issue("ai_chip_exports")
    from grandbargain.models import MODELS

    assert MODELS["median"]().forecast(peak).values()  # the replaced scenario still runs


def test_nothing_after_17_july_2025_ships():
    assert EVENTS.as_of == D("2025-07-17")
    assert max(e.date for e in EVENTS.events) <= EVENTS.as_of
    assert all(e.sources and e.title_zh for e in EVENTS.events)


def test_series_steps_at_every_change():
    series = stack_series(EVENTS, "US", "general", D("2025-01-01"), D("2025-07-17"))
    totals = [(s.on.isoformat(), s.family_total("ieepa")) for s in series]
    assert ("2025-04-10", 145.0) in totals and totals[-1][1] == 30
    assert [t for _, t in totals] == [ieepa(d) for d, _ in totals]


GOOD = """\
format: grandbargain-events/1
as_of: 2025-07-17
products:
  - {id: general, imposer: US, name: goods}
layers:
  - {id: l1, imposer: US, target: CN, family: ieepa, name: L1, basis: EO}
events:
  - date: 2025-02-01
    title: start
    sources: [EO]
    changes:
      - {layer: l1, rate: 10, effective: 2025-02-04}
"""


def test_a_minimal_file_reads():
    events = parse_events(GOOD, "ev.yaml")
    assert stack(events, D("2025-02-04"), "US").total == 10
    assert stack(events, D("2025-02-03"), "US").total == 0


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("rate: 10, effective", "rate: -5, effective",
     "ev.yaml:12:21 [events.0.changes.0.rate]: must be a finite number at least 0"),
    ("layer: l1, rate", "layer: l2, rate",
     "ev.yaml:12:10 [events.0.changes.0.layer]: unknown layer 'l2'"),
    ("date: 2025-02-01", "date: 2025-08-01",
     "ev.yaml:8:5 [events.0.date]: event dated 2025-08-01 is after the file's as_of"),
    ("date: 2025-02-01", "date: 1 Feb",
     "ev.yaml:8:5 [events.0.date]: expected a date YYYY-MM-DD"),
    ("rate: 10, effective: 2025-02-04", "rate: 10, suspend: 5",
     "ev.yaml:12:9 [events.0.changes.0]: a change needs exactly one of"),
    ("rate: 10, effective: 2025-02-04", "suspend: 5",
     "ev.yaml:12:9 [events.0.changes.0]: a suspension needs 'until'"),
    ("family: ieepa", "family: ieepa301",
     "ev.yaml:6:39 [layers.0.family]: unknown family 'ieepa301'"),
    ("    sources: [EO]\n", "",
     "ev.yaml:8:5 [events.0]: missing 'sources'"),
    ("effective: 2025-02-04}", "effective: 2025-02-04, products: [toys]}",
     "ev.yaml:12:65 [events.0.changes.0.products.0]: unknown product group 'toys' for US"),
    ("    title: start\n", "    title: start\n    titel_zh: x\n",
     "ev.yaml:10:5 [events.0.titel_zh]: unknown key 'titel_zh'"),
    ("format: grandbargain-events/1", "format: events/2",
     "ev.yaml:1:1 [format]: expected 'grandbargain-events/1'"),
    ("  - date", "  - {date",
     "ev.yaml:"),
])
def test_bad_events_give_located_errors(old, new, expected):
    assert old in GOOD
    with pytest.raises(ScenarioError) as info:
        parse_events(GOOD.replace(old, new), "ev.yaml")
    assert any(str(p).startswith(expected) for p in info.value.problems), str(info.value)


def test_an_until_before_the_effective_date_is_refused():
    bad = GOOD.replace("rate: 10, effective: 2025-02-04",
                       "rate: 10, effective: 2025-02-04, until: 2025-02-01")
    with pytest.raises(ScenarioError, match=r"ev.yaml:12:\d+ \[events.0.changes.0.until\]: "
                                            r"'until' 2025-02-01 must come after"):
        parse_events(bad, "ev.yaml")


def test_an_exemption_outside_the_layer_and_a_bad_issue_link_are_refused():
    bad = GOOD.replace("  - {id: general, imposer: US, name: goods}\n",
                       "  - {id: general, imposer: US, name: goods}\n"
                       "  - {id: toys, imposer: US, name: toys}\n")
    bad = bad.replace("family: ieepa, name: L1", "family: ieepa, products: [general], name: L1")
    bad = bad.replace("      - {layer: l1, rate: 10, effective: 2025-02-04}\n",
                      "      - {layer: l1, rate: 10, effective: 2025-02-04}\n"
                      "      - {layer: l1, exempt: [toys]}\n")
    bad += "issues:\n  us_tariffs: {imposer: US, product: shoes}\n"
    with pytest.raises(ScenarioError) as info:
        parse_events(bad, "ev.yaml")
    text = str(info.value)
    assert "ev.yaml:14:30 [events.0.changes.1.exempt.0]: layer 'l1' does not cover product " \
           "group 'toys'" in text
    assert "[issues.us_tariffs.product]: unknown product group 'shoes' for US" in text


def test_missing_events_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match=r"none\.yaml: file not found"):
        read_events(tmp_path / "none.yaml")
