"""The Python API (`import grandbargain as gb`): the same documents as the commands' JSON,
tidy frames, edits that go through the validator, HTML with the bottom line first."""

from __future__ import annotations

import dataclasses
import json
import math
import sys

import pytest
from typer.testing import CliRunner

import grandbargain as gb
from grandbargain.cli import app

pd = pytest.importorskip("pandas", reason="pandas is in the dev extra")

runner = CliRunner()


def cli_json(*args: str):
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def default_forecast():
    return gb.forecast(gb.load("us-china-2025-07"))


def test_forecast_frame_matches_the_command_number_for_number(default_forecast):
    document = cli_json("forecast", "us-china-2025-07")
    assert default_forecast.to_dict() == document  # the whole document, bottom line included
    frame = default_forecast.to_frame()
    models = [m["name"] for m in document["models"]]
    assert len(frame) == len(document["issues"]) * len(models)
    assert list(frame["model"].unique()) == models
    by_cell = frame.set_index(["issue", "model"])
    for issue in document["issues"]:
        for model in models:
            expected = issue["forecasts"][model]
            got = by_cell.loc[(issue["id"], model), "forecast"]
            if expected is None:
                assert math.isnan(got)
            else:
                assert got == expected, (issue["id"], model)  # exact, not approximate
            assert by_cell.loc[(issue["id"], model), "status_quo"] == issue["status_quo"]
            assert (by_cell.loc[(issue["id"], model), "nearest_anchor"]
                    == issue["nearest_anchor"][model])


def test_forecast_with_draws_has_the_command_intervals():
    options = ["--model", "median", "--model", "compromise", "--draws", "30", "--seed", "3",
               "--noise", "position=10", "--no-bottom-line"]
    document = cli_json("forecast", *options)
    result = gb.forecast(models=["median", "compromise"], draws=30, seed=3, noise="position=10",
                         bottom_line=False)
    assert result.to_dict() == document
    frame = result.to_frame().set_index(["issue", "model"])
    first = document["issues"][0]
    assert frame.loc[(first["id"], "median"), "q95"] == first["intervals"]["median"]["q95"]


def test_html_and_repr_open_with_the_bottom_line(default_forecast):
    page = default_forecast._repr_html_()
    assert page.index("Most likely deal") < page.index("<table>")
    assert "deal-nash" in page and "ai_chip_exports" in page
    assert "Most likely deal" in repr(default_forecast)


def test_a_changed_stance_moves_the_forecast_and_the_original_stays():
    s = gb.load()
    hawkish = s.with_stance("us_negotiators", "ai_chip_exports", position=90, salience=90)
    assert s.stance("us_negotiators", "ai_chip_exports").position == 50
    before = gb.forecast(s, models=["compromise"], bottom_line=False).to_frame()
    after = gb.forecast(hawkish, models=["compromise"], bottom_line=False).to_frame()
    pick = (before.issue == "ai_chip_exports") & (before.model == "compromise")
    assert after[pick]["forecast"].item() > before[pick]["forecast"].item() + 1


def test_an_unchanged_edit_gives_the_same_numbers():
    """The round trip through the validator loses nothing a model reads."""
    s = gb.load()
    copy = s.replace()
    assert copy.to_dict() == s.to_dict()
    assert dataclasses.replace(copy, source=s.source) == s  # every field, principals included
    assert (copy.positions == s.positions).sum() == (s.positions == s.positions).sum()
    assert (copy.capability_matrix == s.capability_matrix).all()


@pytest.mark.parametrize(("edit", "field"), [
    (lambda s: s.with_stance("us_hawks", "ai_chip_exports", salience=140),
     "stances.us_hawks.ai_chip_exports.salience"),
    (lambda s: s.with_stance("us_hawks", "no_such_issue", position=1, salience=1),
     "stances.us_hawks.no_such_issue"),
    (lambda s: s.with_stance("us_hawks", "ai_chip_exports", colour=1), "colour"),
    (lambda s: s.replace(actors=s.actors[:1]), "stances"),
])
def test_bad_edits_are_scenario_errors_naming_the_field(edit, field):
    with pytest.raises(gb.ScenarioError) as caught:
        edit(gb.load())
    assert any(p.field.startswith(field) for p in caught.value.problems), caught.value


def test_scenario_frames_and_html():
    s = gb.load()
    wide = s.to_frame()
    assert list(wide.index) == [a.id for a in s.actors]
    assert list(wide.columns) == [i.id for i in s.issues]
    assert wide.loc["us_hawks", "ai_chip_exports"] == 85
    assert s.to_frame("salience").loc["us_hawks", "ai_chip_exports"] == \
        s.stance("us_hawks", "ai_chip_exports").salience
    tidy = s.to_frame(None)
    assert len(tidy) == len(s.stances)
    assert s.to_dict() == cli_json("show")
    assert s._repr_html_().index(s.title) < s._repr_html_().index("<table>")
    with pytest.raises(ValueError, match="values must be one of"):
        s.to_frame("colour")


def test_rounds_exchanges_deals_match_their_commands():
    rounds = gb.rounds(issue="ai_chip_exports", rounds=3)
    assert rounds.to_dict() == cli_json("rounds", "--issue", "ai_chip_exports", "-n", "3")
    frame = rounds.to_frame()
    assert len(frame) == 4 * len(rounds.to_dict()["actors"])  # rounds 0..3 x actors
    exchanges = gb.exchanges(rounds=2)
    assert exchanges.to_dict() == cli_json("exchanges", "-n", "2")
    assert set(exchanges.to_frame()["round"]) == {0, 1, 2}
    assert len(exchanges.exchanges_frame()) > 0
    assert exchanges.to_frame().query("round == 1")["exchanges"].sum() > 0
    deals = gb.deals(red_line="us:ai_chip_exports>=70", bottom_line=False)
    assert deals.to_dict() == cli_json("deals", "--red-line", "us:ai_chip_exports>=70",
                                       "--no-bottom-line")
    nash = deals.to_frame().query("solution == 'nash'").set_index("issue")
    assert nash.loc["ai_chip_exports", "value"] >= 70


def test_smp_rounds_simulate_timeline_and_tariffs():
    smp = gb.rounds(model="smp", rounds=2)
    assert smp.to_dict() == cli_json("rounds", "--model", "smp", "-n", "2")
    assert {"turn", "actor", "issue", "position"} <= set(smp.to_frame().columns)
    sim = gb.simulate(draws=20, models=["median", "compromise"], noise="position=10", seed=2)
    assert sim.to_dict() == cli_json("simulate", "-n", "20", "-m", "median", "-m",
                                     "compromise", "--noise", "position=10", "--seed", "2")
    assert set(sim.to_frame()["model"]) == {"median", "compromise", "ensemble"}
    stack = gb.tariffs.stack(date="2025-05-01")
    assert stack.to_dict() == cli_json("tariffs", "stack", "--date", "2025-05-01")
    assert gb.tariffs.formula(phi=0.945).to_dict() == cli_json("tariffs", "formula", "--phi",
                                                               "0.945")


def test_timeline_matches_the_command():
    result = gb.timeline(models=["median"])
    assert result.to_dict() == cli_json("timeline", "--model", "median")
    frame = result.to_frame()
    assert set(frame["model"]) == {"median"}
    assert result.bottom_line == [result.to_dict()["bottom_line"]]


def test_negotiate_matches_the_command():
    run = gb.negotiate(strategy={"us": "conceder", "china": "boulware"},
                       deadline="2025-08-12", band=0.01, lang="zh")
    assert run.to_dict() == cli_json("negotiate", "--us", "conceder", "--china", "boulware",
                                     "--deadline", "2025-08-12", "--band", "0.01",
                                     "--lang", "zh")
    frame = run.to_frame()
    assert len(frame) == len(run.to_dict()["offers"]) * len(run.to_dict()["offers"][0]["package"])
    assert run._repr_html_().index(run.bottom_line[0][:20]) < run._repr_html_().index("<table")
    with pytest.raises(gb.ScenarioError, match="nobody"):
        gb.negotiate(strategy={"nobody": "conceder"})


def test_load_with_events_is_the_scenario_as_of_that_date():
    s = gb.load(events="us-china-2025", as_of="2025-05-12")
    assert s.as_of.isoformat() == "2025-05-12"
    assert gb.forecast(s, models=["median"], bottom_line=False).to_dict() == cli_json(
        "forecast", "--events", "us-china-2025", "--as-of", "2025-05-12", "-m", "median",
        "--no-bottom-line")
    with pytest.raises(gb.ScenarioError, match="as_of"):
        gb.load(as_of="2025-05-12")


def test_bad_options_are_scenario_errors():
    with pytest.raises(gb.ScenarioError, match="unknown model"):
        gb.forecast(models=["oracle"])
    with pytest.raises(gb.ScenarioError, match="pick one"):
        gb.rounds()
    with pytest.raises(gb.ScenarioError, match="red-line"):
        gb.deals(red_line="nonsense")
    with pytest.raises(gb.ScenarioError, match="noise"):
        gb.forecast(models=["median"], noise="colour=3")


def test_ledger_record_verify_score(tmp_path):
    book = tmp_path / "ledger.jsonl"
    entry = gb.ledger.record(models=["median"], ledger=book)
    assert entry["forecast"]["issues"][0]["forecasts"]["median"] == 32.5
    listed = gb.ledger.entries(ledger=book)
    assert listed.to_frame()["id"].tolist() == [1]
    assert listed.entry(1)["hash"] == entry["hash"]
    assert gb.ledger.verify(ledger=book).ok
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("issue,value,date\nai_chip_exports,50,2025-08-01\n", encoding="utf-8")
    scores = gb.ledger.score(outcomes=outcomes, ledger=book)
    frame = scores.to_frame().set_index("model")
    assert frame.loc["median", "error"] == pytest.approx((32.5 - 50) / 100)
    assert frame.loc["median", "issue"] == "ai_chip_exports"


def test_subpackages_named_like_commands_are_callable_and_still_packages():
    import grandbargain.deals

    assert gb.deals is grandbargain.deals
    assert callable(gb.deals) and hasattr(gb.deals, "analyse")
    assert callable(gb.report) and hasattr(gb.report, "forecast_document")
    assert callable(gb.timeline) and callable(gb.validate)


def test_missing_pandas_says_how_to_get_it(monkeypatch, default_forecast):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"grandbargain\[pandas\]"):
        default_forecast.to_frame()
    assert "<table>" in default_forecast._repr_html_()  # the notebook view needs no pandas


@pytest.mark.external
def test_validate_matches_the_command(shared_benchmarks):
    result = gb.validate(cases=shared_benchmarks, models=["median", "compromise"])
    assert result.to_dict() == cli_json("validate", "--cases", str(shared_benchmarks), "-m",
                                        "median", "-m", "compromise")
    frame = result.to_frame()
    assert {"median", "compromise"} <= set(frame["model"])
    assert "lowest mean absolute error" in result.bottom_line[0]
