"""The side-by-side reference: PyPI `decide-exchange-model` 2022.1.28, run in its own venv.

The package pins numpy 1.23.4, pandas 1.5.0, matplotlib 3.6.0, blinker 1.5 and PyQt5 exactly
(`pip install --dry-run` shows it would downgrade numpy 2.x and blinker in the project's
environment), so it cannot be a dev extra beside `numpy>=1.26`. It lives in a separate virtual
environment that this module finds or builds once (docs/decisions.md, EX-11):

1. `$GRANDBARGAIN_DECIDE_PYTHON`: a Python that already has the package;
2. else the venv at `$GRANDBARGAIN_DECIDE_VENV`, default
   `~/.cache/grandbargain/decide-exchange-model-2022.1.28` (under `$XDG_CACHE_HOME` if set);
3. if that venv is missing, it is built there with `python -m venv` and
   `pip install decide-exchange-model==2022.1.28` (about a minute, once per machine; a lock file
   keeps parallel builds apart). `GRANDBARGAIN_DECIDE_NO_BUILD=1` forbids building.

`run_reference` runs `_decide_driver.py` with that Python in a subprocess and returns its JSON.
Anything unavailable raises `ReferenceUnavailable` with the reason, which the tests turn into a
skip; CI (`.ci/run` installs `.[dev]` and runs pytest) builds the venv on first use, so the
side-by-side tests really run there.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PACKAGE = "decide-exchange-model"
VERSION = "2022.1.28"
DRIVER = Path(__file__).resolve().with_name("_decide_driver.py")


class ReferenceUnavailable(RuntimeError):
    """The reference package cannot be run here; the message says why."""


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grandbargain"


def venv_dir() -> Path:
    configured = os.environ.get("GRANDBARGAIN_DECIDE_VENV")
    return Path(configured) if configured else _cache_dir() / f"{PACKAGE}-{VERSION}"


def _python_in(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has_package(python: Path) -> bool:
    if not python.exists():
        return False
    probe = ("import importlib.metadata as m, decide.model.equalgain; "
             f"print(m.version('{PACKAGE}'))")
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                          timeout=120, check=False)
    return done.returncode == 0 and done.stdout.strip() == VERSION


def _build(venv: Path) -> None:
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=venv.name + ".", dir=venv.parent))
    try:
        steps = [[sys.executable, "-m", "venv", str(staging)],
                 [str(_python_in(staging)), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", f"{PACKAGE}=={VERSION}"]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900,
                                  check=False)
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                raise ReferenceUnavailable(f"building the {PACKAGE} {VERSION} venv failed at "
                                           f"`{' '.join(step[:4])}`: {' | '.join(tail)}")
        if venv.exists():
            shutil.rmtree(venv)
        staging.rename(venv)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def reference_python() -> Path:
    """A Python with the reference package, building its venv once if allowed."""
    configured = os.environ.get("GRANDBARGAIN_DECIDE_PYTHON")
    if configured:
        if not _has_package(Path(configured)):
            raise ReferenceUnavailable(f"GRANDBARGAIN_DECIDE_PYTHON={configured} has no "
                                       f"{PACKAGE} {VERSION}")
        return Path(configured)
    venv = venv_dir()
    python = _python_in(venv)
    if _has_package(python):
        return python
    if os.environ.get("GRANDBARGAIN_DECIDE_NO_BUILD"):
        raise ReferenceUnavailable(f"{PACKAGE} {VERSION} absent ({venv} has no venv with it) "
                                   "and GRANDBARGAIN_DECIDE_NO_BUILD is set")
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _has_package(python):
            _build(venv)
    if not _has_package(python):
        raise ReferenceUnavailable(f"{PACKAGE} {VERSION} still not importable from {python}")
    return python


def run_reference(python: Path, file: Path, rounds: int, seeds: list[int],
                  deterministic: bool = False) -> list[dict]:
    """Run the reference on a Decide file: one JSON record per seed (see _decide_driver)."""
    command = [str(python), str(DRIVER), str(file), str(rounds), ",".join(map(str, seeds))]
    if deterministic:
        command.append("deterministic")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=env,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the reference failed on {file.name}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def run_many(python: Path, jobs: list[tuple], workers: int = 2) -> list[list[dict]]:
    """Several `run_reference` jobs, `workers` subprocesses at a time, results in job order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: run_reference(python, *job), jobs))
