"""Dask backends: the same seed gives byte-identical JSON in process, on 1 and 2 local workers,
and on a real scheduler and worker started as separate processes on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import grandbargain
from grandbargain.cli import app

pytest.importorskip("distributed", reason="the [dask] extra is not installed")

pytestmark = pytest.mark.slow
runner = CliRunner()
# 4 chunks of 30 draws: enough for both workers to take chunks out of order, small enough to be
# quick (the draws' arithmetic is the in-process path's, tested at size elsewhere).
ARGS = ["simulate", "--draws", "120", "--chunk-size", "30", "--seed", "42", "--noise",
        "position=10,salience=15,capability=20", "--format", "json", "--no-progress",
        "-m", "compromise", "-m", "median", "-m", "eu", "--deals"]


def simulate_json(*extra: str) -> str:
    result = runner.invoke(app, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_in_process_one_and_two_workers_give_byte_identical_json():
    here = simulate_json()
    assert simulate_json("--workers", "1") == here
    assert simulate_json("--workers", "2") == here
    assert '"seed": 42' in here and '"zopa_nonempty"' in here


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, deadline: float, process: subprocess.Popen) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dask scheduler exited early: {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


def _stop(process: subprocess.Popen) -> None:
    """Stop a process group this test started (by its id), politely then firmly."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def dask_cluster(tmp_path):
    """`dask scheduler` and `dask worker` as separate processes on 127.0.0.1, free ports."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    src = str(Path(grandbargain.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (src, os.environ.get("PYTHONPATH")) if p)}
    dask = [sys.executable, "-c", "from dask.cli import run_cli; run_cli()"]
    log = (tmp_path / "dask.log").open("w")
    started = []
    try:
        scheduler = subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        started.append(scheduler)
        _wait_for_port(port, time.monotonic() + 30, scheduler)
        worker = subprocess.Popen(
            [*dask, "worker", address, "--host", "127.0.0.1", "--nworkers", "1",
             "--nthreads", "1", "--no-dashboard", "--no-nanny"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(worker)
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=30)
        yield address
    finally:
        for process in reversed(started):
            _stop(process)
        log.close()


def test_external_scheduler_and_worker_on_loopback(dask_cluster):
    assert simulate_json("--scheduler", dask_cluster) == simulate_json()


def test_unreachable_scheduler_is_a_clean_error():
    from grandbargain.uncertainty import DaskUnavailable, dask_client

    with pytest.raises(DaskUnavailable, match="cannot reach"), \
            dask_client(scheduler=f"tcp://127.0.0.1:{_free_port()}", timeout=2):
        pass
