"""The command line as a user meets it: the default forecast, JSON/CSV, languages, files."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import MODELS
from grandbargain.scenario import load_scenario

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_default_forecast_shows_all_eleven_issues_and_every_model():
    out = run("forecast")
    scenario = load_scenario()
    for issue in scenario.issues:
        assert issue.id in out
    for name in MODELS:
        assert name in out
    assert "~35: chips more capable than the H20" in out or "~50: only China-specific" in out


def test_json_holds_the_same_numbers_as_the_models():
    doc = json.loads(run("forecast", "--format", "json"))
    scenario = load_scenario()
    assert len(doc["issues"]) == 11
    for name, cls in MODELS.items():
        expected = cls().forecast(scenario).values()
        got = {i["id"]: i["forecasts"][name] for i in doc["issues"]}
        assert got == expected
    assert doc["issues"][0]["nearest_anchor"]["compromise"].startswith("~")


def test_csv_output_and_out_file(tmp_path):
    target = tmp_path / "f.csv"
    runner.invoke(app, ["forecast", "--format", "csv", "--out", str(target)])
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 11
    assert {"issue", "status_quo", "compromise", "median"} <= set(rows[0])


def test_chinese_output():
    out = run("forecast", "--lang", "zh", "--format", "json")
    doc = json.loads(out)
    assert doc["scenario"]["title"] == "中美科技大交易（2025年7月）"
    assert "晶片" in doc["issues"][0]["name"]
    assert "議題" in run("forecast", "--lang", "zh")


def test_forecast_on_an_external_style_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,1,4,50\nB,2,10,100\n")
    doc = json.loads(run("forecast", str(path), "-f", "json", "-m", "compromise"))
    assert [m["name"] for m in doc["models"]] == ["compromise"]
    assert doc["issues"][0]["forecasts"]["compromise"] == (0.5 * 4 + 2 * 10) / 2.5


def test_unknown_model_is_a_clean_error():
    result = runner.invoke(app, ["forecast", "-m", "oracle"])
    assert result.exit_code == 2 and "unknown model" in result.output


def test_show_scenarios_schema_check_convert(tmp_path):
    assert "us_president" in run("show")
    assert "45/55" in run("show")
    assert "escalation" in run("scenarios")
    schema = json.loads(run("schema"))
    assert "stances" in schema["properties"]
    assert "OK (11 issues" in run("check", "us-china-2025-07")
    target = tmp_path / "copy.yaml"
    run("convert", "small-yard-high-fence", str(target))
    assert load_scenario(target).principals == load_scenario("small-yard-high-fence").principals
    rows = list(csv.DictReader(io.StringIO(run("show", "--format", "csv"))))
    assert len(rows) == 110 and rows[0]["rationale"]
