"""The forecast ledger: hash chain, verification, scoring like `validate`, concurrent records."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.scenario import ScenarioError, load_scenario
from grandbargain.timeline._ledger import (
    GENESIS,
    default_ledger_path,
    ledger_scores,
    read_ledger,
    read_outcomes,
    record_entry,
    scenario_hash,
    score_ledger,
    verify_ledger,
)
from grandbargain.validate._scoring import HIT_THRESHOLDS, Score, summarise

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["ledger", *args])
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def ledger(tmp_path) -> Path:
    path = tmp_path / "ledger.jsonl"
    run("record", "-m", "compromise", "-m", "median", "--ledger", str(path))
    run("record", "us-china-2025-01", "-m", "compromise", "--ledger", str(path))
    run("record", "--events", "us-china-2025", "--as-of", "2025-05-14", "-m", "nash",
        "--ledger", str(path))
    return path


def test_record_list_show_verify(ledger):
    entries = read_ledger(ledger)
    assert [e["id"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS
    assert [e["prev_hash"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    first = entries[0]
    assert first["scenario"]["hash"] == scenario_hash(load_scenario())
    assert first["models"] == ["compromise", "median"] and first["seed"] == 0
    assert first["tool_version"] and first["recorded_at"].endswith("+00:00")
    forecast = json.loads(runner.invoke(app, ["forecast", "-m", "compromise", "-m", "median",
                                              "-f", "json"]).output)
    assert first["forecast"] == forecast  # the document `forecast --format json` prints
    assert entries[2]["scenario"]["as_of"] == "2025-05-14"
    listing = run("list", "--ledger", str(ledger))
    assert listing.startswith(f"3 entries in {ledger}; head hash {entries[2]['hash']}")
    shown = json.loads(run("show", "2", "--ledger", str(ledger)))
    assert shown["scenario"]["id"] == "us-china-2025-01"
    run("show", "9", "--ledger", str(ledger), code=2)
    assert run("verify", "--ledger", str(ledger)).startswith("ok: 3 entries, chain intact")


def _rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def test_verify_fails_on_a_hand_edited_entry(ledger):
    def edit(lines):
        entry = json.loads(lines[1])
        entry["forecast"]["issues"][0]["forecasts"]["compromise"] = 12.0
        lines[1] = json.dumps(entry)
        return lines

    _rewrite(ledger, edit)
    verdict = verify_ledger(ledger)
    assert not verdict.ok
    assert [str(p) for p in verdict.problems] == [
        f"{ledger}:2 [entry 2]: edited: its content does not match its hash"]
    result = runner.invoke(app, ["ledger", "verify", "--ledger", str(ledger)])
    assert result.exit_code == 1 and "entry 2" in result.output and "edited" in result.output


def test_verify_fails_on_an_edit_that_recomputes_the_entry_hash(ledger):
    from grandbargain.timeline._ledger import entry_hash

    def edit(lines):
        entry = json.loads(lines[0])
        entry["seed"] = 7
        entry["hash"] = entry_hash(entry)
        lines[0] = json.dumps(entry)
        return lines

    _rewrite(ledger, edit)
    problems = [str(p) for p in verify_ledger(ledger).problems]
    assert problems == [f"{ledger}:2 [entry 2]: prev_hash does not match entry 1's hash: "
                        "entry 1 was edited or replaced"]


def test_verify_fails_on_a_removed_entry(ledger):
    _rewrite(ledger, lambda lines: [lines[0], lines[2]])
    problems = [str(p) for p in verify_ledger(ledger).problems]
    assert problems == [f"{ledger}:2 [entry 3]: entry 2 missing (removed) before this one"]


def test_verify_reports_a_line_that_is_not_json(ledger):
    _rewrite(ledger, lambda lines: [lines[0], "{oops", lines[2]])
    problems = [str(p) for p in verify_ledger(ledger).problems]
    assert problems == [f"{ledger}:2: not a ledger entry (not a JSON object)"]


def test_score_gives_the_errors_validate_gives_on_the_same_numbers(ledger, tmp_path):
    outcomes = tmp_path / "outcomes.yaml"
    outcomes.write_text("outcomes:\n"
                        "  - {issue: us_tariffs, value: 20, date: 2025-11-10}\n"
                        "  - {issue: ai_chip_exports, value: 50, date: 2025-08-15}\n"
                        "  - {issue: tiktok, value: 50, date: 2025-03-01}\n", encoding="utf-8")
    entries = read_ledger(ledger)
    document = score_ledger(entries, read_outcomes(outcomes))
    # By hand: |forecast - outcome| / scale width, for outcomes dated after each entry's as_of
    # (the TikTok outcome of March counts for the January entry only).
    expected: dict[str, list[float]] = {}
    for entry in entries:
        for issue in entry["forecast"]["issues"]:
            low, high = issue["scale"]
            known = {"us_tariffs": 20, "ai_chip_exports": 50}
            if entry["scenario"]["as_of"] < "2025-03-01":
                known["tiktok"] = 50
            if issue["id"] in known:
                for model, value in issue["forecasts"].items():
                    expected.setdefault(model, []).append(
                        abs(value - known[issue["id"]]) / (high - low))
    per_model = {r["model"]: r for r in document["per_model"]}
    assert set(per_model) == set(expected)
    for model, errors in expected.items():
        assert per_model[model]["n"] == len(errors)
        assert per_model[model]["mae"] == pytest.approx(sum(errors) / len(errors))
        for t in HIT_THRESHOLDS:
            hits = sum(e <= t + 1e-12 for e in errors) / len(errors)
            assert per_model[model][f"hit_{round(t * 100)}"] == pytest.approx(hits)
    # And exactly what validate's own scoring gives on those Score records.
    scores = [Score(str(e["id"]), i["id"], True, m, m, "model", v,
                    {"us_tariffs": 20, "ai_chip_exports": 50, "tiktok": 50}[i["id"]], *i["scale"])
              for e in entries for i in e["forecast"]["issues"]
              for m, v in i["forecasts"].items()
              if i["id"] in ("us_tariffs", "ai_chip_exports")
              or (i["id"] == "tiktok" and e["scenario"]["as_of"] < "2025-03-01")]
    assert [(s.model, s.forecast, s.outcome) for s in ledger_scores(entries,
            read_outcomes(outcomes))] == [(s.model, s.forecast, s.outcome) for s in scores]
    assert [(s.model, s.n, s.mae, s.hits) for s in summarise(scores)] == [
        (r["model"], r["n"], r["mae"], tuple(round(r[f"hit_{round(t * 100)}"] * r["n"])
                                             for t in HIT_THRESHOLDS))
        for r in document["per_model"]]
    assert {e["entry"] for e in document["per_entry"]} == {1, 2, 3}
    out = run("score", "--outcomes", str(outcomes), "--ledger", str(ledger))
    assert out.startswith(f"{document['scored']} forecasts scored from 3 entries; lowest MAE:")


def test_outcomes_csv_and_located_errors(tmp_path):
    good = tmp_path / "o.csv"
    good.write_text("issue,value,date\nus_tariffs,30,2025-09-01\n", encoding="utf-8")
    assert [(o.issue, o.value) for o in read_outcomes(good)] == [("us_tariffs", 30.0)]
    bad = tmp_path / "o.yaml"
    bad.write_text("outcomes:\n  - {issue: us_tariffs, value: high, date: soon}\n",
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_outcomes(bad)
    text = [str(p) for p in info.value.problems]
    assert any(f"{bad}:2:" in p and "[outcomes.0.value]" in p for p in text)
    assert any("[outcomes.0.date]" in p for p in text)


def test_ledger_location_defaults_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("GRANDBARGAIN_LEDGER", raising=False)
    # No store on this "machine" (TL-06): no database URL, and an empty user data directory.
    monkeypatch.delenv("GRANDBARGAIN_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_ledger_path().name == "ledger.jsonl"
    assert "grandbargain" in str(default_ledger_path())
    monkeypatch.setenv("GRANDBARGAIN_LEDGER", str(tmp_path / "x.jsonl"))
    assert default_ledger_path() == tmp_path / "x.jsonl"


def _record_many(path: str, count: int) -> None:
    scenario = load_scenario("small-yard-high-fence")
    for k in range(count):
        record_entry(Path(path), scenario=scenario, forecast={"k": k}, models=["none"],
                     options={}, seed=k)


def test_concurrent_records_never_corrupt_the_ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(path), 5)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    verdict = verify_ledger(path)
    assert verdict.ok, verdict.problems
    assert verdict.entries == 20
    assert [e["id"] for e in read_ledger(path)] == list(range(1, 21))


def test_list_as_csv_and_json(ledger):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run("list", "-f", "csv", "--ledger", str(ledger)))))
    assert [r["id"] for r in rows] == ["1", "2", "3"] and rows[0]["models"] == "compromise,median"
    assert [r["id"] for r in json.loads(run("list", "-f", "json", "--ledger", str(ledger)))] == [
        1, 2, 3]


# -- `ledger import`: a JSON Lines ledger into the server's store (TL-08) ----------------------

@pytest.fixture
def store_url(tmp_path, monkeypatch):
    """An empty SQLite store named by GRANDBARGAIN_DATABASE_URL (skips without the extra)."""
    pytest.importorskip("sqlalchemy", reason="the server extra is not installed "
                        "(pip install -e .[server])")
    pytest.importorskip("alembic", reason="the server extra is not installed")
    pytest.importorskip("fastapi", reason="the server extra is not installed")
    from grandbargain.store import close_store

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.delenv("GRANDBARGAIN_LEDGER", raising=False)
    monkeypatch.setenv("GRANDBARGAIN_DATABASE_URL", url)
    yield url
    close_store(url)


def _stored(url: str) -> list[dict]:
    from grandbargain.timeline._ledger import StoreLedger

    return [{k: v for k, v in e.items() if k != "_line"} for e in read_ledger(StoreLedger(url))]


def _file_entries(path: Path) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "_line"} for e in read_ledger(path)]


def test_import_copies_the_chain_and_a_second_run_adds_nothing(ledger, store_url):
    from grandbargain.timeline._ledger import StoreLedger

    head = _file_entries(ledger)[-1]["hash"]
    out = run("import", str(ledger))
    assert out.startswith(f"imported 3 entries from {ledger} into the store sqlite:///")
    assert f"(0 already there); head hash {head}" in out
    assert _stored(store_url) == _file_entries(ledger)  # same ids, hashes, chain, content
    verdict = verify_ledger(StoreLedger(store_url))
    assert verdict.ok and verdict.entries == 3 and verdict.head == head
    again = run("import", str(ledger))
    assert again.startswith("imported 0 entries") and "(3 already there)" in again
    assert len(_stored(store_url)) == 3
    # the store's ledger goes on from the imported head
    run("record", "small-yard-high-fence", "-m", "median")
    stored = _stored(store_url)
    assert stored[-1]["id"] == 4 and stored[-1]["prev_hash"] == head
    assert run("verify").startswith("ok: 4 entries, chain intact")


def test_import_adds_only_what_the_store_lacks(ledger, store_url, tmp_path):
    first_two = tmp_path / "first-two.jsonl"
    first_two.write_text("".join(ledger.read_text(encoding="utf-8").splitlines(True)[:2]),
                         encoding="utf-8")
    assert "imported 2 entries" in run("import", str(first_two))
    out = run("import", str(ledger))
    assert out.startswith("imported 1 entry ") and "(2 already there)" in out
    assert _stored(store_url) == _file_entries(ledger)


def test_import_refuses_a_broken_chain_with_its_location(ledger, store_url):
    def edit(lines):
        entry = json.loads(lines[1])
        entry["seed"] = 99
        lines[1] = json.dumps(entry)
        return lines

    _rewrite(ledger, edit)
    result = runner.invoke(app, ["ledger", "import", str(ledger)])
    assert result.exit_code == 2, result.output
    assert f"{ledger}:2 [entry 2]: edited" in result.output
    assert "nothing imported" in result.output and "Traceback" not in result.output
    assert _stored(store_url) == []


def test_import_refuses_a_store_whose_ledger_went_another_way(ledger, store_url):
    run("record", "small-yard-high-fence", "-m", "median")  # the store's own entry 1
    before = _stored(store_url)
    result = runner.invoke(app, ["ledger", "import", str(ledger)])
    assert result.exit_code == 2, result.output
    assert f"{ledger}:1 [entry 1]: the store holds a different entry 1" in result.output
    assert "diverged; nothing imported" in result.output
    assert _stored(store_url) == before


def test_import_of_a_missing_file_is_a_clear_error(store_url, tmp_path):
    result = runner.invoke(app, ["ledger", "import", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "nope.jsonl" in result.output
    assert "file not found" in result.output


def test_ledger_in_chinese_has_no_english_sentence(ledger, tmp_path):
    from tests.test_zh import english_in_terminal

    outcomes = tmp_path / "outcomes.yaml"
    outcomes.write_text("outcomes:\n  - {issue: us_tariffs, value: 20, date: 2025-11-10}\n",
                        encoding="utf-8")
    allowed = {m["name"] for e in read_ledger(ledger) for m in e["forecast"]["models"]} | {
        "us-china-2025-07", "us-china-2025-01", "prev_hash", "n"}
    listing = run("list", "--ledger", str(ledger), "--lang", "zh")
    assert listing.startswith(f"{ledger} 共 3 筆紀錄；最新雜湊")
    assert "（截至 2025-05-14）" in listing
    verified = run("verify", "--ledger", str(ledger), "--lang", "zh")
    assert verified.startswith("完好：3 筆紀錄，雜湊鏈完整")
    scored = run("score", "--outcomes", str(outcomes), "--ledger", str(ledger), "--lang", "zh")
    assert "平均絕對誤差最低" in scored and "全部" in scored and "第 1 筆" in scored
    missing = runner.invoke(app, ["ledger", "show", "9", "--ledger", str(ledger), "--lang", "zh"])
    assert missing.exit_code == 2 and "沒有第 9 筆紀錄" in missing.output
    # the record itself is the same JSON in both languages
    assert run("show", "2", "--ledger", str(ledger), "--lang", "zh") == \
        run("show", "2", "--ledger", str(ledger))
    _rewrite(ledger, lambda lines: [lines[0], lines[2]])
    broken = runner.invoke(app, ["ledger", "verify", "--ledger", str(ledger), "--lang", "zh"])
    assert broken.exit_code == 1
    assert "帳本已損壞" in broken.output and "第 3 筆" in broken.output
    assert "此筆之前缺少第 2 筆（已被刪除）" in broken.output
    for output in (listing, verified, scored, missing.output, broken.output):
        assert english_in_terminal(output, allowed) == [], output
    bad = runner.invoke(app, ["ledger", "list", "--ledger", str(ledger), "--lang", "fr"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
