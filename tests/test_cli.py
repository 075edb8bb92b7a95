"""The command line as a user meets it: the default forecast, JSON/CSV, languages, files."""

from __future__ import annotations

import csv
import io
import json

import pytest
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
    assert "~35: chips more" in out or "~50: only China" in out  # the cell may wrap


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


# --- The DEU path: every command that loads a scenario takes --capabilities/--institutions ----

def deu_sample(shared_benchmarks):
    folder = shared_benchmarks / "deu-format"
    table, weights = folder / "deu_iii_layout_sample.csv", folder / "council_voting_weights.csv"
    if not table.is_file() or not weights.is_file():
        pytest.skip(f"the shipped DEU sample is absent from {folder}")
    return str(table), str(weights)


def test_every_command_loads_the_shipped_deu_sample(shared_benchmarks, tmp_path):
    table, weights = deu_sample(shared_benchmarks)
    loading = [table, "--capabilities", weights]
    for command in (["forecast"], ["rounds", "--issue", "t01i1"], ["exchanges"],
                    ["simulate", "-n", "20", "-m", "compromise"], ["show"], ["check"],
                    ["report", "--markdown", "-m", "compromise"],
                    ["convert", "--to", "yaml"]):
        args = [command[0], *loading, *command[1:]]
        if command[0] == "convert":
            args.insert(2, str(tmp_path / "deu.yaml"))
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (command, result.output)
        assert "no capability given" not in result.output
    # deals loads it too, then asks for the principals a DEU table does not have
    result = runner.invoke(app, ["deals", *loading])
    assert result.exit_code == 2 and "principals" in result.output, result.output
    assert "no capability given" not in result.output


def test_deu_forecast_matches_validate_for_each_institutions_rule(shared_benchmarks, tmp_path):
    from grandbargain.validate import load_deu

    table, weights = deu_sample(shared_benchmarks)
    for rule in ("average-member", "parity", "council-only"):
        doc = json.loads(run("forecast", table, "--capabilities", weights, "--institutions",
                             rule, "-m", "compromise", "-f", "json"))
        expected = MODELS["compromise"]().forecast(load_deu(table, weights, None, rule))
        assert {i["id"]: i["forecasts"]["compromise"] for i in doc["issues"]} == \
            expected.values()
    # the rules give different numbers: the option is not ignored
    one, other = (json.loads(run("forecast", table, "--capabilities", weights,
                                 "--institutions", rule, "-m", "compromise", "-f", "json"))
                  for rule in ("average-member", "council-only"))
    assert one["issues"] != other["issues"]
    # `file`: the capabilities file must then weigh com and ep itself, as before
    result = runner.invoke(app, ["forecast", table, "--capabilities", weights,
                                 "--institutions", "file"])
    assert result.exit_code == 2 and "no capability given for actor(s) com, ep" in result.output
    # converted to YAML, the per-issue weights travel with the stances
    target = tmp_path / "deu.yaml"
    run("convert", table, str(target), "--capabilities", weights)
    assert json.loads(run("forecast", str(target), "-m", "compromise", "-f", "json"))[
        "issues"] == one["issues"]


def test_show_gives_the_capability_in_effect_on_each_issue(shared_benchmarks):
    from grandbargain.validate import load_deu

    table, weights = deu_sample(shared_benchmarks)
    rows = list(csv.DictReader(io.StringIO(run("show", table, "--capabilities", weights,
                                               "--institutions", "parity", "-f", "csv"))))
    scenario = load_deu(table, weights, None, "parity")
    for row in rows:
        stance = scenario.stance(row["actor"], row["issue"])
        expected = stance.capability if stance.capability is not None else \
            scenario.actor(row["actor"]).capability
        assert float(row["capability"]) == expected
    assert any(row["actor"] == "com" and float(row["capability"]) > 1 for row in rows)
