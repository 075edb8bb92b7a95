"""The store (store/): migrations, tokens, immutable scenario versions and their diffs, runs'
states, and the forecast ledger's store backend; on SQLite and (in .ci/run) PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import test_server_support as support
from tests.conftest import minimal_document

database_url, store = support.database_url, support.store  # the fixtures

yaml = pytest.importorskip("yaml")


def test_migrations_build_exactly_the_models_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from grandbargain.store._models import Base

    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert diff == [], diff
    assert version == "0001"
    store.migrate()  # opening again is a no-op


def test_token_is_shown_once_and_only_its_scrypt_hash_is_stored(store):
    from sqlalchemy import text

    from grandbargain.store._accounts import AccountError, add_user, authenticate, new_token

    user, token = add_user(store, "ann")
    assert authenticate(store, token) == (user.id, "ann")
    secret = token.rsplit("_", 1)[1]
    with store.engine.connect() as connection:
        dump = json.dumps([list(map(str, row)) for row in connection.execute(
            text("SELECT * FROM api_tokens"))])
    assert secret not in dump and token not in dump
    assert authenticate(store, token[:-2] + ("aa" if not token.endswith("aa") else "bb")) is None
    assert authenticate(store, "gb_nonsense") is None and authenticate(store, None) is None
    with pytest.raises(AccountError, match="exists already"):
        add_user(store, "ann")
    with pytest.raises(AccountError, match="user name"):
        add_user(store, "bad name;")
    second = new_token(store, "ann", revoke_old=True)
    assert authenticate(store, token) is None
    assert authenticate(store, second) == (user.id, "ann")


def _doc_text(**changes) -> str:
    return yaml.safe_dump(minimal_document(**changes), sort_keys=False)


def test_versions_are_new_rows_with_author_message_and_content_hash(store):
    from grandbargain.store._accounts import add_user
    from grandbargain.store._scenarios import (
        add_version,
        create_scenario,
        diff_versions,
        get_scenario,
        get_version,
    )

    ann, _ = add_user(store, "ann")
    made = create_scenario(store, ann.id, None, "tiny.yaml", _doc_text(), message="first")
    first = get_version(store, ann.id, made["id"], 1)
    changed = minimal_document()
    changed["stances"]["a"]["tariff"]["position"] = 35.0
    changed["actors"].append({"id": "c", "name": "C", "capability": 1.0})
    changed["stances"]["c"] = {"tariff": {"position": 60.0, "salience": 40.0}}
    add_version(store, ann.id, made["id"], "tiny.yaml", yaml.safe_dump(changed), message="a moves")
    again = get_version(store, ann.id, made["id"], 1)
    assert again == first  # version 1 never changes
    second = get_version(store, ann.id, made["id"], 2)
    assert (second["author"], second["message"]) == ("ann", "a moves")
    assert second["content_hash"] != first["content_hash"]
    # the hash is the ledger's scenario hash: same document, same hash, whatever the file says
    same = add_version(store, ann.id, made["id"], "other-name.yaml",
                       json.dumps(minimal_document()), message="back")
    assert same["content_hash"] == first["content_hash"]
    assert [v["version"] for v in get_scenario(store, ann.id, made["id"])["versions"]] == \
        [1, 2, 3]
    diff = diff_versions(store, ann.id, made["id"], 1, 2)
    assert diff["actors"]["added"] == ["c"] and not diff["actors"]["removed"]
    assert diff["stances"]["added"] == ["c/tariff"]
    assert diff["stances"]["changed"] == {"a/tariff": {"position": {"from": 20.0, "to": 35.0}}}
    assert not diff["issues"]["changed"] and diff["identical"] is False
    assert diff_versions(store, ann.id, made["id"], 1, 3)["identical"] is True


def test_private_scenarios_and_shares(store):
    from grandbargain.store._accounts import add_user
    from grandbargain.store._scenarios import (
        Forbidden,
        NotFound,
        add_version,
        create_scenario,
        get_version,
        list_scenarios,
        share,
    )

    ann, _ = add_user(store, "ann")
    bob, _ = add_user(store, "bob")
    made = create_scenario(store, ann.id, "mine", "tiny.yaml", _doc_text())
    with pytest.raises(NotFound):
        get_version(store, bob.id, made["id"])
    assert list_scenarios(store, bob.id) == []
    share(store, ann.id, made["id"], "bob", "read")
    assert get_version(store, bob.id, made["id"])["version"] == 1
    with pytest.raises(Forbidden):
        add_version(store, bob.id, made["id"], "t.yaml", _doc_text())
    with pytest.raises(Forbidden):
        share(store, bob.id, made["id"], "bob", "write")
    share(store, ann.id, made["id"], "bob", "write")
    assert add_version(store, bob.id, made["id"], "t.yaml", _doc_text())["author"] == "bob"
    share(store, ann.id, made["id"], "bob", None)
    with pytest.raises(NotFound):
        get_version(store, bob.id, made["id"])


def test_upload_problems_are_located_in_the_uploaded_file_as_check_prints_them(tmp_path):
    from typer.testing import CliRunner

    from grandbargain.cli import app
    from grandbargain.scenario import ScenarioError
    from grandbargain.store._scenarios import parse_scenario

    doc = minimal_document()
    doc["stances"]["a"]["tariff"]["position"] = 140.0
    text = yaml.safe_dump(doc, sort_keys=False)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario("team/bad.yaml", text)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "bad.yaml").write_text(text)
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        printed = CliRunner().invoke(app, ["check", "team/bad.yaml"]).output
    finally:
        os.chdir(here)
    for problem in caught.value.problems:
        assert str(problem).startswith("team/bad.yaml:")
        assert str(problem) in " ".join(printed.split()) or str(problem) in printed
    with pytest.raises(ScenarioError, match="only a shipped scenario"):
        parse_scenario("x.yaml", "extends: /etc/passwd\n")


def test_run_states_and_recovery(store):
    from grandbargain.store import _runs as runs
    from grandbargain.store._accounts import add_user

    ann, _ = add_user(store, "ann")
    first = runs.create_run(store, ann.id, "forecast", {}, 0, None, None,
                            "small-yard-high-fence", max_active=2)
    runs.create_run(store, ann.id, "forecast", {}, 0, None, None, "small-yard-high-fence", 2)
    with pytest.raises(runs.TooManyRuns, match="limit is 2"):
        runs.create_run(store, ann.id, "forecast", {}, 0, None, None, "x", 2)
    claimed = runs.claim_next(store, "server-a")
    assert claimed.id == first["id"] and claimed.status == "running"
    assert runs.recover(store) == 1  # the running one; the queued one waits
    after = runs.get_run(store, ann.id, first["id"])
    assert after["status"] == "failed" and "server stopped" in after["error"]
    assert runs.finish_run(store, first["id"], {"x": 1}) is False  # a failed run stays failed
    second = runs.claim_next(store, "server-b")
    assert runs.finish_run(store, second.id, {"answer": 42}) is True
    done = runs.get_run(store, ann.id, second.id, with_result=True)
    assert done["status"] == "done" and done["result"] == {"answer": 42}
    assert done["elapsed_seconds"] is not None and done["progress"] == 1.0


# -- the ledger's store backend ---------------------------------------------------------------

def _record(ledger, n: int) -> list[dict]:
    from grandbargain.scenario import load_scenario
    from grandbargain.timeline._ledger import record_entry

    s = load_scenario("small-yard-high-fence")
    return [record_entry(ledger, scenario=s, forecast={"issues": [], "k": k}, models=["median"],
                         options={}, seed=k) for k in range(n)]


def test_ledger_in_the_store_has_the_same_chain_and_verify(database_url, store):
    from sqlalchemy import text

    from grandbargain.timeline._ledger import (
        GENESIS,
        StoreLedger,
        entry_hash,
        read_ledger,
        verify_ledger,
    )

    ledger = StoreLedger(database_url)
    entries = _record(ledger, 3)
    assert [e["id"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS and entries[1]["prev_hash"] == entries[0]["hash"]
    assert all(e["hash"] == entry_hash(e) for e in entries)
    verdict = verify_ledger(ledger)
    assert verdict.ok and verdict.entries == 3 and verdict.head == entries[-1]["hash"]
    stored = read_ledger(ledger)
    assert [{k: v for k, v in e.items() if k != "_line"} for e in stored] == entries
    assert "***" in str(StoreLedger("postgresql://u:pw@h/db")) and "pw" not in \
        str(StoreLedger("postgresql://u:pw@h/db")).replace("***", "")
    edited = dict(entries[1], seed=99)
    with store.engine.begin() as connection:
        from grandbargain.timeline._ledger import canonical_json

        connection.execute(text("UPDATE ledger_entries SET entry = :e WHERE id = 2"),
                           {"e": canonical_json(edited)})
    problems = [str(p) for p in verify_ledger(ledger).problems]
    assert len(problems) == 1 and "entry 2" in problems[0] and "edited" in problems[0]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_entries WHERE id = 2"))
    problems = [str(p) for p in verify_ledger(ledger).problems]
    assert any("entry 2 missing" in p for p in problems), problems


def test_concurrent_records_from_processes_never_fork_the_chain(database_url, store):
    from grandbargain.timeline._ledger import StoreLedger, verify_ledger

    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from tests.test_store import _record
        from grandbargain.timeline._ledger import StoreLedger
        _record(StoreLedger({database_url!r}), 4)
    """)
    workers = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    verdict = verify_ledger(StoreLedger(database_url))
    assert verdict.ok, verdict.problems
    assert verdict.entries == 8
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:  # and threads, which collide on the head more often
        list(pool.map(lambda _: _record(StoreLedger(database_url), 3), range(8)))
    verdict = verify_ledger(StoreLedger(database_url))
    assert verdict.ok and verdict.entries == 32, verdict.problems


def test_default_ledger_is_the_store_once_one_exists(monkeypatch, tmp_path):
    from grandbargain.timeline._ledger import StoreLedger, default_ledger_path

    monkeypatch.delenv("GRANDBARGAIN_LEDGER", raising=False)
    monkeypatch.setenv("GRANDBARGAIN_DATABASE_URL", f"sqlite:///{tmp_path / 's.sqlite3'}")
    assert isinstance(default_ledger_path(), StoreLedger)
    monkeypatch.setenv("GRANDBARGAIN_LEDGER", str(tmp_path / "l.jsonl"))
    assert default_ledger_path() == tmp_path / "l.jsonl"  # a named file wins


def test_cli_ledger_records_into_the_store(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from grandbargain.cli import app

    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    monkeypatch.delenv("GRANDBARGAIN_LEDGER", raising=False)
    monkeypatch.setenv("GRANDBARGAIN_DATABASE_URL", url)
    runner = CliRunner()
    recorded = runner.invoke(app, ["ledger", "record", "small-yard-high-fence", "-m", "median"])
    assert recorded.exit_code == 0, recorded.output
    assert "recorded entry 1 in the store sqlite:///" in recorded.output
    verified = runner.invoke(app, ["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
    from grandbargain.store import close_store

    close_store(url)


def test_store_errors_never_show_the_password():
    from grandbargain.store import StoreUnavailable, open_store, redact_url

    assert redact_url("postgresql://ann:hunter2@db:5432/gb") == \
        "postgresql://ann:***@db:5432/gb"
    with pytest.raises(StoreUnavailable) as caught:
        open_store("postgresql://ann:hunter2@127.0.0.1:1/gb")
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)


def test_users_add_prints_the_token_once(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from grandbargain.cli import app
    from grandbargain.store import close_store, open_store
    from grandbargain.store._accounts import authenticate

    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    monkeypatch.setenv("GRANDBARGAIN_DATABASE_URL", url)
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "ann"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert authenticate(open_store(url), token) is not None
    listed = runner.invoke(app, ["users", "list"])
    assert "ann" in listed.output and token not in listed.output
    again = runner.invoke(app, ["users", "add", "ann"])
    assert again.exit_code == 2 and "exists already" in again.output
    close_store(url)


def test_without_the_extra_the_cli_names_the_install_command(monkeypatch):
    import importlib.util

    from typer.testing import CliRunner

    from grandbargain.cli import app

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fastapi" else real(name, *a))
    for command in (["serve"], ["users", "add", "ann"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 1
        assert "pip install -e .[server]" in result.output and "fastapi" in result.output
