"""The exchange model side by side with PyPI `decide-exchange-model` 2022.1.28 on its own files.

The reference runs in a separate venv through `_decide_reference` (EX-11). Two kinds of runs:
- "deterministic": the reference with its two chance-driven spots made deterministic (ties go to
  the earliest-created exchange; an outcome within 1e-9 of a demander's position is at it), and
  grandbargain with the same rules (`tie_break="ordered", variant="decide"`): these must agree
  exchange by exchange, to 1e-9, for all 10 rounds, on the three files and on random cases;
- plain: the unmodified reference (coin-flip ties, seeded) against grandbargain's seeded ties: the
  exchanges before the first tie are identical, and over 10 rounds the seed-averaged forecasts
  agree within the tolerance stated below, in both variants (docs/decisions.md, EX-12).
"""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.models import _exchange_core as core
from grandbargain.models import run_exchange_model
from grandbargain.models.exchange import normalised_inputs
from grandbargain.scenario import load_scenario

from ._decide_reference import ReferenceUnavailable, reference_python, run_many

pytestmark = [pytest.mark.external, pytest.mark.slow]

FILES = ("sample_data.txt", "copenhagen.csv", "cop21.csv")
ROUNDS = 10
PLAIN_SEEDS = {"sample_data.txt": range(6), "copenhagen.csv": range(6), "cop21.csv": range(2)}
OUR_SEEDS = range(16)
# Tolerance for the plain comparison, in points of the 0-100 scale (EX-12): the mean over our
# 16 seeds against the mean over the reference's seeds (6, 6 and 2; cop21 costs ~15 s a run),
# per issue and round. The decide variant (the reference's rules, our seeded ties) measured
# (sample_data, copenhagen, cop21): 0.35, 1.06, 1.33 on average; 0.78, 1.97, 2.44 for the worst
# round; 1.9, 5.7, 9.1 for the worst issue and round.
MEAN_GAP = 2.0  # averaged over all issues and rounds
ROUND_GAP = 3.5  # averaged over the issues of any one round
ANY_GAP = 10.0  # any one issue in any one round
# The spec variant (the default) also departs from the reference's rules where they lean one
# way (EX-16, EX-17: the reference's signed "at most 100 in all" lets downward moves through):
# measured 1.29, 1.22, 2.30 on average; 2.50, 2.09, 2.94 for the worst round; 5.2, 6.7, 9.3 for
# the worst issue and round (the reference's own seed-to-seed gap: 1.00, 2.31, 1.60 on average).
SPEC_MEAN_GAP = 2.5


@pytest.fixture(scope="module")
def reference(shared_benchmarks_dir):
    """All reference runs this module needs, computed once, two subprocesses at a time."""
    try:
        python = reference_python()
    except ReferenceUnavailable as exc:
        pytest.skip(f"decide-exchange-model reference unavailable: {exc}")
    folder = shared_benchmarks_dir / "decide-exchange"
    jobs = [(folder / f, ROUNDS, [0], True) for f in FILES]
    jobs += [(folder / f, ROUNDS, list(PLAIN_SEEDS[f]), False) for f in FILES]
    results = run_many(python, jobs)
    runs = {("deterministic", f): results[n][0] for n, f in enumerate(FILES)}
    runs.update({("plain", f): results[len(FILES) + n] for n, f in enumerate(FILES)})
    return folder, runs


@pytest.fixture(scope="module")
def shared_benchmarks_dir():
    from .conftest import BENCHMARKS

    if not (BENCHMARKS / "decide-exchange").is_dir():
        pytest.skip(f"external benchmark cases absent: {BENCHMARKS / 'decide-exchange'} not found")
    return BENCHMARKS


def _ours(folder, name, **options):
    scenario = load_scenario(folder / name)
    x, s, c, _, _ = normalised_inputs(scenario)
    rng = np.random.default_rng(options.get("seed", 0)) if options.get("random") else None
    return scenario, core.run_rounds(x, s, c, ROUNDS, rng,
                                     decide=options.get("decide", True))


def _check_names(scenario, ref):
    assert len(ref["actors"]) == len(scenario.actors)
    assert len(ref["issues"]) == len(scenario.issues)
    for issue, (name, scale) in zip(scenario.issues, ref["issues"].items(), strict=True):
        assert (issue.low, issue.high) == (scale["low"], scale["high"]), name


def _exchange_rows(ref_round, actors, issues):
    """The reference's exchanges as our rows: (i, j, p, q) indices and the four positions."""
    out = []
    for e in ref_round["exchanges"]:
        i, j = e["i"], e["j"]
        out.append(((actors.index(i["actor"]), actors.index(j["actor"]),
                     issues.index(j["supply"]), issues.index(i["supply"])),
                    (i["from"], i["to"], j["from"], j["to"], e["gain"])))
    return out


def _assert_same_round(ours, ref_round, actors, issues, upto=None, where=""):
    theirs = _exchange_rows(ref_round, actors, issues)[:upto]
    mine = ours.exchanges[:upto]
    assert len(mine) == len(theirs), f"{where}: {len(mine)} exchanges, reference {len(theirs)}"
    for n, (row, (key, numbers)) in enumerate(zip(mine, theirs, strict=True)):
        assert (row.actor_i, row.actor_j, row.issue_p, row.issue_q) == key, f"{where} #{n + 1}"
        np.testing.assert_allclose([row.i_from, row.i_to, row.j_from, row.j_to, row.gain],
                                   numbers, rtol=0, atol=1e-9, err_msg=f"{where} #{n + 1}")


@pytest.mark.parametrize("name", FILES)
def test_initial_expected_outcomes_are_identical(reference, name):
    folder, runs = reference
    ref = runs[("deterministic", name)]
    scenario, rounds = _ours(folder, name)
    _check_names(scenario, ref)
    expected = [ref["rounds"][0]["start"][i] for i in ref["issues"]]
    np.testing.assert_allclose(rounds[0].start, expected, rtol=0, atol=1e-9)
    # and in issue units, through the public API
    run = run_exchange_model(scenario, rounds=1)
    for issue, value in zip(scenario.issues, expected, strict=True):
        assert run.initial[issue.id] == pytest.approx(issue.low + value * issue.width / 100,
                                                      abs=1e-9)


@pytest.mark.parametrize("name", FILES)
def test_first_round_is_identical_when_no_tie_is_broken_at_random(reference, name):
    folder, runs = reference
    ref = runs[("deterministic", name)]
    _, rounds = _ours(folder, name)
    actors, issues = ref["actors"], list(ref["issues"])
    _assert_same_round(rounds[0], ref["rounds"][0], actors, issues, where=f"{name} round 1")
    np.testing.assert_allclose(rounds[0].outcome,
                               [ref["rounds"][0]["outcome"][i] for i in issues], atol=1e-9)
    assert len(rounds[0].exchanges) > 20


@pytest.mark.parametrize("name", FILES)
def test_ten_rounds_are_identical_when_chance_is_taken_out(reference, name):
    folder, runs = reference
    ref = runs[("deterministic", name)]
    _, rounds = _ours(folder, name)
    actors, issues = ref["actors"], list(ref["issues"])
    for n, (mine, theirs) in enumerate(zip(rounds, ref["rounds"], strict=True), start=1):
        _assert_same_round(mine, theirs, actors, issues, where=f"{name} round {n}")
        np.testing.assert_allclose(mine.start, [theirs["start"][i] for i in issues], atol=1e-9)
        np.testing.assert_allclose(mine.outcome, [theirs["outcome"][i] for i in issues],
                                   atol=1e-9)


@pytest.mark.parametrize("name", FILES)
def test_unmodified_reference_agrees_until_its_first_random_tie(reference, name):
    folder, runs = reference
    ref = runs[("plain", name)][0]
    actors, issues = ref["actors"], list(ref["issues"])
    first_round = ref["rounds"][0]
    before_tie = sum(1 for e in first_round["exchanges"] if e["ties_so_far"] == 0)
    assert before_tie >= 1
    for decide in (True, False):
        _, rounds = _ours(folder, name, random=True, decide=decide)
        _assert_same_round(rounds[0], first_round, actors, issues, upto=before_tie,
                           where=f"{name} round 1 (decide={decide})")
        assert rounds[0].exchanges[before_tie].tied > 1  # we meet the same tie there


@pytest.mark.parametrize("variant", ["decide", "spec"])
@pytest.mark.parametrize("name", FILES)
def test_ten_rounds_agree_with_the_unmodified_reference_within_tolerance(reference, name,
                                                                         variant):
    folder, runs = reference
    refs = runs[("plain", name)]
    issues = list(refs[0]["issues"])
    theirs = np.array([[[r["outcome"][i] for i in issues] for r in ref["rounds"]]
                       for ref in refs]).mean(axis=0)
    scenario = load_scenario(folder / name)
    mine = np.array([[[(r.forecast[i.id] - i.low) * 100 / i.width for i in scenario.issues]
                      for r in run_exchange_model(scenario, ROUNDS, seed,
                                                  variant=variant).rounds]
                     for seed in OUR_SEEDS]).mean(axis=0)
    gap = np.abs(mine - theirs)
    assert gap.mean() <= (MEAN_GAP if variant == "decide" else SPEC_MEAN_GAP), gap.round(2)
    assert gap.mean(axis=1).max() <= ROUND_GAP, gap.round(2)
    assert gap.max() <= ANY_GAP, gap.round(2)
    # and the reference's own ties were really broken at random here
    assert sum(r["ties"] for ref in refs for r in ref["rounds"]) > 0


def _write_random_case(rng: np.random.Generator, path) -> None:
    """A random Decide file: 3-8 actors, 2-4 issues on assorted scales, power per stance, some
    stances missing, and sometimes a clone actor (to make ties)."""
    n, m = int(rng.integers(3, 9)), int(rng.integers(2, 5))
    scales = [((0.0, 100.0), (0.5, 7.0), (-10.0, 10.0))[int(rng.integers(3))] for _ in range(m)]
    x = rng.uniform(0, 1, (n, m)).round(3)
    s = rng.uniform(0.05, 1, (n, m)).round(2)
    c = rng.uniform(0.1, 1, (n, m)).round(2)
    if rng.random() < 0.5:
        x[1], s[1], c[1] = x[0], s[0], c[0]
    absent = rng.random((n, m)) < 0.1
    lines = [f"'#A'\t'a{a}'\t'a{a}'\t''" for a in range(n)]
    for d, (low, high) in enumerate(scales):
        lines += [f"'#P'\t'i{d}'\t'i{d}'\t''", f"'#M'\t'i{d}'\t{low}", f"'#M'\t'i{d}'\t{high}"]
    for a in range(n):
        for d, (low, high) in enumerate(scales):
            if not absent[a, d]:
                position = round(low + x[a, d] * (high - low), 4)
                lines.append(f"'#D'\t'a{a}'\t'i{d}'\t{position}\t{s[a, d]}\t{c[a, d]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_random_cases_match_exchange_by_exchange(reference, tmp_path):
    python = reference_python()
    rng = np.random.default_rng(20251)
    files = []
    for n in range(12):
        files.append(tmp_path / f"case{n}.csv")
        _write_random_case(rng, files[-1])
    results = run_many(python, [(f, 4, [0], True) for f in files])
    exchanges = 0
    for f, (ref,) in zip(files, results, strict=True):
        scenario, rounds = _ours(f.parent, f.name)
        _check_names(scenario, ref)
        actors, issues = ref["actors"], list(ref["issues"])
        for n, (mine, theirs) in enumerate(zip(rounds, ref["rounds"], strict=False), start=1):
            _assert_same_round(mine, theirs, actors, issues, where=f"{f.name} round {n}")
            np.testing.assert_allclose(mine.outcome, [theirs["outcome"][i] for i in issues],
                                       atol=1e-9)
            exchanges += len(mine.exchanges)
    assert exchanges > 50
