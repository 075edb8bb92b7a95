"""`grandbargain rounds` and the new models in `grandbargain forecast`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import ScholzExpectedUtilityModel
from grandbargain.scenario import load_scenario

runner = CliRunner()


def run(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.external
def test_rounds_table_tells_the_offers_in_plain_words(shared_benchmarks):
    path = str(shared_benchmarks / "bdm-1994-emission-standards" / "actors.csv")
    out = run("rounds", path, "--rounds", "8")
    assert "Belgium compromises with France: 7.00 -> 8.42" in out
    assert "Luxembourg loses a confrontation to Belgium: 4.00 -> 7.00" in out
    assert "9.67" in out and "Weighted mean" in out


@pytest.mark.external
def test_rounds_json_and_csv_hold_the_models_numbers(shared_benchmarks):
    path = shared_benchmarks / "bdm-1994-emission-standards" / "actors.csv"
    doc = json.loads(run("rounds", str(path), "--format", "json"))
    run_ = ScholzExpectedUtilityModel().forecast(load_scenario(path)).detail["runs"]["issue"]
    assert [r["median"] for r in doc["rounds"][1:]] == [r.median for r in run_.rounds]
    assert doc["rounds"][0]["median"] == 7.0 and doc["stopped"] == "rounds"
    assert doc["rounds"][1]["offers"][0]["text"] == \
        "Belgium compromises with France: 7.00 -> 8.42"
    rows = list(csv.DictReader(io.StringIO(run("rounds", str(path), "-n", "2", "-f", "csv"))))
    assert len(rows) == 3 * 10
    belgium = next(r for r in rows if r["round"] == "1" and r["actor"] == "Belgium")
    assert (belgium["offer"], belgium["proposer"], belgium["to"]) == ("compromise", "France",
                                                                      "8.41593")


def test_rounds_needs_an_issue_when_there_are_several():
    out = run("rounds", code=2)
    assert "pick one with --issue" in out and "tiktok" in out
    assert "unknown issue 'nope'" in run("rounds", "--issue", "nope", code=2)


def test_rounds_textbook_on_the_default_scenario():
    doc = json.loads(run("rounds", "--issue", "tiktok", "--model", "eu", "-f", "json"))
    assert doc["model"]["params"]["variant"] == "textbook"
    assert doc["issue"]["id"] == "tiktok" and len(doc["rounds"]) >= 2
    for r in doc["rounds"]:
        assert all(0.0 <= v <= 100.0 for v in r["positions"].values())


def test_forecast_shows_the_chosen_models_side_by_side():
    out = run("forecast", "--model", "nash-issue", "--model", "eu", "--model", "eu-scholz")
    assert "nash-issue" in out and "eu-scholz" in out and "compromise" not in out
    doc = json.loads(run("forecast", "-m", "nash-issue", "-m", "eu-scholz", "-f", "json"))
    assert [m["name"] for m in doc["models"]] == [  # the package deals come with principals
        "nash-issue", "eu-scholz", "deal-nash", "deal-ks", "deal-egalitarian",
        "deal-utilitarian"]


def test_old_model_name_nash_is_an_alias_that_says_its_new_name():
    result = CliRunner().invoke(app, ["forecast", "-m", "nash", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "now called 'nash-issue'" in result.output
    header = next(line for line in result.output.splitlines() if line.startswith("issue,"))
    assert "nash-issue" in header.split(",")


def test_rounds_says_when_the_model_does_not_settle():
    # eu-scholz on the default scenario's US investment limits swings 30 <-> 55 (EU-17)
    doc = json.loads(run("rounds", "-i", "us_investment_limits", "-f", "json"))
    assert doc["settled"] is False
    window = doc["last_rounds"]
    assert (window["from_round"], window["to_round"]) == (6, 10)
    last = [r["median"] for r in doc["rounds"][6:]]
    assert (window["low"], window["high"]) == (min(last), max(last))
    assert window["high"] - window["low"] > 20
    assert doc["forecast"] == (window["low"] + window["high"]) / 2
    rows = list(csv.DictReader(io.StringIO(run("rounds", "-i", "us_investment_limits",
                                               "-f", "csv"))))
    assert {r["settled"] for r in rows} == {"False"} and rows[0]["from_round"] == "6"
    table = " ".join(run("rounds", "-i", "us_investment_limits").split())
    assert "NOT SETTLED" in table and "rounds 6-10" in table
    settled = json.loads(run("rounds", "-i", "tiktok", "-m", "eu", "-f", "json"))
    assert settled["settled"] is True and settled["last_rounds"] is None
