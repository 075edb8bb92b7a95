"""Build the decide-exchange-model reference venv that tests/test_exchange_decide.py compares with.

    python tools/build_decide_reference.py          # build it once (downloads from PyPI)
    python tools/build_decide_reference.py --check  # only say whether it is there

PyPI `decide-exchange-model` 2022.1.28 pins numpy 1.23 and cannot share the project's
environment (docs/decisions.md, EX-11), so it gets a venv of its own, at
`$GRANDBARGAIN_DECIDE_VENV` or `~/.cache/grandbargain/decide-exchange-model-2022.1.28` (under
`$XDG_CACHE_HOME` if set). This script is the only thing that builds it: `.ci/run` calls it before
pytest, and the test run itself never installs anything (the tests that need the venv skip, naming
this command, when it is absent). Building takes one to several minutes and is done once per
machine; a lock file keeps parallel builds apart. Prints the venv's Python on success.
"""

from __future__ import annotations

import argparse
import fcntl
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

# The tests' own finder: one place for the paths.
from _decide_reference import (
    PACKAGE,
    VERSION,
    ReferenceUnavailable,
    find_reference_python,
    has_package,
    python_in,
    venv_dir,
)


def build(venv: Path) -> None:
    """Create the venv in a staging folder and move it into place when it works."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=venv.name + ".", dir=venv.parent))
    try:
        steps = [[sys.executable, "-m", "venv", str(staging)],
                 [str(python_in(staging)), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", f"{PACKAGE}=={VERSION}"]]
        for step in steps:
            print(f"running: {' '.join(step)}", file=sys.stderr)
            done = subprocess.run(step, capture_output=True, text=True, timeout=1800,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check, never build")
    args = parser.parse_args(argv)
    try:
        print(find_reference_python())
        return 0
    except ReferenceUnavailable as exc:
        if args.check:
            print(exc, file=sys.stderr)
            return 1
    venv = venv_dir()
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(venv.parent / f"{venv.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not has_package(python_in(venv)):
                print(f"building the {PACKAGE} {VERSION} reference venv in {venv} "
                      "(once per machine)", file=sys.stderr)
                build(venv)
        print(find_reference_python())
    except (ReferenceUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
