"""Models refuse scenarios too large for them before anything runs (issue 12 item 5), and the
forecast command's results cache gives exactly what a fresh run gives."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain import _memo
from grandbargain.cli import app
from grandbargain.models import MODELS, SpatialModelOfPolitics, smp
from grandbargain.scenario import load_scenario


def crowd(tmp_path, actors: int = 12, issues: int = 3):
    rng = np.random.default_rng(3)
    lines = ["scenario: {id: crowd, title: Crowd}", "issues:"]
    lines += [f"  - {{id: i{d}, name: I{d}, scale: {{min: 0, max: 100}}, status_quo: 50}}"
              for d in range(issues)]
    lines.append("actors:")
    lines += [f"  - {{id: a{i}, name: A{i}, capability: {rng.integers(1, 100)}}}"
              for i in range(actors)]
    lines.append("stances:")
    for i in range(actors):
        lines.append(f"  a{i}:")
        lines += [f"    i{d}: {{position: {rng.integers(0, 101)}, salience: "
                  f"{rng.integers(1, 101)}}}" for d in range(issues)]
    path = tmp_path / "crowd.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_model_answers_refusal_and_the_default_scenario_is_refused_by_none():
    s = load_scenario()
    assert all(cls().refusal(s) is None for cls in MODELS.values())


def test_smp_refuses_past_its_limit_with_the_reason(tmp_path, monkeypatch):
    s = load_scenario(crowd(tmp_path))
    assert SpatialModelOfPolitics().refusal(s) is None
    monkeypatch.setattr(smp, "MAX_CUBE_TURNS", 12 ** 3 * 100 - 1)
    reason = SpatialModelOfPolitics().refusal(s)
    assert "too large for the SMP" in reason and "12 actors" in reason and "SMP-13" in reason
    assert SpatialModelOfPolitics(max_turns=99).refusal(s) is None
    result = SpatialModelOfPolitics().forecast(s)
    assert all(f.value is None and f.detail["reason"] == reason for f in result.forecasts)


def test_default_forecast_leaves_refusing_models_out_with_a_note(tmp_path, monkeypatch):
    from grandbargain.models import expected_utility

    path = crowd(tmp_path)
    monkeypatch.setattr(smp, "MAX_CUBE_TURNS", 1)
    monkeypatch.setattr(expected_utility, "MAX_PAIR_ROUNDS", 1)
    runner = CliRunner()
    result = runner.invoke(app, ["forecast", str(path), "-f", "json", "-o",
                                 str(tmp_path / "f.json")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "f.json").read_text())
    names = [m["name"] for m in doc["models"]]
    assert "smp" not in names and "eu" not in names and "eu-scholz" not in names
    assert {"compromise", "median", "nash-issue", "exchange"} <= set(names)
    assert set(doc["models_left_out"]) == {"smp", "eu", "eu-scholz"}
    assert "note: model smp left out: too large for the SMP" in " ".join(result.output.split())


def test_a_named_model_that_refuses_ends_the_command_before_anything_runs(tmp_path,
                                                                          monkeypatch):
    path = crowd(tmp_path)
    monkeypatch.setattr(smp, "MAX_CUBE_TURNS", 1)
    ran = []
    monkeypatch.setattr(MODELS["median"], "forecast", lambda self, s: ran.append(1))
    result = CliRunner().invoke(app, ["forecast", str(path), "-m", "median", "-m", "smp"])
    assert result.exit_code == 2
    assert f"{path} [model smp]: too large for the SMP" in " ".join(result.output.split())
    assert not ran  # refused up front


@pytest.mark.parametrize("bottom_line", [True, False])
def test_the_results_cache_gives_what_a_fresh_run_gives(tmp_path, monkeypatch, bottom_line):
    args = ["forecast", "-f", "json"] + ([] if bottom_line else ["--no-bottom-line"])
    monkeypatch.setenv("GRANDBARGAIN_CACHE", "off")
    fresh = CliRunner().invoke(app, args)
    monkeypatch.setenv("GRANDBARGAIN_CACHE", str(tmp_path / "cache"))
    first = CliRunner().invoke(app, args)
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir())
    again = CliRunner().invoke(app, args)
    assert fresh.exit_code == first.exit_code == again.exit_code == 0
    assert fresh.output == first.output == again.output
    assert kept == (["bottomline", "exchange"] if bottom_line else ["exchange"])
    assert not _memo.enabled()  # on only while the command ran


def test_the_cache_key_follows_every_input(tmp_path):
    s = load_scenario()
    base = _memo.key("k", (s.positions, 1, "a"))
    moved = s.positions.copy()
    moved[0, 0] = np.nextafter(moved[0, 0], np.inf)
    assert _memo.key("k", (moved, 1, "a")) != base
    assert _memo.key("k", (s.positions, 2, "a")) != base
    assert _memo.key("j", (s.positions, 1, "a")) != base
    assert _memo.key("k", (s.positions, 1, "a")) == base


def test_a_broken_cache_file_is_recomputed(tmp_path):
    with _memo.caching(tmp_path):
        assert _memo.memo("t", (1,), lambda: [1, 2]) == [1, 2]
        (kept,) = tmp_path.iterdir()
        kept.write_bytes(b"not a pickle")
        assert _memo.memo("t", (1,), lambda: [3]) == [3]
        assert _memo.memo("t", (1,), lambda: [4]) == [3]




def test_the_cache_keeps_at_most_max_files(tmp_path, monkeypatch):
    monkeypatch.setattr(_memo, "MAX_FILES", 4)
    with _memo.caching(tmp_path):
        for k in range(5):
            _memo.memo("t", (k,), lambda k=k: k)
    assert len(list(tmp_path.glob("*.pickle"))) == 3  # 5 written, the oldest 2 dropped
