"""The kill -9 test: a server killed mid-run leaves the store consistent; the restarted server
marks the interrupted run failed with the reason and goes on working. Also: one log line per
request, and the token never in the log. On SQLite and (in .ci/run) PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import test_server_support as support

database_url = support.database_url  # the fixture
httpx = pytest.importorskip("httpx")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _start(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GRANDBARGAIN_DATABASE_URL": url}
    with open(log, "ab") as sink:
        server = subprocess.Popen([sys.executable, "-m", "grandbargain", "serve", "--port",
                                   str(port), "--workers", "1"], env=env, stdout=sink,
                                  stderr=sink, stdin=subprocess.DEVNULL)
    end = time.monotonic() + 90
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start in 90 s")


def _wait(base: str, run_id: int, headers: dict, until: tuple[str, ...], seconds=90) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run = httpx.get(f"{base}/runs/{run_id}", headers=headers, timeout=10).json()
        if run["status"] in until:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {run['status']}")


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the run's process")
def test_kill_9_mid_run_then_restart(database_url, tmp_path):
    from grandbargain.store import close_store, open_store
    from grandbargain.store._accounts import add_user

    store = open_store(database_url)
    _, token = add_user(store, "ann")
    headers = {"Authorization": f"Bearer {token}"}
    port, log = support.free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    server = _start(database_url, port, log)
    try:
        long = httpx.post(f"{base}/runs", headers=headers, timeout=30, json={
            "kind": "simulate", "shipped": "us-china-2025-07",
            "options": {"draws": 200000, "yes": True}}).json()
        _wait(base, long["id"], headers, ("running",))
        workers = _children(server.pid)
        assert workers, "the run's process was not found"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        end = time.monotonic() + 10  # the run's process dies with the server
        while time.monotonic() < end and any(Path(f"/proc/{p}").exists() and
                                             "Z" not in _state(p) for p in workers):
            time.sleep(0.1)
        assert not [p for p in workers if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]
        from grandbargain.store import _runs as runs

        left = runs.get_run(store, 1, long["id"], with_result=True)
        assert left["status"] == "running" and left["result"] is None  # nothing half-written
        if store.dialect == "sqlite":
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

        server = _start(database_url, port, log)
        after = httpx.get(f"{base}/runs/{long['id']}", headers=headers, timeout=10).json()
        assert after["status"] == "failed"
        assert "server stopped while this run was in progress" in after["error"]
        made = httpx.post(f"{base}/scenarios", headers=headers, timeout=30, json={
            "filename": "syhf.yaml", "content": support.shipped_text()})
        assert made.status_code == 201, made.text  # the store takes writes again
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        close_store(database_url)
    text = log.read_text(errors="replace")
    assert token not in text and token.rsplit("_", 1)[1] not in text
    assert text.count('"GET /health HTTP/1.1" 200') >= 2  # one line per request
    from sqlalchemy.engine import make_url

    assert "grandbargain server on" in text
    password = make_url(database_url).password
    assert not password or password not in text  # the store named, its password hidden


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
