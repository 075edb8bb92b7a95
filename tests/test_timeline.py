"""Timelines: scenario events, their validated application, the shipped history and the replay."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import fields
from datetime import date

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.scenario import ScenarioError, load_scenario, scenario_to_document
from grandbargain.timeline import (
    apply_events,
    differences,
    parse_timeline,
    replay,
    scenario_as_of,
    shipped_history,
)
from grandbargain.trade import issue_status_quos, parse_events, shipped_events

runner = CliRunner()
HEAD = "format: grandbargain-events/1\nas_of: 2025-07-17\nevents:\n"


def events(body: str, file: str = "ev.yaml"):
    return parse_timeline(HEAD + body, file)


def one(changes: str, when: str = "2025-05-14") -> str:
    return (f"  - date: {when}\n    title: T\n    sources: [S]\n    changes:\n"
            + "".join(f"      - {c}\n" for c in changes.split("\n") if c))


@pytest.fixture(scope="module")
def history():
    return shipped_history()


@pytest.fixture(scope="module")
def base(history):
    return load_scenario(history.scenario)


@pytest.fixture(scope="module")
def july():
    return load_scenario("us-china-2025-07")


# --- the shipped history --------------------------------------------------------------------

def test_replaying_every_event_gives_the_july_snapshot_exactly(history, base, july):
    replayed = scenario_as_of(base, history)
    assert replayed.as_of == july.as_of == date(2025, 7, 17)
    assert [i.id for i in replayed.issues] == [i.id for i in july.issues]
    for mine, theirs in zip(replayed.issues, july.issues, strict=True):
        assert (mine.low, mine.high, mine.status_quo, mine.outcome, mine.options) == (
            theirs.low, theirs.high, theirs.status_quo, theirs.outcome, theirs.options), mine.id
        assert [a.value for a in mine.anchors] == [a.value for a in theirs.anchors]
        assert mine.status_quo_note == theirs.status_quo_note, mine.id  # TL-03
    assert [(a.id, a.capability, a.group) for a in replayed.actors] == [
        (a.id, a.capability, a.group) for a in july.actors]
    assert replayed.stances == july.stances  # every number and every rationale (TL-03)
    np.testing.assert_array_equal(replayed.positions, july.positions)
    np.testing.assert_array_equal(replayed.saliences, july.saliences)
    np.testing.assert_array_equal(replayed.capability_matrix, july.capability_matrix)
    def numbers(principals):  # red-line notes are texts the base words for January (TL-03)
        return [(p.id, p.actors, dict(p.weights), dict(p.ideal), dict(p.value_functions),
                 [(r.issue, r.reject_below, r.reject_above) for r in p.red_lines])
                for p in principals]

    assert numbers(replayed.principals) == numbers(july.principals)
    assert dict(replayed.disagreement) == dict(july.disagreement)


def test_the_base_differs_from_july_so_the_events_do_the_work(base, july):
    assert base.as_of == date(2025, 1, 20)
    assert base.issue("us_tariffs").status_quo == 0
    assert base.stances != july.stances


def test_tariff_status_quos_agree_with_the_tariff_stack_on_every_date(history, base):
    tariffs = shipped_events()
    days = sorted({e.date for e in history.events} | {base.as_of})
    for day in days:
        scenario = scenario_as_of(base, history, day)
        stack = issue_status_quos(tariffs, day)
        for issue, value in stack.items():
            assert scenario.issue(issue).status_quo == value, (day, issue)


def test_nothing_after_17_july_2025_and_every_event_has_a_source(history):
    assert history.as_of == date(2025, 7, 17)
    assert all(e.date <= date(2025, 7, 17) and e.sources and e.title_zh for e in history.events)
    assert history.events[0].date >= date(2025, 1, 20)


def test_the_base_scenario_names_no_later_fact(base):
    later = re.compile(r"(February|March|April|May|June|July|August|Geneva|London|truce|"
                       r"suspen|145|reversal|Liberation|red lines have)(?! 2024)")
    found = []

    def walk(value, path=()):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, list):
            for k, v in enumerate(value):
                walk(v, (*path, k))
        elif isinstance(value, str) and later.search(value):
            found.append((path, value))

    walk(scenario_to_document(base))
    assert found == []


def test_scenario_as_of_a_date_applies_only_earlier_events(history, base):
    april = scenario_as_of(base, history, date(2025, 4, 10))
    assert april.as_of == date(2025, 4, 10)
    assert april.issue("us_tariffs").status_quo == 145
    assert april.issue("china_tariffs").status_quo == 84
    assert scenario_as_of(base, history, date(2025, 4, 12)).issue("china_tariffs").status_quo == 125
    later = scenario_as_of(base, history, date(2026, 1, 1))
    assert later.as_of == history.as_of  # nothing is known after the file's as_of
    with pytest.raises(ScenarioError, match="before the base scenario"):
        scenario_as_of(base, history, date(2024, 12, 31))


def test_replay_steps_follow_the_dates_and_each_is_a_valid_scenario(history, base):
    steps = replay(base, history)
    assert steps[0].scenario is base and steps[0].date == base.as_of
    assert [s.date for s in steps[1:]] == history.dates()
    geneva = next(s for s in steps if s.date == date(2025, 5, 14))
    before = steps[steps.index(geneva) - 1]
    changed = {(d.kind, d.issue): (d.old, d.new) for d in differences(before.scenario,
                                                                          geneva.scenario)}
    assert changed[("status_quo", "us_tariffs")] == (145, 30)
    assert changed[("status_quo", "china_tariffs")] == (125, 10)


def test_applying_is_pure_and_order_defined(base):
    tl = events(one("{issue: us_tariffs, status_quo: 30}", "2025-05-14")
                + one("{issue: us_tariffs, status_quo: 145}", "2025-04-10")
                + one("{issue: us_tariffs, status_quo: 20}", "2025-05-14"))
    before = scenario_to_document(base)
    result = apply_events(base, tl.events)
    assert result.issue("us_tariffs").status_quo == 20  # date order, then file order
    assert scenario_to_document(base) == before
    assert apply_events(base, reversed(tl.events)) == result


# --- each change kind ------------------------------------------------------------------------

def test_every_change_kind(base):
    tl = events(one(
        "{actor: us_president, issue: tiktok, position: 60, rationale: R}\n"
        "{actor: us_president, issue: us_tariffs, shift: {position: -15, salience: 5}}\n"
        "{actor: us_hawks, capability: 50}\n"
        "{actor: us_commerce, shift: {capability: -10}}\n"
        "{add_actor: {id: eu, name: European Union, capability: 30, principal: us}}\n"
        "{add_stance: {actor: eu, issue: us_tariffs, position: 0, salience: 40}}\n"
        "{remove_stance: {actor: cn_security, issue: tiktok}}\n"
        "{remove_actor: us_farm_exporters}\n"
        "{note: just a note}"))
    s = apply_events(base, tl.events)
    assert s.stance("us_president", "tiktok").position == 60
    assert s.stance("us_president", "tiktok").rationale == "R"
    old = base.stance("us_president", "us_tariffs")
    new = s.stance("us_president", "us_tariffs")
    assert (new.position, new.salience) == (old.position - 15, old.salience + 5)
    assert s.actor("us_hawks").capability == 50
    assert s.actor("us_commerce").capability == base.actor("us_commerce").capability - 10
    assert s.actor("eu").capability == 30 and "eu" in s.principals[0].actors
    assert s.stance("eu", "us_tariffs").salience == 40
    assert s.stance("cn_security", "tiktok") is None
    assert "us_farm_exporters" not in s.actor_index
    assert all(st.actor != "us_farm_exporters" for st in s.stances)
    assert "us_farm_exporters" not in s.principals[0].actors
    kinds = {d.kind for d in differences(base, s)}
    assert {"position", "salience", "capability", "actor", "stance"} <= kinds


# --- located errors ---------------------------------------------------------------------------

def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_timeline(text, "bad.yaml")
    return [str(p) for p in info.value.problems]


def apply_problems(base, body: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        apply_events(base, events(body, "bad.yaml").events)
    return [str(p) for p in info.value.problems]


def test_unknown_actor_is_a_located_error_never_skipped(base):
    found = apply_problems(base, one("{issue: us_tariffs, status_quo: 30}\n"
                                     "{actor: us_presidnet, issue: tiktok, position: 50}"))
    assert len(found) == 1
    assert found[0].startswith("bad.yaml:9:9 [events.0.changes.1.actor]: unknown actor "
                               "'us_presidnet'")


@pytest.mark.parametrize(("change", "expected"), [
    ("{issue: us_tarifs, status_quo: 30}", "[events.0.changes.0.issue]: unknown issue 'us_tarifs'"),
    ("{issue: us_tariffs, status_quo: 200}", "status quo 200 is outside the scale 0-145"),
    ("{actor: us_president, issue: tiktok, position: 150}",
     "[events.0.changes.0.position]: position of us_president on tiktok would be 150, outside"),
    ("{actor: us_president, issue: tiktok, shift: {salience: 90}}", "outside 0-100"),
    ("{remove_stance: {actor: us_president, issue: nothing}}", "unknown issue 'nothing'"),
    ("{add_stance: {actor: us_president, issue: tiktok, position: 1, salience: 1}}",
     "already has a stance"),
    ("{add_actor: {id: us_hawks, name: X, capability: 1}}", "already in the scenario"),
    ("{actor: us_hawks, shift: {capability: -100}}", "must stay above 0"),
])
def test_bad_changes_are_located_at_the_change(base, change, expected):
    found = apply_problems(base, one(change))
    assert any(expected in p and p.startswith("bad.yaml:8:") for p in found), found


@pytest.mark.parametrize(("body", "expected"), [
    (one("{issue: us_tariffs, status_quo: thirty}"),
     "bad.yaml:8:29 [events.0.changes.0.status_quo]: expected a number, got 'thirty'"),
    (one("{layer: us_ieepa_fentanyl, rate: 10}"), "belongs in a tariff events file"),
    (one("{actor: us_hawks, issue: tiktok}"), "the change sets nothing"),
    (one("{actor: us_hawks, issue: tiktok, position: 5, shift: {position: 1}}"),
     "position is both set and shifted"),
    (one("{issue: tiktok, status_quo: 5}", "2025-08-01"),
     "bad.yaml:4:5 [events.0.date]: event dated 2025-08-01 is after the file's as_of"),
    (one("{note: x, add_actor: {id: a, name: b, capability: 1}}"), "a change does one thing"),
    ("  - {date: 2025-05-14, title: T, changes: [{note: x}]}\n",
     "bad.yaml:4:5 [events.0]: missing 'sources'"),
    (one("{issue: tiktok, status_quo: 5, colour: red}"),
     "[events.0.changes.0.colour]: unknown key 'colour'"),
])
def test_bad_events_files_give_located_errors(body, expected):
    assert any(expected in p for p in problems(HEAD + body)), problems(HEAD + body)


def test_wrong_format_and_missing_events():
    found = problems("format: grandbargain-events/2\nas_of: 2025-07-17\n")
    assert any("[format]: expected 'grandbargain-events/1'" in p for p in found)
    assert any("missing 'events'" in p for p in found)


def test_tariff_files_still_read_with_the_shared_envelope():
    with pytest.raises(ScenarioError, match=r"bad.yaml:\d+:\d+ \[events.0.sources\]"):
        parse_events("format: grandbargain-events/1\nas_of: 2025-07-17\nlayers:\n"
                     "  - {id: a, imposer: US, target: CN, family: ieepa, name: A, basis: B}\n"
                     "events:\n  - {date: 2025-01-01, title: T, sources: [], "
                     "changes: [{layer: a, rate: 1}]}\n", "bad.yaml")


# --- the CLI ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def replay_output():
    result = runner.invoke(app, ["timeline", "--events", "us-china-2025"])
    assert result.exit_code == 0, result.output
    return result.output


def _line(output: str, day: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(day))


def test_timeline_shows_escalation_truces_and_the_h20_reversal(replay_output):
    lines = replay_output.splitlines()
    assert lines[0].startswith("2025-01-20 -> ") and "largest forecast moves" in lines[0]
    april = _line(replay_output, "2025-04-10")
    assert "us_tariffs status quo 104 -> 145" in april
    assert re.search(r"compromise forecast us_tariffs [\d.]+ -> [\d.]+ \(\+", april)
    geneva = _line(replay_output, "2025-05-14")
    assert "Geneva" in geneva and "us_tariffs status quo 145 -> 30" in geneva
    assert re.search(r"compromise forecast us_tariffs [\d.]+ -> [\d.]+ \(-", geneva)
    assert "nash package now" in geneva
    london = _line(replay_output, "2025-06-10")
    assert "London" in london and "rare_earth_controls status quo 75 -> 50" in london
    assert "forecast rare_earth_controls" in london
    ban = _line(replay_output, "2025-04-15")
    assert "H20 ban" in ban and "ai_chip_exports status quo 50 -> 70" in ban
    assert re.search(r"compromise forecast ai_chip_exports [\d.]+ -> [\d.]+ \(\+", ban)
    reversal = _line(replay_output, "2025-07-15")
    assert "H20 reversal" in reversal and "ai_chip_exports status quo 70 -> 60" in reversal
    assert re.search(r"compromise forecast ai_chip_exports [\d.]+ -> [\d.]+ \(-", reversal)


def test_timeline_json_csv_and_chinese():
    result = runner.invoke(app, ["timeline", "-f", "json", "-m", "compromise"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["models"] == ["compromise"] and doc["base"]["id"] == "us-china-2025-01"
    geneva = next(s for s in doc["steps"] if s["date"] == "2025-05-14")
    move = next(m for m in geneva["forecast_changes"] if m["issue"] == "us_tariffs")
    assert move["change"] == pytest.approx(move["new"] - move["old"]) and move["change"] < 0
    result = runner.invoke(app, ["timeline", "-f", "csv", "-m", "median"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["date"] for r in rows} >= {"2025-01-20", "2025-05-14"}
    result = runner.invoke(app, ["timeline", "--lang", "zh", "-m", "compromise"])
    assert "日內瓦" in result.output and "現狀 145 -> 30" in result.output


def test_timeline_bad_events_file_exits_2_with_the_location(tmp_path):
    bad = tmp_path / "ev.yaml"
    bad.write_text(HEAD + one("{actor: nobody, issue: tiktok, position: 5}"), encoding="utf-8")
    result = runner.invoke(app, ["timeline", "us-china-2025-01", "--events", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:8:9 [events.0.changes.0.actor]: unknown actor 'nobody'" in result.output


def test_forecast_as_of_a_date():
    result = runner.invoke(app, ["forecast", "--events", "us-china-2025", "--as-of",
                                 "2025-04-20", "-m", "median", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["scenario"]["as_of"] == "2025-04-20"
    status = {i["id"]: i["status_quo"] for i in doc["issues"]}
    assert status["us_tariffs"] == 145 and status["ai_chip_exports"] == 70
    result = runner.invoke(app, ["forecast", "--as-of", "2025-04-20"])
    assert result.exit_code == 2 and "--as-of: needs --events" in result.output


def test_change_record_fields_are_frozen():
    tl = shipped_history()
    assert {f.name for f in fields(tl.events[0])} >= {"date", "title", "sources", "changes"}


def test_the_json_schema_accepts_both_shipped_events_files_and_refuses_a_bad_change():
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    import yaml

    from grandbargain.scenario import json_schema

    schema = json_schema()["$defs"]["EventsFile"]
    for package, name in (("grandbargain.timeline", "us-china-2025.yaml"),
                          ("grandbargain.trade", "us-china-tariffs-2025.yaml")):
        text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
        document = json.loads(json.dumps(yaml.safe_load(text), default=str))
        jsonschema.validate(document, schema)
    bad = json.loads(json.dumps(yaml.safe_load(HEAD + one("{issue: x, colour: red}")),
                                default=str))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_timeline_png(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "timeline.png"
    result = runner.invoke(app, ["timeline", "-m", "compromise", "--png", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_command_modules_import_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, grandbargain.cli.timeline, grandbargain.cli.ledger; "
            "print(sorted(m for m in ('matplotlib', 'platformdirs', 'grandbargain.timeline') "
            "if m in sys.modules))")  # cli/__init__ (other groups) may pull in numpy or yaml
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_replay_of_a_small_scenario_without_principals(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "scenario: {id: small, title: Small, as_of: 2025-01-01}\n"
        "issues: [{id: x, name: X, scale: {min: 0, max: 10}, status_quo: 5}]\n"
        "actors: [{id: a, name: A, capability: 1}, {id: b, name: B, capability: 1}]\n"
        "stances: {a: {x: {position: 2, salience: 50}}, b: {x: {position: 8, salience: 50}}}\n",
        encoding="utf-8")
    ev = tmp_path / "ev.yaml"
    ev.write_text(HEAD.replace("as_of: 2025-07-17", "as_of: 2025-03-01\nscenario: s.yaml")
                  + one("{actor: b, issue: x, position: 4}\n{issue: x, status_quo: 3}",
                        "2025-02-01"), encoding="utf-8")
    result = runner.invoke(app, ["timeline", "--events", str(ev), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == "2025-01-01 start: no package (no principals)"
    assert lines[3] == ("2025-02-01 T: x status quo 5 -> 3; b position x 8 -> 4; compromise "
                        "forecast x 5.0 -> 3.0 (-2.0)")
