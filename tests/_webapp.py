"""`grandbargain serve` in a subprocess for the browser tests and the web benchmark (no tests
here): a temporary SQLite store (GRANDBARGAIN_DATABASE_URL), one user made with `grandbargain
users add` (its token), a free port on 127.0.0.1, started and waited for, stopped after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
DEFAULT = "us-china-2025-07"


def chromium_executable() -> str | None:
    """Debian's chromium (the one `.ci/run` installs), or None."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebApp:
    """The server and its store; `base` is its URL, `token` the user's token, `log` the
    server's log file."""

    def __init__(self, user: str = "ann", workers: int = 2, start_timeout: float = 90.0):
        self.folder = Path(tempfile.mkdtemp(prefix="gb-webapp-"))
        self.url = f"sqlite:///{self.folder / 'store.sqlite3'}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.folder / "server.log"
        self.user, self.workers, self.start_timeout = user, workers, start_timeout
        self.token = ""
        self.server: subprocess.Popen | None = None
        # The server's own environment: the temporary store, and no ledger or cache of the
        # caller's (a run must not write outside the folder).
        self.env = {**os.environ, "GRANDBARGAIN_DATABASE_URL": self.url,
                    "GRANDBARGAIN_LEDGER": str(self.folder / "ledger.jsonl"),
                    "XDG_CACHE_HOME": str(self.folder / "cache"),
                    "XDG_DATA_HOME": str(self.folder / "data")}

    def _cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "grandbargain", *args], env=self.env,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    def start(self) -> WebApp:
        made = self._cli("users", "add", self.user)
        if made.returncode != 0:
            raise RuntimeError(f"`grandbargain users add {self.user}` failed: {made.stderr}")
        self.token = made.stdout.strip().splitlines()[-1]
        with open(self.log, "ab") as sink:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "grandbargain", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers)],
                env=self.env, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
        end = time.monotonic() + self.start_timeout
        while time.monotonic() < end:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start in {self.start_timeout:.0f} s: "
                           f"{self.log_text()[-3000:]}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> WebApp:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
