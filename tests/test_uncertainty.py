"""Input draws, the batched model protocol, the Monte Carlo summaries and the ensemble."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import grandbargain.uncertainty as gu
from grandbargain.models import MODELS, CompromiseModel, Model, WeightedMedianModel
from grandbargain.models.median import weighted_median, weighted_median_draws
from grandbargain.scenario import ScenarioError, load_scenario
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import (
    Noise,
    base_inputs,
    draw_inputs,
    forecast_draws,
    parse_noise,
    point_forecasts,
    run_simulation,
    simulation,
    uncertainty_document,
)
from grandbargain.uncertainty._montecarlo import chunk_streams
from grandbargain.uncertainty._noise import noise_draws, range_draws
from grandbargain.uncertainty._summary import band_index, distribution_summary, ensemble

from .conftest import minimal_document

DEFAULT = load_scenario("us-china-2025-07")


def interior_scenario(ranges: bool = False):
    """Five actors well inside a 0-100 scale, so 5% noise is (almost) never truncated."""
    positions = [30.0, 40.0, 50.0, 60.0, 70.0]
    saliences = [20.0, 90.0, 50.0, 70.0, 35.0]
    doc = minimal_document()
    doc["actors"] = [{"id": f"a{k}", "name": f"A{k}", "capability": float(c)}
                     for k, c in enumerate([1, 3, 2, 5, 4])]
    doc["stances"] = {}
    for k, (x, s) in enumerate(zip(positions, saliences, strict=True)):
        stance = {"position": x, "salience": s}
        if ranges:
            stance.update({"low": x - 10.0 - k, "high": x + 5.0 + 2 * k})
        doc["stances"][f"a{k}"] = {"tariff": stance}
    return validate_document(doc, {}, "<test>")


def test_parse_noise_and_its_errors():
    noise = parse_noise("position=10, salience=15,capability=20", "uniform")
    assert (noise.position, noise.salience, noise.capability) == (10, 15, 20)
    assert noise.distribution == "uniform"
    assert parse_noise(None) == Noise()
    for bad, words in [("position", "NAME=PERCENT"), ("size=3", "NAME one of"),
                       ("position=ten", "not a number"), ("position=1,position=2", "twice"),
                       ("salience=150", "[0, 100]"), ("capability=-1", "[0, 100]")]:
        with pytest.raises(ScenarioError) as info:
            parse_noise(bad)
        assert words in str(info.value) and "--noise" in str(info.value)


@pytest.mark.parametrize("distribution", gu.DISTRIBUTIONS)
def test_draws_stay_within_the_scale_and_valid_ranges(distribution):
    noise = Noise(position=60, salience=80, capability=90, distribution=distribution)
    base = base_inputs(DEFAULT, noise)
    d = draw_inputs(base, noise, chunk_streams(7, 0), 2000)
    low = np.array([i.low for i in DEFAULT.issues])
    high = np.array([i.high for i in DEFAULT.issues])
    part = DEFAULT.takes_part
    x = d.positions[:, part]
    assert np.all((x >= np.broadcast_to(low, part.shape)[part])
                  & (x <= np.broadcast_to(high, part.shape)[part]))
    assert np.all(np.isnan(d.positions[:, ~part]))
    assert np.all((d.saliences >= 0) & (d.saliences <= 1))
    assert np.all(d.saliences[:, ~part] == 0)
    factor = d.capabilities / DEFAULT.capability_matrix
    assert np.all((factor >= 0) & (factor <= 2))
    # one factor per actor and draw: the same on every issue
    np.testing.assert_allclose(factor, np.broadcast_to(factor[:, :, :1], factor.shape))
    assert x.std() > 0 and d.saliences.std() > 0


@pytest.mark.parametrize("distribution", gu.DISTRIBUTIONS)
def test_stance_ranges_bound_the_positions(distribution):
    s = interior_scenario(ranges=True)
    noise = Noise(position=50, distribution=distribution)  # global noise does not apply
    d = draw_inputs(base_inputs(s, noise), noise, chunk_streams(1, 0), 4000)
    for k, stance in enumerate(s.stances):
        x = d.positions[:, k, 0]
        assert x.min() >= stance.low and x.max() <= stance.high
        assert x.max() - x.min() > 0.8 * (stance.high - stance.low)
    ignored = Noise(position=50, distribution=distribution, stance_ranges=False)
    assert not base_inputs(s, ignored).has_range.any()


def test_inverse_cdf_draws_follow_their_distributions():
    """Far from an end each shape is the symmetric one with the requested sd; near an end each
    side is the shape stretched to its room, and the mean stays the stated value (U-02)."""
    u = np.random.default_rng(3).random(20000)
    centre, sd = np.full(u.size, 50.0), np.full(u.size, 10.0)
    normal = noise_draws("normal", centre, sd, 0.0, 100.0, u)
    assert stats.kstest(normal, stats.truncnorm(-3, 3, loc=50, scale=10).cdf).pvalue > 1e-3
    uniform = noise_draws("uniform", centre, sd, 0.0, 100.0, u)
    span = np.sqrt(3) * 10
    assert stats.kstest(uniform, stats.uniform(50 - span, 2 * span).cdf).pvalue > 1e-3
    half = np.sqrt(6) * 10
    triangular = noise_draws("triangular", centre, sd, 0.0, 100.0, u)
    assert stats.kstest(triangular, stats.triang(0.5, loc=50 - half, scale=2 * half).cdf
                        ).pvalue > 1e-3
    # 5 above the scale's low end: uniform on [0, 5] with probability 17.3 / 22.3, else on
    # [5, 22.3]; mean 5 exactly
    near = noise_draws("uniform", np.full(u.size, 5.0), sd, 0.0, 100.0, u)
    on_left = span / (span + 5.0)
    expected = lambda v: np.where(v < 5, on_left * v / 5,  # noqa: E731
                                  on_left + (1 - on_left) * np.minimum(v - 5, span) / span)
    assert stats.kstest(near, expected).pvalue > 1e-3
    grid = (np.arange(100_000) + 0.5) / 100_000
    for distribution in gu.DISTRIBUTIONS:
        for value in (0.0, 2.0, 5.0, 30.0, 99.0, 100.0):
            x = noise_draws(distribution, np.full(grid.size, value), np.full(grid.size, 10.0),
                            0.0, 100.0, grid)
            assert abs(x.mean() - value) < 1e-6 and x.min() >= 0 and x.max() <= 100
        assert np.all(noise_draws(distribution, np.zeros(9), np.full(9, 30.0), 0.0, 100.0,
                                  grid[:9]) == 0.0)  # at the end: no room either way
        # a stance's own range [35, 55] around 40: every value in it reachable, mean 40
        ranged = range_draws(distribution, np.full(grid.size, 40.0), 35.0, 55.0, grid)
        assert abs(ranged.mean() - 40.0) < 1e-6
        assert ranged.min() < 35.1 and ranged.max() > 54.9
    skewed = range_draws("uniform", np.full(u.size, 40.0), 35.0, 55.0, u)
    assert abs((skewed < 40).mean() - 0.75) < 0.02  # 15 / 20 of the draws below the position


def test_each_quantity_has_its_own_stream():
    one = Noise(position=10)
    both = Noise(position=10, salience=20, capability=5)
    a = draw_inputs(base_inputs(DEFAULT, one), one, chunk_streams(5, 3), 50)
    b = draw_inputs(base_inputs(DEFAULT, both), both, chunk_streams(5, 3), 50)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.array_equal(a.saliences, b.saliences)


def test_zero_noise_every_draw_equals_the_point_forecast_for_every_model():
    # 4 draws in 2 chunks: the exchange model reruns its whole forecast per draw (slow)
    sim = simulation(DEFAULT, [cls() for cls in MODELS.values()], Noise(), 4, seed=3,
                     chunk_size=3)
    samples = run_simulation(sim)
    points = point_forecasts(sim)
    for name, values in samples.values.items():
        assert np.array_equal(values, np.broadcast_to(points[name], values.shape),
                              equal_nan=True), name


class WholeScenarioCompromise(Model):
    """A model with neither batched path: exercises the loop over rebuilt scenarios."""

    name = "whole"
    label = "compromise through forecast()"

    def __init__(self) -> None:
        pass

    def forecast(self, scenario):
        return CompromiseModel().forecast(scenario)


class WholeBatchCompromise(Model):
    """A model offering the whole-scenario batched path (draws, actors, issues)."""

    name = "whole-batch"
    label = "compromise over all issues at once"

    def __init__(self) -> None:
        pass

    def forecast(self, scenario):
        return CompromiseModel().forecast(scenario)

    def forecast_draws(self, scenario, positions, saliences, capabilities):
        weights = np.where(scenario.takes_part, capabilities * saliences, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(positions * weights, axis=1) / weights.sum(axis=1)
        return np.where(weights.sum(axis=1) > 0, mean, np.nan)


def test_a_model_can_offer_a_whole_scenario_batch():
    model = WholeBatchCompromise()
    assert gu.batch_path(model) == "batched"
    noise = Noise(position=15, salience=20, capability=25)
    d = draw_inputs(base_inputs(DEFAULT, noise), noise, chunk_streams(4, 0), 50)
    np.testing.assert_allclose(forecast_draws(model, DEFAULT, d),
                               forecast_draws(CompromiseModel(), DEFAULT, d), rtol=1e-12)
    sim = simulation(DEFAULT, [model], noise, 30, seed=1, chunk_size=7)
    assert run_simulation(sim).values["whole-batch"].shape == (30, len(DEFAULT.issues))


def test_every_path_gives_the_same_forecasts():
    noise = Noise(position=15, salience=20, capability=25)
    d = draw_inputs(base_inputs(DEFAULT, noise), noise, chunk_streams(11, 2), 60)
    for model in (CompromiseModel(), WeightedMedianModel()):
        batched = forecast_draws(model, DEFAULT, d)
        looped = forecast_draws(model, DEFAULT, d, batched=False)
        np.testing.assert_array_equal(batched, looped)
    whole = forecast_draws(WholeScenarioCompromise(), DEFAULT, d)
    # salience goes through 0-100 and back in a rebuilt scenario: equal up to rounding
    np.testing.assert_allclose(whole, forecast_draws(CompromiseModel(), DEFAULT, d), rtol=1e-12)
    assert gu.batch_path(WholeScenarioCompromise()) == "loop over draws"
    assert gu.batch_path(CompromiseModel()) == "batched per issue"
    zero = Noise()
    d0 = draw_inputs(base_inputs(DEFAULT, zero), zero, chunk_streams(11, 2), 3)
    rebuilt = gu.scenario_for_draw(DEFAULT, d0.positions[0], d0.saliences[0],
                                   d0.capabilities[0])
    for name in ("positions", "saliences", "capability_matrix", "capabilities"):
        np.testing.assert_array_equal(getattr(rebuilt, name), getattr(DEFAULT, name))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 10.0, 20.0, 25.0, 50.0]),
                          st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])), min_size=1, max_size=7))
def test_batched_weighted_median_equals_the_one_draw_median(rows):
    x = np.array([[p for p, _ in rows]])
    w = np.array([[v for _, v in rows]])
    got = weighted_median_draws(x, w)[0]
    if w.sum() == 0:
        assert np.isnan(got)
    else:
        assert got == weighted_median(x[0], w[0])


@pytest.mark.parametrize("distribution", gu.DISTRIBUTIONS)
def test_compromise_variance_matches_the_analytic_variance(distribution):
    """Position noise alone: Var(O) = sum_i (w_i / W)^2 sigma^2 (no end in reach; the normal
    is cut at 3 sd, which leaves 0.973 of its variance)."""
    s = interior_scenario()
    sigma = 5.0  # percent of a 0-100 scale, sd; positions are >= 6 sd from either end
    draws = 40_000
    sim = simulation(s, [CompromiseModel()], Noise(position=sigma, distribution=distribution),
                     draws, seed=2024)
    values = run_simulation(sim).values["compromise"][:, 0]
    _, sal, cap = s.issue_arrays("tariff")
    share = cap * sal / (cap * sal).sum()
    cut = stats.truncnorm(-3, 3).var() if distribution == "normal" else 1.0
    analytic = (share ** 2).sum() * sigma ** 2 * cut
    kurtosis = {"normal": 3.0, "uniform": 1.8, "triangular": 2.4}[distribution]
    standard_error = analytic * np.sqrt((kurtosis - 1) / draws)  # of a sample variance
    assert abs(values.var(ddof=1) - analytic) < 4 * standard_error
    point = CompromiseModel().forecast(s).value("tariff")
    assert abs(values.mean() - point) < 4 * np.sqrt(analytic / draws)


def test_compromise_variance_on_the_default_scenario_near_the_ends():
    """Near a scale's end each actor's variance is that of its shortened shape."""
    sigma = 10.0
    draws = 40_000
    sim = simulation(DEFAULT, [CompromiseModel()], Noise(position=sigma), draws, seed=99)
    values = run_simulation(sim).values["compromise"]
    grid = (np.arange(20_000) + 0.5) / 20_000
    for d, issue in enumerate(DEFAULT.issues):
        x, sal, cap = DEFAULT.issue_arrays(issue.id)
        sd = sigma / 100 * issue.width
        var = np.array([noise_draws("normal", np.full(grid.size, xi), np.full(grid.size, sd),
                                    issue.low, issue.high, grid).var() for xi in x])
        share = cap * sal / (cap * sal).sum()
        analytic = (share ** 2 * var).sum()
        assert abs(values[:, d].var(ddof=1) / analytic - 1) < 4 * np.sqrt(2 / draws) + 0.01


def test_same_seed_same_numbers_other_seed_other_numbers():
    models = [CompromiseModel(), WeightedMedianModel()]
    noise = Noise(position=10, salience=10, capability=10)
    a = run_simulation(simulation(DEFAULT, models, noise, 700, seed=1, chunk_size=100))
    b = run_simulation(simulation(DEFAULT, models, noise, 700, seed=1, chunk_size=100))
    c = run_simulation(simulation(DEFAULT, models, noise, 700, seed=2, chunk_size=100))
    for name in a.values:
        np.testing.assert_array_equal(a.values[name], b.values[name])
        assert not np.array_equal(a.values[name], c.values[name])
    # a chunk's draws depend on its index only: the first chunks of a longer run agree
    longer = run_simulation(simulation(DEFAULT, models, noise, 1000, seed=1, chunk_size=100))
    np.testing.assert_array_equal(longer.values["compromise"][:700], a.values["compromise"])


def test_bands_cut_at_midpoints_and_agree_with_the_nearest_anchor():
    issue = DEFAULT.issue("ai_chip_exports")  # anchors 0, 20, 35, 50, 70, 100
    np.testing.assert_array_equal(gu.band_edges(issue), [10, 27.5, 42.5, 60, 85])
    values = np.array([0, 10, 10.0001, 27.5, 42.6, 85, 99])
    np.testing.assert_array_equal(band_index(issue, values), [0, 0, 1, 1, 3, 4, 5])
    anchors = sorted(a.value for a in issue.anchors)
    for v in np.linspace(issue.low, issue.high, 401):
        assert anchors[band_index(issue, np.array([v]))[0]] == issue.nearest_anchor(v).value
    summary = distribution_summary(issue, np.array([5.0, 15.0, 36.0, 36.0, np.nan]))
    assert summary["defined"] == 0.8
    assert [b["p"] for b in summary["bands"]] == [0.25, 0.25, 0.5, 0.0, 0.0, 0.0]


def test_ensemble_weights_and_missing_forecasts():
    values = {"a": np.array([[1.0, np.nan]]), "b": np.array([[4.0, 8.0]])}
    np.testing.assert_array_equal(ensemble(values, {"a": 1, "b": 1}), [[2.5, 8.0]])
    np.testing.assert_array_equal(ensemble(values, {"a": 2, "b": 1}), [[2.0, 8.0]])
    np.testing.assert_array_equal(ensemble(values, {"a": 1, "b": 0}), [[1.0, np.nan]])
    with pytest.raises(ValueError, match="not run"):
        gu._summary.check_weights(["a", "b"], {"c": 1.0})
    with pytest.raises(ValueError, match="positive"):
        gu._summary.check_weights(["a", "b"], {"a": 0.0})


def test_document_reports_quantiles_bands_and_the_ensemble():
    models = [CompromiseModel(), WeightedMedianModel()]
    sim = simulation(DEFAULT, models, Noise(position=10, salience=15), 3000, seed=4)
    doc = uncertainty_document(sim, run_simulation(sim), {"compromise": 3, "median": 1})
    assert doc["ensemble"]["weights"] == {"compromise": 3.0, "median": 1.0}
    for issue in doc["issues"]:
        for name in ("compromise", "median", "ensemble"):
            f = issue["forecasts"][name]
            assert f["q05"] <= f["q25"] <= f["median"] <= f["q75"] <= f["q95"]
            assert issue["scale"][0] <= f["q05"] and f["q95"] <= issue["scale"][1]
            assert sum(b["p"] for b in f["bands"]) == pytest.approx(1.0)
        c, m = issue["forecasts"]["compromise"]["point"], issue["forecasts"]["median"]["point"]
        assert issue["forecasts"]["ensemble"]["point"] == pytest.approx(0.75 * c + 0.25 * m)


def test_simulation_rejects_bad_settings():
    with pytest.raises(ValueError, match="draws"):
        simulation(DEFAULT, [CompromiseModel()], Noise(), 0)
    with pytest.raises(ValueError, match="once"):
        simulation(DEFAULT, [CompromiseModel(), CompromiseModel()], Noise(), 10)
    with pytest.raises(ValueError, match="distribution"):
        Noise(distribution="cauchy")


def test_models_are_rebuilt_from_their_params():
    spec = gu.ModelSpec.of(CompromiseModel())
    assert type(spec.build()) is CompromiseModel
    assert spec.build().get_params() == CompromiseModel().get_params()


def test_public_api_is_pinned():
    assert set(gu.__all__) == {
        "DEFAULT_CHUNK_SIZE", "DISTRIBUTIONS", "ENSEMBLE", "QUANTILES", "BaseInputs",
        "DaskUnavailable", "DealOptions", "Draws", "DrawsModel", "IssueDrawsModel",
        "ModelSpec", "Noise", "Samples", "Simulation", "band_edges", "band_probabilities",
        "base_inputs", "batch_path", "chunk_streams", "dask_client", "deal_options",
        "deals_document", "draw_inputs", "ensemble", "forecast_draws", "nash_packages",
        "parse_noise", "point_forecasts", "run_chunk", "run_on_client", "run_simulation",
        "scenario_for_draw", "simulation", "uncertainty_document"}
    for name in gu.__all__:
        assert getattr(gu, name) is not None
