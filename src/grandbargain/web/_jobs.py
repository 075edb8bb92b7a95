"""The worker pool: runs start in the order they were asked for, at most `workers` at a time,
each in its own process (the CLI command that makes its document), so that a cancelled or
runaway run is stopped by killing that process and a crash never takes the server down.

A run's process dies with the server (PR_SET_PDEATHSIG on Linux); a server that starts marks
the runs its predecessor left running as failed, with the reason (`store._runs.recover`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from grandbargain.store import DATABASE_ENV, Store
from grandbargain.store import _runs as runs
from grandbargain.web._commands import OptionError, option_args

log = logging.getLogger("grandbargain.web")
STDERR_KEEP = 4000
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
DRAWS_DONE = re.compile(r"(\d[\d,]*)/(\d[\d,]*)\s+draws")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class WorkerPool:
    def __init__(self, store: Store, workers: int = 2, scheduler: str | None = None,
                 timeout: float = 3600.0, poll: float = 0.1):
        self.store, self.workers, self.scheduler = store, max(1, workers), scheduler
        self.timeout, self.poll = timeout, poll
        self.server_id = uuid.uuid4().hex
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel: dict[int, threading.Event] = {}
        self._active = threading.Semaphore(self.workers)
        self._threads: list[threading.Thread] = []
        self._dispatcher: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------
    def start(self) -> None:
        self._dispatcher = threading.Thread(target=self._dispatch, name="gb-dispatch",
                                            daemon=True)
        self._dispatcher.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for event in list(self._cancel.values()):
            event.set()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=10)
        for thread in list(self._threads):
            thread.join(timeout=10)

    def wake(self) -> None:
        self._wake.set()

    def cancel(self, run_id: int) -> None:
        event = self._cancel.get(run_id)
        if event is not None:
            event.set()

    # -- dispatch ------------------------------------------------------------------------
    def _dispatch(self) -> None:
        while not self._stop.is_set():
            if not self._active.acquire(timeout=0.5):
                continue
            try:
                run = runs.claim_next(self.store, self.server_id)
            except Exception:  # the database is away for a moment: try again
                log.exception("claiming a run failed")
                run = None
            if run is None:
                self._active.release()
                self._wake.wait(timeout=1.0)
                self._wake.clear()
                continue
            self._cancel[run.id] = threading.Event()
            thread = threading.Thread(target=self._execute, args=(run,), daemon=True,
                                      name=f"gb-run-{run.id}")
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _execute(self, run: Any) -> None:
        try:
            self._run(run)
        except Exception as exc:  # never leave a run 'running' behind a live server
            log.exception("run %s failed in the server", run.id)
            runs.fail_run(self.store, run.id, f"internal error in the server "
                          f"({type(exc).__name__})")
        finally:
            self._cancel.pop(run.id, None)
            self._active.release()
            self._wake.set()

    def _scenario_argument(self, run: Any, folder: Path) -> list[str]:
        if run.shipped_scenario is not None:
            return [run.shipped_scenario]
        from grandbargain.store._models import ScenarioVersion

        with self.store.session() as session:
            row = session.get(ScenarioVersion, (run.scenario_id, run.scenario_version))
            filename, text, fmt = row.filename, row.source_text, row.source_format
        path = folder / Path(filename).name
        path.write_text(text, encoding="utf-8")
        return [str(path), *(["--input-format", fmt] if fmt else [])]

    def _run(self, run: Any) -> None:
        with tempfile.TemporaryDirectory(prefix=f"gb-run-{run.id}-") as name:
            folder = Path(name)
            try:
                options = option_args(run.kind, run.options, run.seed)
            except OptionError as exc:
                runs.fail_run(self.store, run.id, str(exc))
                return
            markdown = bool(run.options.get("markdown"))
            out = folder / ("result.md" if markdown else "result.html"
                            if run.kind == "report" else "result.json")
            command = [sys.executable, "-m", "grandbargain", run.kind,
                       *self._scenario_argument(run, folder), *options, "--out", str(out)]
            if run.kind != "report":
                command += ["--format", "json"]
            env = {k: v for k, v in os.environ.items() if k != DATABASE_ENV}
            if run.kind == "simulate":
                if self.scheduler:
                    command += ["--scheduler", self.scheduler]
                # its progress bar, drawn as for a terminal, is where the run's progress is
                # read from (draws done / draws)
                command.append("--progress")
                env.update(TTY_COMPATIBLE="1", COLUMNS="100")
            errors = folder / "stderr.txt"
            with open(errors, "wb") as sink:
                process = subprocess.Popen(
                    command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=sink,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None)
                outcome = self._watch(run.id, process, errors)
            if outcome == "cancelled":
                runs.fail_run(self.store, run.id, "cancelled by its owner", status="cancelled")
                return
            if outcome == "stopped":
                runs.fail_run(self.store, run.id, runs.INTERRUPTED)
                return
            if outcome == "timeout":
                runs.fail_run(self.store, run.id, f"stopped after {self.timeout:g} s (the "
                              "server's run time limit)")
                return
            text = ANSI.sub("", errors.read_text(encoding="utf-8", errors="replace"))
            text = text[-STDERR_KEEP:]
            if process.returncode != 0 or not out.is_file():
                runs.fail_run(self.store, run.id, _error_text(text, folder) or
                              f"the {run.kind} command ended with status "
                              f"{process.returncode}")
                return
            if run.kind == "report":
                result = {"format": "markdown" if markdown else "html",
                          "text": out.read_text(encoding="utf-8")}
            else:
                result = json.loads(out.read_text(encoding="utf-8"))
            runs.finish_run(self.store, run.id, result)

    def _watch(self, run_id: int, process: subprocess.Popen, errors: Path) -> str:
        started = time.monotonic()
        cancel = self._cancel[run_id]
        checked, shown = started, 0.0
        while True:
            try:
                process.wait(timeout=self.poll)
                return "exited"
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now - checked > 1.0:  # a cancel asked through another server process
                checked = now
                if runs.status_of(self.store, run_id) == "cancelling":
                    cancel.set()
                done = _draws_done(errors)
                if done is not None and done > shown:
                    shown = done
                    runs.set_progress(self.store, run_id, min(done, 0.99))
            reason = ("stopped" if self._stop.is_set() else "cancelled" if cancel.is_set()
                      else "timeout" if now - started > self.timeout else None)
            if reason is not None:
                process.kill()
                process.wait()
                return reason


def _draws_done(errors: Path) -> float | None:
    """The share of the draws done, from the last state of the progress bar on stderr."""
    try:
        with open(errors, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 2048))
            tail = ANSI.sub("", handle.read().decode("utf-8", errors="replace"))
    except OSError:
        return None
    found = DRAWS_DONE.findall(tail)
    if not found:
        return None
    done, total = (int(v.replace(",", "")) for v in found[-1])
    return done / total if total else None


def _error_text(stderr: str, folder: Path) -> str:
    """The command's own messages (the located problems `check` prints), the run's temporary
    folder left out."""
    lines = [line.replace(str(folder) + os.sep, "") for line in stderr.splitlines()
             if line.strip()]
    return "\n".join(lines[-40:])
