"""The bottom line's draws and signposts run in a forked process (grandbargain._fork, BL-11):
the same numbers and the same output as in process, whatever happens to the child."""

from __future__ import annotations

import os

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain import _fork
from grandbargain.bottomline import _judgments
from grandbargain.bottomline._forecast import begin_bottom_line, with_packages
from grandbargain.cli import app
from grandbargain.scenario import load_scenario
from grandbargain.uncertainty import Noise

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


@needs_fork
def test_background_gives_the_childs_value_computed_there():
    job = _fork.Background(lambda: (os.getpid(), np.arange(5) ** 2), fork=True)
    assert job.forked
    pid, squares = job.result()
    assert pid != os.getpid()  # computed in the child
    assert squares.tolist() == [0, 1, 4, 9, 16]
    assert job.result()[0] == pid  # kept, not computed again


@needs_fork
def test_a_failing_child_leaves_the_error_to_the_parent():
    def boom():
        raise ValueError("bad input 42")

    job = _fork.Background(boom, fork=True)
    with pytest.raises(ValueError, match="bad input 42"):
        job.result()


@needs_fork
def test_a_killed_child_is_computed_again_in_process():
    job = _fork.Background(lambda: os.getpid(), fork=True)
    job.cancel()
    assert job.result() == os.getpid()


def test_without_fork_it_computes_in_process():
    job = _fork.Background(lambda: os.getpid(), fork=False)
    assert not job.forked
    assert job.result() == os.getpid()


@needs_fork
@pytest.mark.parametrize(("draws", "seed", "noise"), [
    (100, 0, None), (30, 7, Noise(position=20.0, salience=5.0, distribution="uniform"))])
def test_begun_bottom_line_is_the_in_process_one(monkeypatch, draws, seed, noise):
    monkeypatch.setattr(_fork, "available", lambda: True)
    s = load_scenario()
    begun = begin_bottom_line(s, draws=draws, seed=seed, noise=noise)
    assert begun.job is not None and begun.job.forked
    taken = []
    result = begun.job.result
    monkeypatch.setattr(begun.job, "result", lambda: taken.append(1) or result())
    forked = with_packages(s, [], ("en", "zh"), draws=draws, seed=seed, noise=noise,
                           begun=begun)
    assert taken == [1]  # the child's draws and signposts were the ones used
    in_process = with_packages(s, [], ("en", "zh"), draws=draws, seed=seed, noise=noise)
    assert forked == in_process


@needs_fork
def test_begun_for_other_inputs_is_not_taken(monkeypatch):
    monkeypatch.setattr(_fork, "available", lambda: True)
    s = load_scenario()
    begun = begin_bottom_line(s, draws=20, seed=1)
    other = _judgments.judge(s, [], draws=20, seed=2, begun=begun)
    assert not begun.takes(s, other.options, (begun.inputs[0], 20, 2, *begun.inputs[3:]))
    plain = _judgments.judge(s, [], draws=20, seed=2)
    assert np.array_equal(other.nash_draws, plain.nash_draws)
    assert other.signposts == plain.signposts
    begun.cancel()


@needs_fork
@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--lang", "zh"],
                                  ["--seed", "3", "--bottom-line-draws", "40"]])
def test_forecast_prints_the_same_with_and_without_fork(monkeypatch, args):
    monkeypatch.setenv("GRANDBARGAIN_CACHE", "off")
    forks = []
    begin = _fork.Background.__init__

    def spy(self, compute, **kw):
        begin(self, compute, **kw)
        forks.append(self.forked)

    monkeypatch.setattr(_fork.Background, "__init__", spy)
    monkeypatch.setattr(_fork, "available", lambda: True)
    forked = CliRunner().invoke(app, ["forecast", *args])
    assert forked.exit_code == 0, forked.output
    assert forks == [True]
    monkeypatch.setattr(_fork, "available", lambda: False)
    plain = CliRunner().invoke(app, ["forecast", *args])
    assert plain.exit_code == 0, plain.output
    assert forks == [True]  # nothing begun without fork
    assert forked.output == plain.output


def test_nothing_is_begun_when_the_cache_holds_the_bottom_line(monkeypatch, tmp_path):
    monkeypatch.setenv("GRANDBARGAIN_CACHE", str(tmp_path))
    monkeypatch.setattr(_fork, "available", lambda: True)
    first = CliRunner().invoke(app, ["forecast", "--bottom-line-draws", "10"])
    assert first.exit_code == 0, first.output
    started = []
    monkeypatch.setattr(_fork, "Background", lambda *a, **k: started.append(1))
    again = CliRunner().invoke(app, ["forecast", "--bottom-line-draws", "10"])
    assert again.exit_code == 0, again.output
    assert started == []
    assert again.output == first.output


def test_no_fork_on_one_core_or_beside_other_threads(monkeypatch):
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not _fork.available()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not _fork.available()
