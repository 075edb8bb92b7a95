"""Every external file the readers claim to handle loads, with the right numbers."""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.models import CompromiseModel, WeightedMedianModel
from grandbargain.scenario import load_scenario, read_capabilities

pytestmark = pytest.mark.external


@pytest.mark.parametrize("name", ["actors.csv", "actors-decisionmechanics.tsv"])
def test_emission_standards_golden_numbers(shared_benchmarks, name):
    s = load_scenario(shared_benchmarks / "bdm-1994-emission-standards" / name)
    assert len(s.actors) == 10
    assert (s.issues[0].low, s.issues[0].high) == (4.0, 10.0)
    assert round(CompromiseModel().forecast(s).value("issue"), 2) == 7.39
    assert WeightedMedianModel().forecast(s).value("issue") == 7.0


def test_csv_and_tsv_of_the_same_case_agree(shared_benchmarks):
    folder = shared_benchmarks / "bdm-1994-emission-standards"
    a = load_scenario(folder / "actors.csv")
    b = load_scenario(folder / "actors-decisionmechanics.tsv")
    np.testing.assert_allclose(a.saliences, b.saliences)
    np.testing.assert_allclose(a.positions, b.positions)


@pytest.mark.parametrize(("path", "actors", "salience_max"), [
    ("bdm-1997-sultan/actors.csv", 17, 100),
    ("iran-2013-election/actors.tsv", 8, 100),
    ("argentina-2015/actors.tsv", 17, 100),
    ("china-leadership/actors.csv", 24, 100),
    ("honduras-nicaragua/actors.csv", 5, 100),
])
def test_bdm_tables_load(shared_benchmarks, path, actors, salience_max):
    s = load_scenario(shared_benchmarks / path)
    assert len(s.actors) == actors
    assert 0 < s.saliences.max() <= salience_max / 100


def test_bom_and_cr_line_endings_are_accepted(shared_benchmarks, tmp_path):
    raw = (shared_benchmarks / "iran-2013-election" / "actors.tsv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    old_mac = tmp_path / "iran.tsv"
    old_mac.write_bytes(b"\xef\xbb\xbf" + raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    a = load_scenario(shared_benchmarks / "iran-2013-election" / "actors.tsv")
    b = load_scenario(old_mac)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert [x.name for x in a.actors] == [x.name for x in b.actors]


@pytest.mark.parametrize(("name", "actors", "dims"), [
    ("SOE-Policy.csv", 26, 1), ("SOE-Competitive.csv", 34, 1), ("SOE-Pol-Comp.csv", 13, 2),
    ("dummyData-a040.csv", 40, 1), ("dummyData-a080.csv", 80, 1),
    ("dummyData-a160.csv", 160, 1), ("dummyData_3Dim.csv", 7, 3), ("dummyData_6Dim.csv", 27, 6),
])
def test_ktab_files_load(shared_benchmarks, name, actors, dims):
    s = load_scenario(shared_benchmarks / "ktab-smp" / name)
    assert (len(s.actors), len(s.issues)) == (actors, dims)


def test_ktab_values_match_the_reference_log(shared_benchmarks):
    s = load_scenario(shared_benchmarks / "ktab-smp" / "SOE-Pol-Comp.csv")
    assert [i.id for i in s.issues] == ["policy", "competitive"]
    xi = s.actor_index["XJ"]
    np.testing.assert_allclose(s.positions[xi], [30, 20])
    np.testing.assert_allclose(s.saliences[xi], [0.24, 0.48])
    assert s.capabilities[xi] == 100.0


COP21_INITIAL = {"differentiation": 49.26, "mrv": 57.21, "legal": 57.97, "adapt_legal": 59.51,
                 "adapt_inst": 59.64, "finance_vol": 47.64, "finance_who": 38.10,
                 "adapt_finance": 55.12, "ld": 40.11, "progress": 45.60, "amb2050": 67.88,
                 "amb2100": 85.71, "eaa": 57.10}


def test_decide_cop21_reproduces_the_reference_initial_outcomes(shared_benchmarks):
    s = load_scenario(shared_benchmarks / "decide-exchange" / "cop21.csv")
    values = CompromiseModel().forecast(s).values()
    assert {k: round(v, 2) for k, v in values.items()} == COP21_INITIAL


@pytest.mark.parametrize(("name", "actors", "issues"), [
    ("cop21.csv", 15, 13), ("copenhagen.csv", 11, 7), ("sample_data.txt", 10, 6)])
def test_decide_files_load(shared_benchmarks, name, actors, issues):
    s = load_scenario(shared_benchmarks / "decide-exchange" / name)
    assert (len(s.actors), len(s.issues)) == (actors, issues)


def test_deu_layout_sample_with_council_weights(shared_benchmarks):
    folder = shared_benchmarks / "deu-format"
    weights = read_capabilities(folder / "council_voting_weights.csv",
                                "nice_weight_total345_eu27")
    weights.update({"com": 29.0, "ep": 29.0})
    s = load_scenario(folder / "deu_iii_layout_sample.csv", capabilities=weights)
    assert len(s.issues) == 5
    first = s.issue("t01i1")
    assert (first.status_quo, first.outcome) == (0.0, 50.0)
    assert first.attributes["proc"] == "COD"
    assert s.issue("t02i2").outcome is None  # 999 means missing
    assert s.stance("de", "t01i1").position == 20.0
    assert s.stance("it", "t01i1").position == 0.0
    assert s.stance("com", "t01i2").salience == 50.0


def test_deu_without_capabilities_is_a_clean_error(shared_benchmarks):
    from grandbargain.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="capabilities"):
        load_scenario(shared_benchmarks / "deu-format" / "deu_iii_layout_sample.csv",
                      capabilities={"de": 29.0})
