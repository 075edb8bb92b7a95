"""KTAB's Spatial Model of Politics (model `smp`): reproduced turn by turn against KTAB's own
reference runs, and its options, inputs and errors."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from grandbargain.models import MODELS, SpatialModelOfPolitics
from grandbargain.models import _smp_core as core
from grandbargain.scenario import load_scenario
from grandbargain.scenario._schema import validate_document

from .conftest import minimal_document


def load_document(doc):
    return validate_document(doc, {}, "<test>")


REFERENCE_RUNS = [("SOE-Pol-Comp.csv", "20170530_ref-SOE-Pol-Comp.txt"),
                  ("dummyData_3Dim.csv", "20170530_ref-dummyData_3Dim.txt")]


def parse_reference(path: Path):
    """From a KTAB smpc log: the positions after every turn (the 'postn i , 0 :' blocks, printed
    %.4f on 0-100), the history of win probabilities (%.4f, one column per state) and the
    number of states."""
    lines = path.read_text().splitlines()
    turns, current = [], {}
    for k, line in enumerate(lines):
        m = re.match(r"postn (\d+) , 0 :", line)
        if m:
            current[int(m.group(1))] = [float(v) for v in lines[k + 1].split()]
        elif line.startswith("postn-ideal distance RMS"):
            turns.append(current)
            current = {}
    probs = [[float(v) for v in line.split(", prob :")[1].split()]
             for line in lines if ", prob :" in line]
    states = int(re.search(r"There were (\d+) states", path.read_text()).group(1))
    return turns, np.array(probs), states


@pytest.fixture(params=["numpy", "compiled"])
def arithmetic(request, monkeypatch):
    """Run each reference both through the numpy path and the numba kernels."""
    if request.param == "numpy":
        monkeypatch.setattr(core, "_KERNELS", None)
    else:
        _use_kernels(monkeypatch)
    return request.param


def _use_kernels(monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setattr(core, "NUMBA_FROM", 0)
    monkeypatch.setattr(core, "COMPILED_FROM", 0)
    assert core._compiled() is not None


@pytest.mark.parametrize("order", ["input", "canonical"])
@pytest.mark.parametrize(("csv_name", "log_name"), REFERENCE_RUNS)
def test_reproduces_ktab_reference_runs_turn_by_turn(shared_benchmarks, arithmetic, csv_name,
                                                     log_name, order):
    """Every actor's position on every dimension after every turn, the turn KTAB stopped at,
    and (in KTAB's actor order) the win probabilities of every state. In the canonical order
    the positions are the same; the win probabilities can differ where KTAB's grouping of
    positions closer than 0.1 takes the first listed actor's position (SMP-06)."""
    folder = shared_benchmarks / "ktab-smp"
    turns, probs, states = parse_reference(folder / log_name)
    scenario = load_scenario(folder / csv_name)
    run = SpatialModelOfPolitics(order=order).forecast(scenario).detail["run"]
    assert len(run.turns) == states - 1 == len(turns), "KTAB stopped after a different turn"
    assert run.stopped == "quiet"
    half = 0.5e-4 + 1e-9  # the logs print 4 decimals
    for t, (ours, ref) in enumerate(zip(run.turns, turns, strict=True), start=1):
        for i, position in enumerate(ours.positions):
            assert np.max(np.abs(np.array(position) - ref[i])) <= half, (
                f"turn {t}, actor {run.actors[i]}: {position} vs KTAB {ref[i]}")
    if order == "canonical":
        return
    ours = np.array([t.win_probabilities for t in run.turns] + [run.final_win_probabilities])
    assert ours.shape == probs.T.shape
    np.testing.assert_allclose(ours, probs.T, atol=half, rtol=0)


def test_registered_and_joint():
    assert MODELS["smp"] is SpatialModelOfPolitics
    assert SpatialModelOfPolitics.joint


def test_rebuilds_from_params_and_rejects_unknown_options():
    model = SpatialModelOfPolitics(interpolation="s2pmax", max_turns=5, order="input")
    assert type(model)(**model.get_params()).get_params() == model.get_params()
    with pytest.raises(ValueError, match="voting_rule='plurality'"):
        SpatialModelOfPolitics(voting_rule="plurality").forecast(load_scenario())
    with pytest.raises(ValueError, match="max_turns"):
        SpatialModelOfPolitics(max_turns=0).forecast(load_scenario())


def _two_issue_document():
    doc = minimal_document()
    doc["issues"].append({"id": "quota", "name": "Quota", "scale": {"min": 0.0, "max": 10.0}})
    doc["actors"].append({"id": "c", "name": "C", "capability": 1.5})
    doc["stances"]["a"]["quota"] = {"position": 2.0, "salience": 80.0}
    doc["stances"]["b"]["quota"] = {"position": 9.0, "salience": 30.0}
    doc["stances"]["c"] = {"tariff": {"position": 40.0, "salience": 60.0}}
    return doc


def test_joint_run_on_issue_scales_with_missing_stances():
    scenario = load_document(_two_issue_document())
    result = SpatialModelOfPolitics().forecast(scenario)
    run = result.detail["run"]
    assert run.issues == ("tariff", "quota") and run.actors == ("a", "b", "c")
    # b's saliences sum to 1.3 > 1: scaled to sum 1 (SMP-02); c has no quota stance: it sits
    # at the capability-weighted mean of a and b, 2 + 7 * 2 / 3 (SMP-03)
    assert run.start[2][1] == pytest.approx(2.0 + 7.0 * 2.0 / 3.0)
    for issue, (low, high) in {"tariff": (0, 100), "quota": (0, 10)}.items():
        value = result.value(issue)
        assert low <= value <= high
    values = [p for turn in run.turns for row in turn.positions for p in row]
    assert all(np.isfinite(values))
    assert result.value("quota") == pytest.approx(run.forecast[1])


def test_deterministic_and_every_option_runs():
    scenario = load_document(_two_issue_document())
    first = SpatialModelOfPolitics().forecast(scenario).values()
    assert SpatialModelOfPolitics().forecast(scenario).values() == first
    for option, choices in [("voting_rule", core.VOTING_RULES),
                            ("victory_model", core.VICTORY_MODELS),
                            ("pce_model", core.PCE_MODELS), ("risk_range", core.RISK_RANGES),
                            ("risk_adjust", core.RISK_ADJUSTS),
                            ("third_party", core.THIRD_PARTY),
                            ("interpolation", core.INTERPOLATIONS),
                            ("bargain_model", core.BARGAIN_MODELS),
                            ("outcome", ("most-probable", "expected"))]:
        for choice in choices:
            values = SpatialModelOfPolitics(**{option: choice}).forecast(scenario).values()
            assert all(v is not None and np.isfinite(v) for v in values.values()), (option, choice)
    drawn = [SpatialModelOfPolitics(state_transition="stochastic", seed=7).forecast(scenario)
             .values() for _ in range(2)]
    assert drawn[0] == drawn[1]


def _random_case(n: int, d: int, seed: int):
    """KTAB's randomSMP recipe: capabilities 10-200, saliences summing to 0.75-0.99."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10, 200, n)
    sal = rng.uniform(0.1, 1.0, (n, d))
    sal = sal / sal.sum(1, keepdims=True) * rng.uniform(0.75, 0.99, (n, 1))
    return rng.uniform(0, 1, (n, d)), sal, cap


OPTION_MIXES = [core.Options(),
                core.Options(third_party="full", risk_adjust="two-thirds"),
                core.Options(third_party="none", risk_adjust="full", voting_rule="cubic"),
                core.Options(voting_rule="asym-prospect", risk_adjust="none"),
                core.Options(voting_rule="binary", risk_adjust="half"),
                core.Options(voting_rule="prop-bin", third_party="none")]


@pytest.mark.parametrize(("n", "d"), [(2, 1), (5, 3), (13, 2), (40, 1), (97, 2)])
def test_numpy_challenges_and_coalitions_equal_the_kernels_bit_for_bit(n, d):
    """The numpy path does the kernels' operations in their order (SMP-14): the same bits,
    for every voting rule, third-party commitment and risk adjustment."""
    kernels = pytest.importorskip("grandbargain.models._smp_kernels")
    x, sal, cap = _random_case(n, d, seed=n)
    s = sal.sum(1)
    for opts in OPTION_MIXES:
        state = core.assess(x, sal, cap, opts)
        prob, gain = np.zeros((n, n)), np.full((n, n), -np.inf)
        kernels.challenges(state.dist, state.risk, s * cap, s,
                           core._RULE_CODES[opts.voting_rule],
                           core._THIRD_PARTY_CODES[opts.third_party],
                           core._ADJUST_CODES[opts.risk_adjust], prob, gain)
        p_np, g_np = core.challenges_numpy(state, s, cap, opts)
        assert np.array_equal(prob, p_np) and np.array_equal(gain, g_np), opts
        for u in (state.own, state.own[:, ::2], core.utility(state.dist, 0.0).T):
            want = kernels.coalitions(core._RULE_CODES[opts.voting_rule], cap,
                                      np.ascontiguousarray(u))
            assert np.array_equal(want, core.coalitions(opts.voting_rule, cap, u)), opts


@pytest.mark.parametrize(("n", "d", "seed"), [(7, 2, 1), (13, 2, 3), (30, 3, 4), (60, 1, 5)])
def test_numpy_and_compiled_runs_are_identical_turn_by_turn(monkeypatch, n, d, seed):
    """Whole runs through either arithmetic: the same positions, win probabilities and
    chosen bargains' probabilities after every turn, exactly."""
    pytest.importorskip("numba")
    x, sal, cap = _random_case(n, d, seed)
    for opts in [*OPTION_MIXES[:3], core.Options(bargain_model="power-weighted",
                                                 interpolation="s1p1")]:
        with monkeypatch.context() as numpy_only:
            numpy_only.setattr(core, "_KERNELS", None)
            numpy_run = core.simulate(x, sal, cap, opts)
        with monkeypatch.context() as compiled:
            _use_kernels(compiled)
            compiled_run = core.simulate(x, sal, cap, opts)
        assert len(numpy_run.turns) == len(compiled_run.turns), opts
        for ours, theirs in zip(numpy_run.turns, compiled_run.turns, strict=True):
            assert np.array_equal(ours.positions, theirs.positions), (opts, ours.number)
            assert np.array_equal(ours.win_probabilities, theirs.win_probabilities)
            assert ours.chosen == theirs.chosen
            assert ours.chosen_probability == theirs.chosen_probability
        assert np.array_equal(numpy_run.final_win_probabilities,
                              compiled_run.final_win_probabilities)


def test_queues_resolved_together_equal_one_queue_at_a_time():
    """The conditional PCE of every queue of one length at once gives each queue's
    probabilities exactly as `scalar_pce` on that queue alone."""
    cap = _random_case(30, 2, seed=9)[2]
    rng = np.random.default_rng(2)
    sq = rng.uniform(0.2, 0.9, 30)
    avg = rng.uniform(0.2, 0.9, (30, 25))
    queues = [sorted(rng.choice(25, size=k, replace=False).tolist()) for k in
              rng.integers(0, 5, 30)]
    for opts in [*OPTION_MIXES[:4], core.Options(victory_model="binary")]:
        together = core._queue_pces(opts, cap, sq, avg, queues)
        assert set(together) == {k for k, q in enumerate(queues) if q}
        for k, p in together.items():
            alone = core.scalar_pce(opts, cap, np.column_stack([sq] + [avg[:, b]
                                                                   for b in queues[k]]))
            assert np.array_equal(p, alone), (opts, k)


def test_numba_is_imported_only_where_it_pays():
    """A fresh process running an 80-actor SMP never imports numba (its start would cost more
    than the run); at NUMBA_FROM actors it does, and below it once the numpy path has done
    NUMPY_WORK_BUDGET actor-cubes in the process (many runs: draws, validation) (SMP-14)."""
    import subprocess
    import sys

    script = ("import sys, numpy as np\n"
              "from grandbargain.models import _smp_core as core\n"
              "n, runs, budget = map(int, sys.argv[1:])\n"
              "core.NUMPY_WORK_BUDGET = budget\n"
              "rng = np.random.default_rng(0)\n"
              "x, sal = rng.uniform(0, 1, (n, 1)), rng.uniform(0.1, 0.9, (n, 1))\n"
              "for _ in range(runs):\n"
              "    core.simulate(x, sal, rng.uniform(10, 200, n), core.Options(max_turns=1))\n"
              "print('numba' in sys.modules)\n")

    def imports_numba(n: int, runs: int = 1, budget: int = core.NUMPY_WORK_BUDGET) -> str:
        return subprocess.run([sys.executable, "-c", script, str(n), str(runs), str(budget)],
                              check=True, capture_output=True, text=True).stdout.strip()

    assert core.NUMBA_FROM > 80 and core.NUMPY_WORK_BUDGET > 80 ** 3 * 17  # a080's run
    assert imports_numba(80) == "False"
    pytest.importorskip("numba")
    assert imports_numba(core.NUMBA_FROM) == "True"
    budget = 3 * 40 ** 3
    assert imports_numba(40, runs=2, budget=budget) == "False"
    assert imports_numba(40, runs=4, budget=budget) == "True"
    assert imports_numba(core.COMPILED_FROM - 1, runs=4, budget=0) == "False"


def test_one_actor_with_salience_keeps_its_position_and_none_gives_no_forecast():
    doc = minimal_document()
    doc["stances"]["a"]["tariff"]["salience"] = 0.0
    result = SpatialModelOfPolitics().forecast(load_document(doc))
    assert result.value("tariff") == 80.0
    assert result.detail["run"].excluded == ("a",)
    doc["stances"]["b"]["tariff"]["salience"] = 0.0
    result = SpatialModelOfPolitics().forecast(load_document(doc))
    assert result.value("tariff") is None
    assert "no actor has both" in result.forecasts[0].detail["reason"]


def _cli(*args: str, code: int = 0) -> str:
    from typer.testing import CliRunner

    from grandbargain.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_rounds_cli_turn_by_turn_in_plain_words(shared_benchmarks):
    path = str(shared_benchmarks / "ktab-smp" / "SOE-Pol-Comp.csv")
    out = _cli("rounds", path, "--model", "smp")
    assert out.startswith("Forecast after 27 turns (one joint run over 2 issues")
    assert "XS accepts MOF's bargain: Policy 15.0 -> 42.9, Competitive 10.0 -> 38.8" in out
    zh = _cli("rounds", path, "--model", "smp", "--lang", "zh")
    assert "XS 接受 MOF 提出的協議：Policy 15.0 -> 42.9" in zh
    document = json.loads(_cli("rounds", path, "--model", "smp", "--format", "json"))
    assert document["turns_run"] == 27 and document["stopped"] == "quiet"
    assert document["turns"][1]["positions"]["XS"]["policy"] == pytest.approx(42.94)
    table = list(csv.reader(io.StringIO(_cli("rounds", path, "-m", "smp", "--format", "csv"))))
    assert table[0][:4] == ["turn", "actor", "issue", "position"]
    assert len(table) == 1 + 28 * 13 * 2
    limited = json.loads(_cli("rounds", path, "-m", "smp", "-n", "3", "--format", "json"))
    assert limited["turns_run"] == 3 and limited["stopped"] == "max-turns"
    _cli("rounds", path, "-m", "smp", "--issue", "nope", code=2)


@pytest.mark.parametrize("csv_name", ["SOE-Pol-Comp.csv", "dummyData_3Dim.csv",
                                      "dummyData-a040.csv"])
def test_same_final_positions_as_smpc_side_by_side(shared_benchmarks, csv_name):
    from ._ktab_reference import BUILD, run_smpc, smpc_path

    smpc = smpc_path()
    if smpc is None:
        pytest.skip(f"KTAB's smpc is not built here: {BUILD}")
    case = shared_benchmarks / "ktab-smp" / csv_name
    _, final = run_smpc(smpc, case)
    run = SpatialModelOfPolitics(order="input").forecast(load_scenario(case)).detail["run"]
    ours = [f"{v:.1f}" for row in run.turns[-1].positions for v in row]
    assert ours == [f"{v:.1f}" for row in final for v in row]


# smpc (lsyaseen/KTAB @ 3b5b0635, built -O3 by benchmarks/build_smpc.sh) on SOE-Policy.csv, the
# final position of every actor in the file's order as it printed them (one decimal; 2026-12-03).
# KTAB's defaults; InterVecBrgn S2PMax; BigRAdjust Half (the 2015 code's setting). SMP-11.
SMPC_SOE_POLICY = {
    (): (19, "38.7 41.0 38.6 38.9 38.7 38.7 38.9 38.0 39.2 38.5 38.6 38.7 38.9 15.8 17.5 16.9 "
             "38.7 37.9 38.7 38.6 38.0 38.8 37.0 38.9 39.1 36.9"),
    (("interpolation", "s2pmax"),): (
        19, "30.0 45.0 31.0 30.8 50.0 30.4 30.4 30.8 30.2 30.9 31.2 30.9 31.0 10.0 15.0 15.0 "
            "30.5 31.7 30.7 30.4 30.4 30.3 30.7 30.7 31.2 30.5"),
    (("risk_adjust", "half"),): (
        16, "37.6 36.3 37.0 36.7 36.4 36.8 37.3 36.0 37.9 36.8 36.7 36.8 36.7 12.3 17.2 16.7 "
            "36.7 36.9 37.5 37.9 36.7 36.7 36.0 37.9 36.6 36.6"),
}


@pytest.mark.parametrize("options", list(SMPC_SOE_POLICY), ids=["defaults", "s2pmax", "half"])
def test_soe_policy_ends_where_smpc_ends(shared_benchmarks, options):
    """SMP-11: on the validate case the published 30 came from, KTAB's own smpc with its
    defaults ends at 38.7 (XJ) and so does ours; only S2PMax bargains end at 30."""
    scenario = load_scenario(shared_benchmarks / "ktab-smp" / "SOE-Policy.csv")
    turns, finals = SMPC_SOE_POLICY[options]
    run = SpatialModelOfPolitics(**dict(options)).forecast(scenario).detail["run"]
    assert len(run.turns) == turns
    assert " ".join(f"{row[0]:.1f}" for row in run.turns[-1].positions) == finals


def test_soe_policy_turn_by_turn_with_smpc_side_by_side(shared_benchmarks):
    """Every turn of SOE-Policy.csv as smpc prints it, with KTAB's defaults and with S2PMax
    (its XML reader: the only way to give smpc model parameters)."""
    from ._ktab_reference import BUILD, run_smpc, smpc_path

    smpc = smpc_path()
    if smpc is None:
        pytest.skip(f"KTAB's smpc is not built here: {BUILD}")
    case = shared_benchmarks / "ktab-smp" / "SOE-Policy.csv"
    for options, parameters in (({}, {}), ({"interpolation": "s2pmax"},
                                           {"InterVecBrgn": "S2PMax"})):
        _, history = run_smpc(smpc, case, history=True, **parameters)
        run = SpatialModelOfPolitics(order="input", **options).forecast(
            load_scenario(case)).detail["run"]
        ours = [[f"{run.start[a][0]:.1f}"] + [f"{t.positions[a][0]:.1f}" for t in run.turns]
                for a in range(len(run.actors))]
        assert ours == [[f"{v:.1f}" for v in row] for row in history], options


def test_report_section_shows_the_turns_in_words_and_charts(shared_benchmarks):
    """The report's SMP section (report/_smp_section.py): the run's turns as `rounds` prints
    them, each accepted bargain in words (en/zh), one chart per issue with every actor's path;
    "not_run" without the SMP."""
    from grandbargain.models import MODELS
    from grandbargain.report._charts import build_charts
    from grandbargain.report._document import report_document

    scenario = load_scenario(shared_benchmarks / "ktab-smp" / "SOE-Pol-Comp.csv")
    result = SpatialModelOfPolitics().forecast(scenario)
    run = result.detail["run"]
    for lang, word in (("en", "moves on its bargain with"), ("zh", "依與")):
        doc = report_document(scenario, [result], lang)
        section = doc["sections"]["smp"]
        assert section["status"] == "ok"
        assert f"{len(run.turns)}" in section["bottom_line"]
        assert section["document"]["turns_run"] == len(run.turns) == 27
        first = section["turns_in_words"][0]
        assert len(first["bargains"]) == len(run.turns[0].accepted)
        assert any(word in text for text in first["bargains"])
        charts = {c.id: c for c in build_charts(doc) if c.id.startswith("smp-")}
        assert set(charts) == {"smp-policy", "smp-competitive"}
        path = charts["smp-policy"].marks[0]
        assert path.x == tuple(row[0] for row in (run.start[0], *[t.positions[0]
                                                                   for t in run.turns]))
        assert path.y == tuple(range(len(run.turns) + 1))
    other = report_document(scenario, [MODELS["median"]().forecast(scenario)], "en")
    assert other["sections"]["smp"]["status"] == "not_run"
    assert not [c for c in build_charts(other) if c.id.startswith("smp-")]
