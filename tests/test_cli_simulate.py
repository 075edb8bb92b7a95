"""`grandbargain simulate` and `forecast --draws` as a user meets them."""

from __future__ import annotations

import csv
import io
import json
import sys

from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import MODELS, CompromiseModel
from grandbargain.scenario import load_scenario
from grandbargain.uncertainty import batch_path

runner = CliRunner()
DRAWN = [name for name, cls in MODELS.items() if batch_path(cls()) != "loop over draws"]
NOISE = ["--noise", "position=10,salience=15"]


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def error(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    return result.output


def test_simulate_json_has_every_issue_model_and_the_ensemble():
    doc = json.loads(run("simulate", "-n", "200", "--seed", "5", *NOISE, "-f", "json"))
    assert doc["simulation"]["draws"] == 200 and doc["simulation"]["seed"] == 5
    assert doc["simulation"]["noise"]["position"] == 10
    assert [m["name"] for m in doc["models"]] == DRAWN
    assert len(doc["issues"]) == 11
    point = CompromiseModel().forecast(load_scenario()).values()
    for issue in doc["issues"]:
        assert set(issue["forecasts"]) == {*DRAWN, "ensemble"}
        assert issue["forecasts"]["compromise"]["point"] == point[issue["id"]]
        assert issue["forecasts"]["compromise"]["sd"] > 0


def test_simulate_is_reproducible_and_the_seed_matters():
    first = run("simulate", "-n", "100", "--seed", "1", *NOISE, "-f", "json")
    assert run("simulate", "-n", "100", "--seed", "1", *NOISE, "-f", "json") == first
    assert run("simulate", "-n", "100", "--seed", "2", *NOISE, "-f", "json") != first


def test_simulate_csv_and_table():
    rows = list(csv.DictReader(io.StringIO(
        run("simulate", "-n", "200", *NOISE, "-m", "compromise", "-f", "csv"))))
    assert len(rows) == 11 * 2  # compromise and the ensemble
    assert {"issue", "model", "q05", "q95", "most_likely_anchor", "band_probabilities"} <= \
        set(rows[0])
    table = run("simulate", "-n", "200", *NOISE, "--weights", "compromise=1,median=3")
    assert "ensemble" in table and "Most likely anchor" in table and "[" in table
    assert "median 3" in " ".join(table.split())


def test_simulate_without_noise_says_so():
    result = runner.invoke(app, ["simulate", "-n", "50", "-f", "json"])
    assert result.exit_code == 0
    assert "no input uncertainty" in result.stderr
    doc = json.loads(result.stdout)
    f = doc["issues"][0]["forecasts"]["median"]
    assert f["q05"] == f["q95"] == f["point"]


def test_models_without_a_fast_path_are_drawn_only_when_named():
    slow = [name for name in MODELS if name not in DRAWN]
    result = runner.invoke(app, ["simulate", "-n", "20", *NOISE, "-f", "json"])
    assert all(name in result.stderr for name in slow)
    if slow:
        named = json.loads(run("simulate", "-n", "2", *NOISE, "-m", slow[0], "-f", "json"))
        assert [m["name"] for m in named["models"]] == [slow[0]]
        assert named["models"][0]["path"] == "loop over draws"


def test_simulate_bad_options_are_clean_errors():
    assert "--noise" in error("simulate", "-n", "10", "--noise", "position=lots")
    assert "--weights" in error("simulate", "-n", "10", "--weights", "nash-issue=1", "-m",
                                "compromise")
    assert "--weights" in error("simulate", "-n", "10", "--weights", "compromise")
    assert "not both" in error("simulate", "-n", "10", "--workers", "2", "--scheduler",
                               "tcp://127.0.0.1:1")
    assert "--model" in error("simulate", "-n", "10", "-m", "astrology")


def test_missing_dask_gives_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    out = error("simulate", "-n", "10", "--scheduler", "tcp://127.0.0.1:1", *NOISE)
    assert "pip install 'grandbargain[dask]'" in out
    assert "Traceback" not in out
    from grandbargain.uncertainty._forks import fork_available

    if fork_available():  # local workers are forked processes: no Dask needed
        here = run("simulate", "-n", "30", "--chunk-size", "10", *NOISE, "-m", "eu", "-f",
                   "json")
        assert run("simulate", "-n", "30", "--chunk-size", "10", *NOISE, "-m", "eu",
                   "--workers", "2", "-f", "json") == here


def test_forecast_with_draws_adds_intervals_and_keeps_the_point_forecasts():
    plain = json.loads(run("forecast", "-f", "json"))
    doc = json.loads(run("forecast", "--draws", "200", *NOISE, "-f", "json"))
    for before, after in zip(plain["issues"], doc["issues"], strict=True):
        assert after["forecasts"] == before["forecasts"]
        assert set(after["intervals"]) == set(DRAWN)
        for name in DRAWN:
            spread = after["intervals"][name]
            assert spread["q05"] <= spread["median"] <= spread["q95"]
    assert doc["simulation"]["draws"] == 200
    header = next(csv.reader(io.StringIO(run("forecast", "--draws", "50", *NOISE, "-f",
                                             "csv"))))
    assert "compromise_q05" in header and "median_q95" in header
    table = run("forecast", "--draws", "50", *NOISE, "-m", "compromise")
    assert "5%–95%" in table


def test_a_point_outside_its_interval_is_marked_in_table_json_and_csv():
    from grandbargain.report._uncertainty_table import any_outside, interval_note, interval_text
    from grandbargain.uncertainty._summary import point_outside

    inside = {"point": 5.0, "q05": 2.0, "q95": 9.0}
    outside = {"point": 0.0, "q05": 2.0, "q95": 9.0}
    assert not point_outside(5.0, inside) and point_outside(0.0, outside)
    assert not point_outside(None, outside)
    assert "†" in interval_text({**outside, "point_outside": True})
    assert "†" not in interval_text({**inside, "point_outside": False})
    assert "not linear" in interval_note(True) and "†" not in interval_note(False)
    doc = {"issues": [{"forecasts": {"m": {"point_outside": True}}}]}
    assert any_outside(doc) and not any_outside(doc, "intervals")
    # every output carries the flag
    doc = json.loads(run("simulate", "-n", "50", *NOISE, "-m", "median", "-f", "json"))
    assert all(isinstance(i["forecasts"]["median"]["point_outside"], bool)
               for i in doc["issues"])
    rows = list(csv.DictReader(io.StringIO(run("simulate", "-n", "50", *NOISE, "-m", "median",
                                               "-f", "csv"))))
    assert {r["point_outside"] for r in rows} <= {"true", "false", "True", "False"}
    doc = json.loads(run("forecast", "-n", "50", *NOISE, "-m", "median", "-f", "json"))
    assert all("point_outside" in i["intervals"]["median"] for i in doc["issues"])
    header = run("forecast", "-n", "50", *NOISE, "-m", "median", "-f", "csv").splitlines()[0]
    assert "median_point_outside" in header


def test_noise_without_draws_is_a_clean_error():
    for command in ("forecast", "deals", "report"):
        out = error(command, "--noise", "position=10")
        assert "--noise" in out and "--draws" in out and "Traceback" not in out


def test_a_long_draws_run_states_its_estimate_and_needs_yes(monkeypatch):
    import grandbargain.cli._draws as cli_draws

    out = error("simulate", "-n", "1000000000", *NOISE, "-m", "compromise")
    assert "--yes" in out and "would take about" in out
    monkeypatch.setattr(cli_draws, "CONFIRM_SECONDS", 1e-9)
    monkeypatch.setattr(cli_draws, "NOTE_SECONDS", 1e-9)
    for command in ("simulate", "forecast", "deals"):
        out = error(command, "-n", "20", *NOISE, *(["-m", "median"] if command != "deals"
                                                   else []))
        assert "--yes" in out and "estimated from a few timed draws" in out
    result = runner.invoke(app, ["forecast", "-n", "20", *NOISE, "-m", "median", "--yes",
                                 "-f", "json"])
    assert result.exit_code == 0 and "estimated" in result.stderr
    assert json.loads(result.stdout)["simulation"]["draws"] == 20


def test_report_draws_the_same_models_as_forecast():
    from grandbargain.cli.report import forecast_documents

    scenario = load_scenario()
    models = [cls() for cls in MODELS.values()]
    results = [m.forecast(scenario) for m in models]
    docs = forecast_documents(scenario, models, results, 5, 0, "position=10", "normal")
    assert all(set(issue["intervals"]) == set(DRAWN) for issue in docs["en"]["issues"])
    slow = [m for m in models if m.name not in DRAWN]
    if slow:  # named: drawn, as `forecast --draws -m NAME` does
        named = forecast_documents(scenario, slow[:1], results[-1:], 2, 0, "position=10",
                                   "normal", named=True)
        assert set(named["en"]["issues"][0]["intervals"]) == {slow[0].name}


def test_report_draws_the_same_models_as_forecast_draws(monkeypatch):
    """`report --draws` (issue 13 item 5): the models `forecast --draws` draws, the exchange
    model only when named, run through the same progress-bar runner."""
    from grandbargain.cli import _draws
    from grandbargain.cli.forecast import pick_models
    from grandbargain.cli.report import forecast_documents

    seen = []
    real = _draws.run_draws

    def spy(sim, *args, **kwargs):
        seen.append(sim.model_names)
        return real(sim, *args, **kwargs)

    monkeypatch.setattr(_draws, "run_draws", spy)
    s = load_scenario()
    models = pick_models(None)
    docs = forecast_documents(s, models, [m.forecast(s) for m in models], 20, 1,
                              "position=10", "normal")
    assert seen == [tuple(DRAWN)]
    assert "exchange" not in DRAWN
    assert set(docs["en"]["issues"][0]["intervals"]) == set(DRAWN)
    forecast = json.loads(run("forecast", "--draws", "20", "--seed", "1", "--noise",
                              "position=10", "-f", "json"))
    assert docs["en"]["issues"][0]["intervals"] == forecast["issues"][0]["intervals"]
