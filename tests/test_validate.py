"""`grandbargain validate`: the case library, the scores, the DEU scorer, the reproducible page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import MODELS, IssueForecast, ModelResult
from grandbargain.scenario import ScenarioError
from grandbargain.validate import (
    HIT_THRESHOLDS,
    Score,
    apply_institutions,
    equal_weight_ensemble,
    institution_weights,
    load_deu,
    read_catalogue,
    summarise,
    validate_deu,
    validate_library,
)

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def invoke(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


# --- the catalogue -------------------------------------------------------------------------

def test_shipped_catalogue_names_the_cases_outcomes_and_published_forecasts():
    cases = {c.id: c for c in read_catalogue()}
    assert set(cases) == {"emission-standards-1994", "iran-election-2013",
                          "ktab-china-soe-policy", "ktab-china-soe-cnpc"}
    emission = cases["emission-standards-1994"]
    assert [o.value for o in emission.outcomes] == [8.833]
    assert [(p.model, p.value) for p in emission.published] == [("bdm-1994", 8.35),
                                                                ("bdm-1994-prolonged", 9.05)]
    assert cases["iran-election-2013"].outcomes[0].value == 8
    for key, long_run in (("ktab-china-soe-policy", 55), ("ktab-china-soe-cnpc", 60)):
        case = cases[key]
        assert [(o.value, o.primary) for o in case.outcomes] == [(25, True), (long_run, False)]
        assert [(p.model, p.value) for p in case.published] == [("ktab-smp", 30)]
    for case in cases.values():
        assert all(o.source for o in case.outcomes)
        assert all(p.source for p in case.published)


def test_a_malformed_catalogue_is_a_located_error(tmp_path):
    bad = tmp_path / "cat.yaml"
    bad.write_text("cases:\n  - id: x\n    title: X\n    file: a.csv\n    outcomes:\n"
                   "      - value: high\n        source: me\n")
    with pytest.raises(ScenarioError) as err:
        read_catalogue(bad)
    text = str(err.value)
    assert "cat.yaml:6" in text and "cases.0.outcomes.0.value" in text
    result = invoke("validate", "--cases", str(tmp_path), "--catalogue", str(bad), code=2)
    assert "cat.yaml:6" in result.output and "Traceback" not in result.output


# --- scoring -------------------------------------------------------------------------------

def _score(model: str, forecast: float | None, outcome: float, low=0.0, high=100.0) -> Score:
    return Score("c", "r", True, model, model, "model", forecast, outcome, low, high)


def test_summary_by_hand():
    scores = [_score("a", 52.0, 50.0), _score("a", 40.0, 50.0), _score("a", 80.0, 50.0),
              _score("a", 25.0, 50.0), _score("a", None, 50.0),
              _score("b", 7.0, 8.0, low=4.0, high=10.0)]
    a, b = summarise(scores)
    assert (a.n, a.missing) == (4, 1)
    assert a.mae == pytest.approx((0.02 + 0.10 + 0.30 + 0.25) / 4)
    assert a.median_ae == pytest.approx((0.10 + 0.25) / 2)
    assert HIT_THRESHOLDS == (0.05, 0.10, 0.20)
    assert a.hits == (1, 2, 2)  # an error of exactly 10% is a hit within 10%
    assert b.mae == pytest.approx(1 / 6) and b.hits == (0, 0, 1)


def test_equal_weight_ensemble_is_the_mean_of_the_models_that_forecast():
    r1 = ModelResult("m1", "M1", {}, (IssueForecast("x", 10.0), IssueForecast("y", None)))
    r2 = ModelResult("m2", "M2", {}, (IssueForecast("x", 20.0), IssueForecast("y", 4.0)))
    r3 = ModelResult("m3", "M3", {}, (IssueForecast("x", 60.0), IssueForecast("y", 8.0)))
    ens = equal_weight_ensemble([r1, r2, r3])
    assert ens.values() == {"x": 30.0, "y": 6.0}


# --- the case library on the real benchmark folder -----------------------------------------

@pytest.mark.external
def test_library_scores_every_model_and_the_published_forecasts(shared_benchmarks):
    v = validate_library(shared_benchmarks)
    assert v.skipped == () and v.failures == ()
    names = [m.name for m in v.models]
    assert names[: len(MODELS)] == list(MODELS)
    assert "ensemble" in names
    by = {(s.case, s.reading, s.model): s for s in v.scores}
    reading = "years until the standards applied"
    compromise = by[("emission-standards-1994", reading, "compromise")]
    assert compromise.forecast == pytest.approx(7.39, abs=0.005)  # models.md golden number
    assert compromise.error == pytest.approx((compromise.forecast - 8.833) / 6)
    assert by[("emission-standards-1994", reading, "bdm-1994")].error == \
        pytest.approx((8.35 - 8.833) / 6)
    assert by[("emission-standards-1994", reading, "bdm-1994-prolonged")].error == \
        pytest.approx((9.05 - 8.833) / 6)
    assert by[("ktab-china-soe-policy", "near term (~2017)", "ktab-smp")].error == \
        pytest.approx(0.05)
    iran = by[("iran-election-2013", "Rouhani, at x = 8, won", "median")]
    assert iran.error == pytest.approx((iran.forecast - 8) / 9)


@pytest.mark.external
def test_catalogue_outcomes_match_the_ktab_file(shared_benchmarks):
    """The catalogue keeps its own copy of the codings; it must agree with the source file."""
    data = json.loads((shared_benchmarks / "schelling-cases" / "ktab-china-2014.json")
                      .read_text(encoding="utf-8"))
    coded = {c["case_id"]: c["outcomes"] for c in data["cases"]}
    cases = {c.id: c for c in read_catalogue()}
    for ours, theirs in (("ktab-china-soe-policy", "KTAB-CHINA-2014-POLICY"),
                         ("ktab-china-soe-cnpc", "KTAB-CHINA-2014-CNPC")):
        values = [o.value for o in cases[ours].outcomes]
        assert values == [coded[theirs]["near_term_by_2017"]["proposed_value"],
                          coded[theirs]["long_run_by_2020"]["proposed_value"]]


@pytest.mark.external
def test_docs_validation_md_is_reproduced_byte_for_byte(shared_benchmarks, tmp_path):
    page = REPO / "docs" / "validation.md"
    out = tmp_path / "validation.md"
    invoke("validate", "--cases", str(shared_benchmarks), "--markdown", "--out", str(out))
    assert out.read_bytes() == page.read_bytes(), (
        "docs/validation.md is stale: regenerate it with "
        "`grandbargain validate --markdown --out docs/validation.md`")
    text = out.read_text(encoding="utf-8")
    assert str(shared_benchmarks) not in text and str(tmp_path) not in text


@pytest.mark.external
def test_json_and_csv_hold_the_same_numbers(shared_benchmarks):
    doc = json.loads(invoke("validate", "--cases", str(shared_benchmarks), "-f",
                            "json").stdout)
    summary = {s["model"]: s for s in doc["library"]["summary"]}
    rows = list(csv.DictReader(io.StringIO(invoke("validate", "--cases",
                                                  str(shared_benchmarks), "-f",
                                                  "csv").stdout)))
    csv_summary = {r["model"]: r for r in rows if r["table"] == "summary"}
    assert set(summary) == set(csv_summary)
    for model, s in summary.items():
        assert float(csv_summary[model]["mae"]) == pytest.approx(s["mae"], rel=1e-5)
    cases = [r for r in rows if r["table"] == "case"]
    assert len(cases) == sum(len(r["forecasts"]) for c in doc["library"]["cases"]
                             for r in c["readings"])


# --- missing and malformed case files ------------------------------------------------------

def _broken_folder(root: Path) -> Path:
    (root / "bdm-1994-emission-standards").mkdir(parents=True)
    (root / "bdm-1994-emission-standards" / "actors.csv").write_text(
        "Actor,Capability,Position,Salience\nA,1,4,100\nB,1,10,100\nC,2,7,50\n")
    (root / "ktab-smp").mkdir()
    (root / "ktab-smp" / "SOE-Policy.csv").write_text(
        "China Policy,x, 2, 1,\nActor,Description,Influence,Policy Position,Policy Salience,\n"
        "XJ,Xi,100,30,30,\nLK,Li,lots,45,65,\n")
    (root / "iran-2013-election").mkdir()
    (root / "iran-2013-election" / "actors.tsv").write_text("")
    return root


def test_broken_and_missing_cases_are_skipped_with_reasons_and_the_run_goes_on(tmp_path):
    folder = _broken_folder(tmp_path / "cases")
    v = validate_library(folder)
    assert [run.case.spec.id for run in v.runs] == ["emission-standards-1994"]
    # weights 1, 1, 1: mean (4 + 10 + 7) / 3 = 7.0, error (7 - 8.833) / 6
    compromise = next(s for s in v.scores if s.model == "compromise")
    assert compromise.forecast == pytest.approx(7.0)
    assert compromise.error == pytest.approx((7.0 - 8.833) / 6)
    skipped = {s.case: s.problems for s in v.skipped}
    assert set(skipped) == {"iran-election-2013", "ktab-china-soe-policy",
                            "ktab-china-soe-cnpc"}
    assert skipped["iran-election-2013"] == ("iran-2013-election/actors.tsv: the file is empty",)
    assert skipped["ktab-china-soe-cnpc"] == ("ktab-smp/SOE-Competitive.csv: no such file",)
    assert skipped["ktab-china-soe-policy"] == (
        "ktab-smp/SOE-Policy.csv:4:3 [Influence]: Influence is not a number: 'lots'",)
    for out in (invoke("validate", "--cases", str(folder)).stdout,
                invoke("validate", "--cases", str(folder), "--markdown").stdout):
        assert "Influence is not a number" in out and "no such file" in out
        assert "emission" in out.lower() and str(tmp_path) not in out
    doc = json.loads(invoke("validate", "--cases", str(folder), "-f", "json").stdout)
    assert {s["case"] for s in doc["library"]["skipped"]} == set(skipped)


def test_an_empty_cases_folder_scores_nothing_and_says_why(tmp_path):
    v = validate_library(tmp_path)
    assert v.runs == () and len(v.skipped) == 4
    result = invoke("validate", "--cases", str(tmp_path), code=2)  # issue 12: not a success
    assert "no case found" in result.output and "--cases" in result.output


def test_a_missing_cases_folder_is_a_clean_error(tmp_path):
    result = invoke("validate", "--cases", str(tmp_path / "nowhere"), code=2)
    assert "no such folder" in result.output and "Traceback" not in result.output


# --- DEU -----------------------------------------------------------------------------------

def test_institution_rules():
    members = [10.0, 10.0, 5.0]
    assert institution_weights("average-member", "COD", members) == {"com": 25 / 3,
                                                                      "ep": 25 / 3}
    assert institution_weights("average-member", "CNS", members) == {"com": 25 / 3,
                                                                      "ep": None}
    assert institution_weights("parity", "cod", members) == {"com": 25.0, "ep": 25.0}
    assert institution_weights("parity", "CNS", members) == {"com": 25.0, "ep": None}
    assert institution_weights("council-only", "COD", members) == {"com": None, "ep": None}
    with pytest.raises(ValueError, match="unknown institutions rule"):
        institution_weights("equal", "COD", members)


SYNTHETIC_DEU = """prnr;isnr;prname;proc;pcom;pep;pde;pfr;pnl;scom;sep;sde;sfr;snl;rp;out
p1;a;alpha;COD;100;100;0;0;60;100;100;100;100;100;0;20
p2;b;beta;CNS;80;0;40;40;100;100;100;100;100;100;50;50
p3;c;gamma;COD;;;50;30;30;;;100;100;100;;45
p4;d;delta;CNS;10;;20;30;40;100;;100;100;100;;999
"""
WEIGHTS = "deu_code,weight\nde,10\nfr,10\nnl,5\n"


@pytest.fixture
def synthetic_deu(tmp_path) -> tuple[Path, Path]:
    table, weights = tmp_path / "deu.csv", tmp_path / "weights.csv"
    table.write_text(SYNTHETIC_DEU)
    weights.write_text(WEIGHTS)
    return table, weights


def test_synthetic_deu_mae_by_hand(synthetic_deu):
    table, weights = synthetic_deu
    d = validate_deu(table, weights, model_names=["compromise"])
    assert d.issues == 4 and d.unscored == ("d",)
    # average-member: the Commission (and the EP under COD) weigh (10 + 10 + 5) / 3 = 25/3.
    # a (COD): (25/3*100 + 25/3*100 + 5*60) / (25/3 + 25/3 + 25) = 47.2 -> error +0.272
    # b (CNS, EP out): (25/3*80 + 10*40 + 10*40 + 5*100) / (25/3 + 25) = 59.0 -> +0.09
    # c (COD, no com/ep): (10*50 + 10*30 + 5*30) / 25 = 38 -> -0.07
    forecasts = {s.case: s.forecast for s in d.scores}
    assert forecasts == pytest.approx({"a": 47.2, "b": 59.0, "c": 38.0})
    (summary,) = summarise(d.scores)
    assert summary.mae == pytest.approx((0.272 + 0.09 + 0.07) / 3)
    cod, = summarise(s for s in d.scores if s.group == "COD")
    cns, = summarise(s for s in d.scores if s.group == "CNS")
    assert cod.mae == pytest.approx((0.272 + 0.07) / 2) and cod.n == 2
    assert cns.mae == pytest.approx(0.09) and cns.n == 1
    # council-only: a = 60*5/25 = 12 (-0.08), b = 1300/25 = 52 (+0.02), c = 38 (-0.07)
    d = validate_deu(table, weights, institutions="council-only", model_names=["compromise"])
    (summary,) = summarise(d.scores)
    assert summary.mae == pytest.approx((0.08 + 0.02 + 0.07) / 3)


def test_synthetic_deu_through_the_command(synthetic_deu):
    table, weights = synthetic_deu
    doc = json.loads(invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                            str(weights), "-f", "json").stdout)
    deu = doc["deu"]
    assert "library" not in doc and deu["scored"] == 3 and deu["unscored"] == ["d"]
    summary = {s["model"]: s for s in deu["summary"]}
    assert set(summary) >= set(MODELS) | {"ensemble"}
    assert summary["compromise"]["mae"] == pytest.approx(0.144)
    assert set(deu["by_procedure"]) == {"COD", "CNS"}
    assert str(table.parent) not in json.dumps(doc)
    text = invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                  str(weights)).stdout
    assert "procedure COD (2 issues)" in text and "procedure CNS (1 issues)" in text
    page = invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                  str(weights), "--markdown").stdout
    assert "### DEU: procedure COD (2 issues)" in page and "| compromise | 2 | 17.1% |" in page


def test_deu_without_capabilities_or_with_a_gap_is_a_clean_error(synthetic_deu, tmp_path):
    table, _ = synthetic_deu
    result = invoke("validate", "--no-cases", "--deu", str(table), code=2)
    assert "--capabilities" in result.output
    partial = tmp_path / "partial.csv"
    partial.write_text("deu_code,weight\nde,10\nfr,10\n")
    result = invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                    str(partial), code=2)
    assert "no capability given for actor(s) nl" in result.output
    result = invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                    str(partial), "--institutions", "equal", code=2)
    assert "unknown rule 'equal'" in result.output


def test_file_rule_takes_institution_weights_from_the_file(synthetic_deu, tmp_path):
    table, _ = synthetic_deu
    weights = tmp_path / "w.csv"
    weights.write_text("deu_code,weight\nde,10\nfr,10\nnl,5\ncom,25\nep,50\n")
    scenario = load_deu(table, weights, institutions="file")
    *_, c = scenario.issue_arrays("a")
    assert sorted(c.tolist()) == [5.0, 10.0, 10.0, 25.0, 50.0]
    same = apply_institutions(scenario, "file")
    assert same is scenario


@pytest.mark.external
def test_deu_layout_sample(shared_benchmarks):
    folder = shared_benchmarks / "deu-format"
    d = validate_deu(folder / "deu_iii_layout_sample.csv",
                     folder / "council_voting_weights.csv", "nice_weight_total345_eu27",
                     institutions="council-only")
    assert d.issues == 5 and d.unscored == ("t02i2",)
    by = {(s.case, s.model): s for s in d.scores}
    # t01i1, Council only: fr 40 (s .5), de 20 (s 1), it 0 (s .5), all weight 29:
    # (40*14.5 + 20*29 + 0*14.5) / 58 = 20; outcome 50 -> error -0.30
    assert by[("t01i1", "compromise")].forecast == pytest.approx(20.0)
    assert by[("t01i1", "compromise")].error == pytest.approx(-0.30)
    assert {s.group for s in d.scores} == {"COD", "CNS"}
    assert np.isfinite([s.error for s in d.scores if s.model == "compromise"]).all()


# --- 繁體中文 (issue 13) ---------------------------------------------------------------------

def test_the_catalogue_names_every_case_and_reading_in_chinese():
    for spec in read_catalogue():
        assert spec.title_zh and spec.title_in("zh") == spec.title_zh
        assert all(o.label_zh for o in spec.outcomes if o.label)
        assert all(p.label_zh for p in spec.published)
        assert not spec.unit or spec.unit_zh


def _no_english(output: str) -> list[str]:
    from tests.test_zh import english_in_terminal

    allowed = set(MODELS) | {"ensemble", "n"}
    return english_in_terminal(output, allowed)


def test_validate_in_chinese_has_no_english_sentence(shared_benchmarks):
    text = invoke("validate", "--cases", str(shared_benchmarks), "--lang", "zh").stdout
    assert "預測與誤差（主要結果讀數）" in text and "各模型摘要（主要結果讀數）" in text
    assert "歐共體中型汽車排放標準" in text and "KTAB SMP（已發表）" in text
    assert "模型：compromise = 妥協模型（加權平均數）" in text
    assert _no_english(text) == [], text
    english = invoke("validate", "--cases", str(shared_benchmarks)).stdout
    assert "Forecasts and errors (primary outcome readings)" in english
    assert "EC emission standards for medium-sized cars" in english


def test_validate_deu_in_chinese_has_no_english_sentence(synthetic_deu):
    table, weights = synthetic_deu
    text = invoke("validate", "--no-cases", "--deu", str(table), "--capabilities",
                  str(weights), "--lang", "zh").stdout
    assert "DEU：程序 COD（2 個議題）" in text and "DEU：1 個沒有結果的議題未評分" in text
    assert _no_english(text) == [], text
