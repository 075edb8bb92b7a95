"""The side-by-side reference: PyPI `decide-exchange-model` 2022.1.28, run in its own venv.

The package pins numpy 1.23.4, pandas 1.5.0, matplotlib 3.6.0, blinker 1.5 and PyQt5 exactly
(`pip install --dry-run` shows it would downgrade numpy 2.x and blinker in the project's
environment), so it cannot be a dev extra beside `numpy>=1.26`. It lives in a separate virtual
environment (docs/decisions.md, EX-11), which this module only finds, never builds:

1. `$GRANDBARGAIN_DECIDE_PYTHON`: a Python that already has the package;
2. else the venv at `$GRANDBARGAIN_DECIDE_VENV`, default
   `~/.cache/grandbargain/decide-exchange-model-2022.1.28` (under `$XDG_CACHE_HOME` if set),
   built by `python tools/build_decide_reference.py` (`.ci/run` calls it before pytest).

`run_reference` runs `_decide_driver.py` with that Python in a subprocess and returns its JSON.
Anything unavailable raises `ReferenceUnavailable` with the reason and the command that fixes
it, which the tests turn into a skip: the test run itself installs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
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


BUILD_COMMAND = "python tools/build_decide_reference.py"


def python_in(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_package(python: Path) -> bool:
    if not python.exists():
        return False
    probe = ("import importlib.metadata as m, decide.model.equalgain; "
             f"print(m.version('{PACKAGE}'))")
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                          timeout=120, check=False)
    return done.returncode == 0 and done.stdout.strip() == VERSION


def find_reference_python() -> Path:
    """A Python with the reference package (raises ReferenceUnavailable, naming the fix)."""
    configured = os.environ.get("GRANDBARGAIN_DECIDE_PYTHON")
    if configured:
        if not has_package(Path(configured)):
            raise ReferenceUnavailable(f"GRANDBARGAIN_DECIDE_PYTHON={configured} has no "
                                       f"{PACKAGE} {VERSION}")
        return Path(configured)
    venv = venv_dir()
    python = python_in(venv)
    if not has_package(python):
        raise ReferenceUnavailable(f"{PACKAGE} {VERSION} is not built (no venv with it at "
                                   f"{venv}): run `{BUILD_COMMAND}` once")
    return python


reference_python = find_reference_python  # the name the tests import


def results_dir() -> Path:
    """Where the reference's answers are kept ($GRANDBARGAIN_DECIDE_RESULTS to move it)."""
    configured = os.environ.get("GRANDBARGAIN_DECIDE_RESULTS")
    return Path(configured) if configured else _cache_dir() / f"{PACKAGE}-{VERSION}-results"


def _result_key(file: Path, rounds: int, seeds: list[int], deterministic: bool) -> str:
    """The reference is a pinned, seeded program: the same input gives the same answer, so its
    answer is kept under a hash of everything it depends on (version, driver, file, args)."""
    digest = hashlib.sha256()
    for part in (VERSION.encode(), DRIVER.read_bytes(), file.read_bytes(),
                 json.dumps([rounds, list(seeds), deterministic]).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def run_reference(python: Path, file: Path, rounds: int, seeds: list[int],
                  deterministic: bool = False) -> list[dict]:
    """Run the reference on a Decide file: one JSON record per seed (see _decide_driver).

    Answers are kept in results_dir() and reused for the same input (set
    GRANDBARGAIN_DECIDE_NO_CACHE=1 to rerun): the reference takes minutes on cop21, our side of
    every comparison still runs each time."""
    kept = results_dir() / f"{_result_key(file, rounds, seeds, deterministic)}.json"
    if kept.is_file() and not os.environ.get("GRANDBARGAIN_DECIDE_NO_CACHE"):
        return json.loads(kept.read_text(encoding="utf-8"))
    answer = _run_reference(python, file, rounds, seeds, deterministic)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(answer), encoding="utf-8")
    partial.replace(kept)
    return answer


def _run_reference(python: Path, file: Path, rounds: int, seeds: list[int],
                   deterministic: bool) -> list[dict]:
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
