"""Shared fixtures: where the external benchmark cases live, and tiny scenario documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The README's test command is deterministic: the property tests run the same examples on every
# machine, so CI cannot turn red by chance. HYPOTHESIS_PROFILE=explore draws new examples each
# run (what found the exchange model's knife edge); HYPOTHESIS_PROFILE=fuzz is the full fuzz run.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_PROFILE") in ("explore", "fuzz")
                      else "ci")

# ../shared beside the repository; GRANDBARGAIN_SHARED overrides it (e.g. from a git worktree).
SHARED = Path(os.environ.get("GRANDBARGAIN_SHARED")
              or Path(__file__).resolve().parents[1].parent / "shared")
BENCHMARKS = SHARED / "benchmarks"


@pytest.fixture
def shared_benchmarks() -> Path:
    """../shared/benchmarks, or a skip with the reason when it is absent."""
    if not BENCHMARKS.is_dir():
        pytest.skip(f"external benchmark cases absent: {BENCHMARKS} not found")
    return BENCHMARKS


def minimal_document(**overrides) -> dict:
    """A small valid scenario document (two actors, one issue) to vary in tests."""
    doc = {
        "scenario": {"id": "tiny", "title": "Tiny"},
        "issues": [{"id": "tariff", "name": "Tariff", "scale": {"min": 0.0, "max": 100.0},
                    "status_quo": 50.0}],
        "actors": [{"id": "a", "name": "A", "capability": 1.0},
                   {"id": "b", "name": "B", "capability": 2.0}],
        "stances": {"a": {"tariff": {"position": 20.0, "salience": 50.0}},
                    "b": {"tariff": {"position": 80.0, "salience": 100.0}}},
    }
    doc.update(overrides)
    return doc


def pytest_configure(config):
    """The commands' results cache (grandbargain._memo) goes to a folder of this run, not the
    user's ~/.cache, unless GRANDBARGAIN_CACHE is set (subprocesses inherit the variable)."""
    if "GRANDBARGAIN_CACHE" not in os.environ:
        import tempfile

        folder = tempfile.mkdtemp(prefix="grandbargain-cache-")
        os.environ["GRANDBARGAIN_CACHE"] = folder
        config._grandbargain_cache = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_grandbargain_cache", None)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("GRANDBARGAIN_CACHE", None)


def pytest_collection_finish(session):
    """The expected-utility readings of the two large KTAB tables take minutes of pure Python
    when not kept from an earlier run: start them now, beside the suite (tests/
    test_eu_reference.py waits for them when it gets there)."""
    chosen = [item for item in session.items
              if item.nodeid.startswith("tests/test_eu_reference.py")]
    if not chosen:
        return
    import tempfile

    from tests import test_eu_reference as eu

    wanted = [t for t in eu.SLOW if any(t in item.nodeid for item in chosen)]
    if wanted:
        folder = Path(tempfile.mkdtemp(prefix="eu-reference-prefetch-"))
        session.config._grandbargain_prefetch = folder
        eu.prefetch(folder, wanted)


def pytest_sessionfinish(session):
    folder = getattr(session.config, "_grandbargain_prefetch", None)
    if folder is not None:
        import shutil

        from tests import test_eu_reference as eu

        eu.stop_prefetch()
        shutil.rmtree(folder, ignore_errors=True)
