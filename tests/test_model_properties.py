"""One property suite that every model in MODELS runs (models added later get it too).

Random scenarios are built as YAML documents and validated like a user's file. Checked:
every forecast lies within its issue's scale; listing the actors in another order, or scaling
every capability by one constant, changes nothing; a unanimous position is forecast exactly;
the same model gives the same result twice (also when rebuilt from `get_params()`).
"""

from __future__ import annotations

import copy
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from grandbargain.models import MODELS
from grandbargain.scenario._schema import validate_document

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Positions from a coarse grid (so ties and symmetric layouts are common) or anywhere.
_unit = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
                  st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False))


@st.composite
def documents(draw, unanimous: bool = False) -> dict:
    n_issues = draw(st.integers(1, 2))
    n_actors = draw(st.integers(1, 7))
    issues = []
    for d in range(n_issues):
        low = draw(st.sampled_from([0.0, -10.0, 1.0]))
        width = draw(st.sampled_from([1.0, 10.0, 100.0]))
        issue = {"id": f"issue{d}", "name": f"Issue {d}",
                 "scale": {"min": low, "max": low + width}}
        if draw(st.booleans()):
            issue["status_quo"] = low + width * draw(_unit)
        issues.append(issue)
    actors = [{"id": f"a{k}", "name": f"A{k}",
               "capability": draw(st.sampled_from([1.0, 2.0, 0.3])
                                  | st.floats(0.01, 100.0, allow_subnormal=False))}
              for k in range(n_actors)]
    stances: dict = {}
    for issue in issues:
        low, high = issue["scale"]["min"], issue["scale"]["max"]
        shared = low + (high - low) * draw(_unit)
        for actor in actors:
            if n_actors > 1 and draw(st.integers(0, 5)) == 0:
                continue  # this actor takes no part in this issue
            position = shared if unanimous else low + (high - low) * draw(_unit)
            salience = draw(st.sampled_from([0.0, 50.0, 100.0]) | st.floats(0.0, 100.0))
            stances.setdefault(actor["id"], {})[issue["id"]] = {
                "position": min(max(position, low), high), "salience": salience}
    return {"scenario": {"id": "prop", "title": "Property scenario"}, "issues": issues,
            "actors": actors, "stances": stances}


def scenario(doc: dict):
    return validate_document(doc, {}, "<test>")


def close(a: float | None, b: float | None, width: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * width)


def model_classes():
    return [pytest.param(cls, id=name) for name, cls in MODELS.items()]


@pytest.mark.parametrize("cls", model_classes())
@FAST
@given(doc=documents())
def test_forecasts_lie_within_the_scale(cls, doc):
    s = scenario(doc)
    for forecast in cls().forecast(s).forecasts:
        issue = s.issue(forecast.issue)
        assert forecast.value is None or issue.low <= forecast.value <= issue.high


# eu-scholz settles exact ties by the order of the input file, as the replication does (EU-09,
# EU-16): checked below for depending on the listing order through those ties only (EU-20).
LISTING_ORDER_EXEMPT = {"eu-scholz": "the replication settles exact ties by file order"}


def _shuffled(doc: dict, seed: int) -> dict:
    order = random.Random(seed).sample(range(len(doc["actors"])), len(doc["actors"]))
    shuffled = copy.deepcopy(doc)
    shuffled["actors"] = [doc["actors"][k] for k in order]
    shuffled["stances"] = dict(reversed(list(doc["stances"].items())))
    return shuffled


def _same_forecasts(cls, doc: dict, seed: int) -> None:
    s, t = scenario(doc), scenario(_shuffled(doc, seed))
    a, b = cls().forecast(s), cls().forecast(t)
    for issue in s.issues:
        assert close(a.value(issue.id), b.value(issue.id), issue.width), issue.id


@pytest.mark.parametrize("cls", [p for p in model_classes() if p.id not in LISTING_ORDER_EXEMPT])
@FAST
@given(doc=documents(), seed=st.integers(0, 2**32 - 1))
def test_listing_order_of_actors_changes_nothing(cls, doc, seed):
    _same_forecasts(cls, doc, seed)


# Found by HYPOTHESIS_PROFILE=explore (reported by the smp2 helper): two equally strong actors
# at 0 and 0.25 tie on the median; eu-scholz's walk keeps the first listed (EU-09).
FILE_ORDER_TIE = {
    "scenario": {"id": "prop", "title": "Property scenario"},
    "issues": [{"id": "issue0", "name": "Issue 0", "scale": {"min": 0.0, "max": 1.0}}],
    "actors": [{"id": "a0", "name": "A0", "capability": 1.0},
               {"id": "a1", "name": "A1", "capability": 1.0}],
    "stances": {"a0": {"issue0": {"position": 0.0, "salience": 100.0}},
                "a1": {"issue0": {"position": 0.25, "salience": 100.0}}}}


def test_eu_scholz_settles_an_exact_tie_by_file_order():
    cls = MODELS["eu-scholz"]
    swapped = copy.deepcopy(FILE_ORDER_TIE)
    swapped["actors"].reverse()
    assert cls().forecast(scenario(FILE_ORDER_TIE)).value("issue0") == 0.0
    assert cls().forecast(scenario(swapped)).value("issue0") == 0.25


@FAST
@example(doc=FILE_ORDER_TIE, seed=0)  # lists a1 first
@given(doc=documents(), seed=st.integers(0, 2**32 - 1))
def test_eu_scholz_depends_on_the_listing_order_only_through_its_ties(doc, seed):
    # With the file order replaced by an order of the actor ids, nothing else may depend on it.
    from grandbargain.models import expected_utility

    def id_places(order, actors):
        return np.argsort(np.argsort(np.array(actors, dtype=object)[order], kind="stable"))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(expected_utility, "file_places", id_places)
        _same_forecasts(MODELS["eu-scholz"], doc, seed)


# smp: KTAB adds absolute floors to capability-weighted votes (1e-8 in every coalition, 1e-10
# in every contest), so multiplying every capability changes their weight and can move a run;
# shown by test_smp_depends_on_the_capability_scale_only_through_ktabs_floors (SMP-12).
@pytest.mark.parametrize("cls", [p for p in model_classes() if p.id != "smp"])
@FAST
@given(doc=documents(), factor=st.sampled_from([0.5, 2.0, 8.0, 1024.0, 2.0 ** -10]))
def test_scaling_every_capability_changes_nothing(cls, doc, factor):
    # Powers of two keep the floating-point arithmetic exact, so discontinuous models (which
    # offer wins) are compared on the same footing; the maths is invariant to any factor.
    scaled = copy.deepcopy(doc)
    for actor in scaled["actors"]:
        actor["capability"] *= factor
    s, t = scenario(doc), scenario(scaled)
    a, b = cls().forecast(s), cls().forecast(t)
    for issue in s.issues:
        assert close(a.value(issue.id), b.value(issue.id), issue.width), issue.id


@pytest.mark.parametrize("cls", model_classes())
@FAST
@given(doc=documents(unanimous=True))
def test_a_unanimous_position_is_forecast(cls, doc):
    s = scenario(doc)
    result = cls().forecast(s)
    for issue in s.issues:
        x, sal, _ = s.issue_arrays(issue.id)
        value = result.value(issue.id)
        if x.size == 0 or sal.sum() == 0:
            continue  # nothing to forecast (or no weight): the model may say None
        assert value is not None and close(value, float(x[0]), issue.width)


@pytest.mark.parametrize("cls", model_classes())
@FAST
@given(doc=documents())
def test_forecasts_are_deterministic(cls, doc):
    s = scenario(doc)
    model = cls()
    first = model.forecast(s)
    again = model.forecast(s)
    rebuilt = type(model)(**model.get_params()).forecast(s)
    assert first.values() == again.values() == rebuilt.values()
    assert first.params == rebuilt.params


# ---- no directional bias: reflecting every position reflects the forecast -------------------

GRID = 32  # positions on a grid of 1/32 of the scale, so that x -> min + max - x is exact


def _snap(value: float, low: float, width: float) -> float:
    return low + width * round((value - low) / width * GRID) / GRID


def mirrored(doc: dict) -> tuple[dict, dict]:
    """The document with every position (and status quo) on the grid, and its reflection."""
    snapped, mirror = copy.deepcopy(doc), copy.deepcopy(doc)
    for original, flipped in zip(snapped["issues"], mirror["issues"], strict=True):
        low, high = original["scale"]["min"], original["scale"]["max"]
        if "status_quo" in original:
            original["status_quo"] = _snap(original["status_quo"], low, high - low)
            flipped["status_quo"] = low + high - original["status_quo"]
    scales = {i["id"]: (i["scale"]["min"], i["scale"]["max"]) for i in doc["issues"]}
    for actor, stances in snapped["stances"].items():
        for issue_id, stance in stances.items():
            low, high = scales[issue_id]
            stance["position"] = _snap(stance["position"], low, high - low)
            mirror["stances"][actor][issue_id]["position"] = low + high - stance["position"]
    return snapped, mirror


# eu-scholz reproduces the replication (EU-07): among compromises it takes the one whose
# |EU|-weighted average position is smallest, which leans low by construction, so it is checked
# for its lean (test below) instead of its absence.
MIRROR_EXEMPT = {"eu-scholz": "reproduces the replication's 'smallest average' compromise rule",
                 # SMP-12: the readout's leans (first of tied or grouped positions, low in
                 # the canonical order) and KTAB's round-half-up are fixed and tested below;
                 # what remains is KTAB's choice among exactly equally probable bargains in
                 # a queue, the first listed, or where the tie is only exact up to the last
                 # bit, whichever the rounding favours: common on this test's 1/32 grid.
                 "smp": "KTAB takes the first of equally probable bargains (SMP-12)"}


@pytest.mark.parametrize("cls", [pytest.param(cls, id=name) for name, cls in MODELS.items()
                                 if name not in MIRROR_EXEMPT])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_reflecting_every_position_reflects_the_forecast(cls, doc):
    snapped, mirror = mirrored(doc)
    s, t = scenario(snapped), scenario(mirror)
    a, b = cls().forecast(s), cls().forecast(t)
    for issue in s.issues:
        value, reflected = a.value(issue.id), b.value(issue.id)
        expected = None if value is None else issue.low + issue.high - value
        assert close(reflected, expected, issue.width), issue.id


KNIFE_EDGE = {
    "scenario": {"id": "prop", "title": "Property scenario"},
    "issues": [{"id": f"issue{k}", "name": f"Issue {k}", "scale": {"min": 0.0, "max": 1.0}}
               for k in range(2)],
    "actors": [{"id": f"a{k}", "name": f"A{k}", "capability": 1.0} for k in range(6)],
    "stances": {"a3": {"issue0": {"position": 0.0, "salience": 50.0},
                       "issue1": {"position": 0.5, "salience": 1.0}},
                "a5": {"issue0": {"position": 0.25, "salience": 50.0},
                       "issue1": {"position": 0.0, "salience": 50.0}},
                "a0": {"issue1": {"position": 1.0, "salience": 50.0}}}}


def test_exchange_mirror_on_the_knife_edge():
    # Found by the mirror property: a3 sits exactly at issue1's weighted mean (0.5). It counted
    # as below the mean on both sides of the mirror, so the a3-a5 exchange was found on the
    # mirrored scenario only (0.125 vs 1 - 0.8758). At the mean it now lies on both sides
    # (EX-16), and the exchange is found on both.
    snapped, mirror = mirrored(KNIFE_EDGE)
    a = MODELS["exchange"]().forecast(scenario(snapped))
    b = MODELS["exchange"]().forecast(scenario(mirror))
    for issue in scenario(snapped).issues:
        assert close(b.value(issue.id), 1.0 - a.value(issue.id), 1.0), issue.id
    assert a.value("issue0") != 0.125  # the a3-a5 exchange moved issue0 off its start


# Found by HYPOTHESIS_PROFILE=explore (3,000 examples) after the knife edge was fixed: the
# reference's "moves at most 100 in all" sums the moves with their sign, so downward moves never
# reach it; here a4's second trade on issue0 (25.46 after 75 computed earlier) was made going
# down and refused going up. The spec variant limits the size of the sum (EX-17).
HUNDRED_LIMIT = {
    "scenario": {"id": "prop", "title": "Property scenario"},
    "issues": [{"id": f"issue{k}", "name": f"Issue {k}", "scale": {"min": 0.0, "max": 1.0}}
               for k in range(2)],
    "actors": [{"id": "a1", "name": "A1", "capability": 1.0},
               {"id": "a2", "name": "A2", "capability": 0.4350382066567101},
               {"id": "a4", "name": "A4", "capability": 1.0}],
    "stances": {"a1": {"issue0": {"position": 0.0, "salience": 50.0},
                       "issue1": {"position": 0.0, "salience": 100.0}},
                "a2": {"issue0": {"position": 0.0, "salience": 100.0},
                       "issue1": {"position": 0.0, "salience": 50.0}},
                "a4": {"issue0": {"position": 0.75, "salience": 6.0},
                       "issue1": {"position": 0.25, "salience": 50.0}}}}


def test_exchange_mirror_under_the_hundred_limit():
    snapped, mirror = mirrored(HUNDRED_LIMIT)
    a = MODELS["exchange"]().forecast(scenario(snapped))
    b = MODELS["exchange"]().forecast(scenario(mirror))
    for issue in scenario(snapped).issues:
        assert close(b.value(issue.id), 1.0 - a.value(issue.id), 1.0), issue.id
    # the reference's signed limit (the decide variant) still leans: in round 1 the trade goes
    # down only (0 against 1 - 0.9846 on issue0)
    c = MODELS["exchange"](variant="decide", rounds=1).forecast(scenario(snapped))
    d = MODELS["exchange"](variant="decide", rounds=1).forecast(scenario(mirror))
    assert not close(d.value("issue0"), 1.0 - c.value("issue0"), 1.0)


def test_the_four_actor_tie_no_longer_leans_low():
    # Issue 11: equally strong actors at 10 and 50 who care much, two at 30 who care little;
    # the middle pair gets equally good offers to move down and up. The old rule took the
    # lower position and moved the round-1 median from 30 to 10 (50 on the mirrored scale).
    doc = {"scenario": {"id": "tie", "title": "Tie"},
           "issues": [{"id": "x", "name": "X", "scale": {"min": 10.0, "max": 50.0}}],
           "actors": [{"id": k, "name": k, "capability": 1.0} for k in "abcd"],
           "stances": {k: {"x": {"position": p, "salience": v}}
                       for k, p, v in zip("abcd", (10.0, 30.0, 30.0, 50.0), (90.0, 30.0, 30.0,
                                                                                90.0),
                                          strict=True)}}
    snapped, mirror = mirrored(doc)
    assert snapped == doc
    first = MODELS["eu"](rounds=1).forecast(scenario(doc)).detail["runs"]["x"].rounds[0]
    assert first.median == 30.0 and first.positions[1:3] == (30.0, 30.0)  # pulled both ways
    for name in ("eu", "median", "compromise"):
        value = MODELS[name]().forecast(scenario(doc)).value("x")
        assert MODELS[name]().forecast(scenario(mirror)).value("x") == 60.0 - value, name


def test_scholz_variant_leans_as_the_replication_does():
    # EU-07: the replication's compromise rule prefers the smallest weighted average, so
    # reflecting the scale does not reflect its forecast on the published case.
    from .conftest import BENCHMARKS

    path = BENCHMARKS / "bdm-1994-emission-standards" / "actors.csv"
    if not path.is_file():
        pytest.skip(f"external benchmark cases absent: {path} not found")
    from grandbargain.scenario import load_scenario
    from grandbargain.scenario._export import scenario_to_document

    doc = scenario_to_document(load_scenario(path))
    _, mirror = mirrored(doc)
    value = MODELS["eu-scholz"](rounds=8).forecast(scenario(doc)).value("issue")
    flipped = MODELS["eu-scholz"](rounds=8).forecast(scenario(mirror)).value("issue")
    assert not close(flipped, 4.0 + 10.0 - value, 6.0)


# ---- smp (KTAB): what the two exemptions above rest on (SMP-12) -----------------------------

def _smp_doc(stances: dict, capabilities: dict) -> dict:
    return {"scenario": {"id": "smp", "title": "SMP"},
            "issues": [{"id": i, "name": i, "scale": {"min": 0.0, "max": 1.0}}
                       for i in ("issue0", "issue1")],
            "actors": [{"id": a, "name": a, "capability": c} for a, c in capabilities.items()],
            "stances": {a: {i: {"position": p, "salience": v} for i, (p, v) in by.items()}
                        for a, by in stances.items()}}


def test_smp_depends_on_the_capability_scale_only_through_ktabs_floors(monkeypatch):
    # Found by the scaling property: doubling every capability moves the forecast by one
    # rounding step (0.1678 -> 0.1679). KTAB's coalitions start at 1e-8 and its contests at
    # 1e-10 whatever the capabilities; scaled with them, the run is exactly the same.
    from grandbargain.models import _smp_core as core

    doc = _smp_doc({"a0": {"issue0": (0.75, 100.0)}, "a1": {"issue1": (0.0, 50.0)},
                    "a3": {"issue0": (0.0, 50.0)}, "a4": {"issue0": (0.0, 100.0)},
                    "a5": {"issue0": (0.25, 50.0), "issue1": (0.0, 1.0)}},
                   {"a0": 1.0, "a1": 1.0, "a2": 1.0, "a3": 1.0, "a4": 1.0, "a5": 0.3})
    scaled = copy.deepcopy(doc)
    for actor in scaled["actors"]:
        actor["capability"] *= 2.0
    smp = MODELS["smp"]
    value = smp().forecast(scenario(doc)).value("issue0")
    assert smp().forecast(scenario(scaled)).value("issue0") != value  # KTAB's run moves
    monkeypatch.setattr(core, "MIN_COALITION", 2.0 * core.MIN_COALITION)
    monkeypatch.setattr(core, "MIN_CONTEST", 2.0 * core.MIN_CONTEST)
    assert smp().forecast(scenario(scaled)).value("issue0") == value


@pytest.mark.parametrize(("stances", "capabilities"), [
    # two equally strong actors who never move: KTAB's winning probabilities tie (0.5, 0.5)
    ({"a4": {"issue1": (0.0, 50.0)}, "a5": {"issue1": (0.25, 50.0)}}, {"a4": 1.0, "a5": 1.0}),
    # the two final positions are closer than KTAB's tolerance: one group, listed under the
    # first actor's position
    ({"a0": {"issue1": (0.0, 20.0)}, "a1": {"issue1": (0.5, 100.0)}}, {"a0": 1.0, "a1": 6.0}),
    # a bargain at an exact half of KTAB's 4-decimal step (0.28125)
    ({"a0": {"issue1": (0.0, 50.0)}, "a2": {"issue0": (0.28125, 0.0), "issue1": (0.25, 50.0)}},
     {"a0": 1.0, "a1": 1.0, "a2": 2.0}),
])
def test_smp_readout_and_rounding_do_not_lean(stances, capabilities):
    # Found by the reflection property (each case leaned low before SMP-12).
    snapped, mirror = mirrored(_smp_doc(stances, capabilities))
    a = MODELS["smp"]().forecast(scenario(snapped))
    b = MODELS["smp"]().forecast(scenario(mirror))
    for issue in ("issue0", "issue1"):
        value = a.value(issue)
        expected = None if value is None else 1.0 - value
        assert close(b.value(issue), expected, 1.0), issue
