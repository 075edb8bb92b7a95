"""The Nash bargaining solution against cases solved by hand (models.md section 3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grandbargain.models import NashModel, nash_solution
from grandbargain.scenario._schema import validate_document


def solve(x, w, d, loss="linear"):
    x = np.array(x, float)
    return nash_solution(x, np.array(w, float), np.abs(d - x), loss)[0]


def scenario(positions, saliences, capabilities, status_quo=None, low=0.0, high=10.0):
    names = [f"a{k}" for k in range(len(positions))]
    issue = {"id": "i", "name": "I", "scale": {"min": low, "max": high}}
    if status_quo is not None:
        issue["status_quo"] = status_quo
    doc = {
        "scenario": {"id": "n", "title": "N"},
        "issues": [issue],
        "actors": [{"id": a, "name": a, "capability": c}
                   for a, c in zip(names, capabilities, strict=True)],
        "stances": {a: {"i": {"position": x, "salience": s}}
                    for a, x, s in zip(names, positions, saliences, strict=True)},
    }
    return validate_document(doc, {}, "<test>")


def test_two_actors_symmetric():
    # d = 0, ideals 4 and 10: gains 4 - |x - 4| and x on [0, 8]; on [4, 8] the product
    # (8 - x) x falls, on [0, 4] x * x rises: the nearer actor gets its ideal point.
    assert solve([4, 10], [1, 1], 0) == 4.0


def test_two_actors_asymmetric():
    # maximise (8 - x) x^3 on [4, 8]: -x^3 + 3 x^2 (8 - x) = 0 -> x = 6.
    assert solve([4, 10], [1, 3], 0) == pytest.approx(6.0, abs=1e-12)


def test_three_actors_symmetric_and_asymmetric():
    # d = 0, ideals 2, 5, 9: feasible [0, 4]; on [2, 4]: (4 - x) x x -> x = 8/3.
    assert solve([2, 5, 9], [1, 1, 1], 0) == pytest.approx(8 / 3, abs=1e-12)
    # weights 1, 2, 3: (4 - x) x^5 -> 5 (4 - x) = x -> x = 10/3.
    assert solve([2, 5, 9], [1, 2, 3], 0) == pytest.approx(10 / 3, abs=1e-12)
    # weights 2, 1, 1: the slope is 0 just right of the kink at 2, so the kink is the answer.
    assert solve([2, 5, 9], [2, 1, 1], 0) == 2.0


def test_quadratic_loss():
    # gains x (8 - x) and x (20 - x): 2/x = 1/(8 - x) + 1/(20 - x) -> x^2 - 21 x + 80 = 0.
    assert solve([4, 10], [1, 1], 0, "quadratic") == pytest.approx(5.0, abs=1e-12)


def test_nothing_improves_on_the_status_quo():
    assert solve([2, 8], [1, 1], 5) is None  # any move hurts one of them
    s = scenario([2, 8, 6], [50, 50, 50], [1, 1, 1], status_quo=5.0)
    forecast = NashModel().forecast(s).forecasts[0]
    assert forecast.value == 5.0 and "no point improves" in forecast.detail["reason"]
    # an actor sitting at the status quo blocks every move
    assert solve([3, 9, 5], [1, 1, 1], 5) is None


def test_model_uses_capability_times_salience_and_the_status_quo():
    s = scenario([4, 10], [50, 100], [2, 3], status_quo=0.0)  # weights 1 and 3
    assert NashModel().forecast(s).value("i") == pytest.approx(6.0, abs=1e-12)
    assert NashModel(weights="symmetric").forecast(s).value("i") == 4.0
    assert NashModel(loss="quadratic", weights="symmetric").forecast(s).value("i") == \
        pytest.approx(5.0, abs=1e-12)


def test_missing_status_quo_options():
    s = scenario([2, 5, 9], [100, 100, 100], [1, 1, 1])  # scale 0-10, no status quo
    # "worst": D_i = max(x_i - 0, 10 - x_i) = 8, 5, 9 -> gains on [2, 5]: (10 - x), x, x
    # (actor 0 falls past 2, the others rise): -1/(10 - x) + 2/x = 0 -> x = 20/3 > 5, so on
    # [5, 9]: -1/(10 - x) - 1/(10 - x) + 1/x = 0 -> x = 10/3 < 5: the kink at 5 is the answer.
    assert NashModel().forecast(s).value("i") == 5.0
    assert NashModel(no_status_quo="mean").forecast(s).value("i") == pytest.approx(16 / 3)
    skipped = NashModel(no_status_quo="skip").forecast(s).forecasts[0]
    assert skipped.value is None and "no status quo" in skipped.detail["reason"]


def test_bad_option_is_named():
    s = scenario([2, 5], [50, 50], [1, 1], status_quo=0.0)
    with pytest.raises(ValueError, match="loss='cubic'"):
        NashModel(loss="cubic").forecast(s)


# Points on a 0.001 grid: at 1e-12 from another point the test's own objective (D_i - |v - x_i|)
# loses every digit to cancellation and could not judge the solver.
_point = st.floats(0, 10).map(lambda v: round(v, 3))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_point, st.floats(0.1, 5)), min_size=1, max_size=6), _point,
       st.sampled_from(["linear", "quadratic"]))
def test_solution_beats_every_point_of_a_fine_grid(actors, d, loss):
    x = np.array([a[0] for a in actors])
    w = np.array([a[1] for a in actors])
    reference = np.abs(d - x)
    value, feasible = nash_solution(x, w, reference, loss)
    if value is None:
        return
    low, high = feasible

    def objective(v):
        gain = reference - np.abs(v - x) if loss == "linear" else reference ** 2 - (v - x) ** 2
        with np.errstate(divide="ignore"):
            return float((w * np.log(np.maximum(gain, 0.0))).sum())

    assert low <= value <= high
    grid = np.linspace(low, high, 2001)
    best = max(objective(v) for v in grid)
    assert objective(value) >= best - 1e-9
