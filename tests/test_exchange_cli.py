"""`grandbargain exchanges` as a user meets it: plain words in English and Chinese, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import run_exchange_model
from grandbargain.scenario import load_scenario

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_default_prints_forecasts_per_round_and_exchanges_in_words():
    out = run("exchanges", "--rounds", "2", "--limit", "3")
    assert "Round 1:" in out and "Round 2:" in out
    assert "moves toward President Trump on Chinese purchases" in out
    assert "Each gains" in out
    assert "more (--limit 0 shows all)" in out
    for issue in load_scenario().issues:
        assert issue.id in out


def test_traditional_chinese():
    out = run("exchanges", "--rounds", "1", "--limit", "2", "--lang", "zh")
    assert "第 1 輪" in out
    assert "靠攏" in out and "雙方各得" in out
    assert "特朗普總統" in out


def test_json_holds_the_models_numbers():
    doc = json.loads(run("exchanges", "--rounds", "3", "--seed", "5", "--format", "json"))
    expected = run_exchange_model(load_scenario(), rounds=3, seed=5)
    assert doc["model"]["params"] == {"rounds": 3, "seed": 5, "tie_break": "random",
                                      "variant": "spec"}
    assert len(doc["rounds"]) == 3
    for got, want in zip(doc["rounds"], expected.rounds, strict=True):
        assert got["forecast"] == pytest.approx(dict(want.forecast))
        assert len(got["exchanges"]) == len(want.exchanges)
        first = got["exchanges"][0]
        assert first["first"]["actor"] == want.exchanges[0].first.actor
        assert first["first"]["to"] == pytest.approx(want.exchanges[0].first.end)
        assert first["gain"] == pytest.approx(want.exchanges[0].gain)
        assert "moves toward" in first["text"]
    assert doc["final"] == pytest.approx(dict(expected.final))


def test_csv_has_forecast_and_exchange_rows():
    text = run("exchanges", "--rounds", "2", "--format", "csv", "--tie-break", "ordered")
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"forecast", "exchange"}
    forecasts = [r for r in rows if r["kind"] == "forecast"]
    assert len(forecasts) == 2 * len(load_scenario().issues)
    exchanges = [r for r in rows if r["kind"] == "exchange"]
    expected = run_exchange_model(load_scenario(), rounds=2, tie_break="ordered")
    assert len(exchanges) == sum(len(r.exchanges) for r in expected.rounds)
    assert all(float(r["gain"]) > 0 for r in exchanges)


def test_forecast_gains_the_exchange_column():
    out = run("forecast", "--model", "exchange", "--format", "json")
    doc = json.loads(out)
    expected = run_exchange_model(load_scenario())
    got = {i["id"]: i["forecasts"]["exchange"] for i in doc["issues"]}
    assert got == pytest.approx(dict(expected.final))


def test_decide_file_and_bad_input(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("'#A'\t'x'\t'x'\t''\n'#Q'\t'nonsense'\n", encoding="utf-8")
    result = runner.invoke(app, ["exchanges", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["exchanges", "--rounds", "0"])
    assert result.exit_code == 2
