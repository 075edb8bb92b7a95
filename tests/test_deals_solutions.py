"""Bargaining solutions and the ZOPA against their definitions, computed over every package."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grandbargain.deals import DealIssue, DealSpace, Option, Party, pareto_frontier, solve, zopa

from .deals_brute import enumerate_packages, spaces


def point_space(points, disagreement=(0.0, 0.0)) -> DealSpace:
    """One issue whose options are the given utility points."""
    return DealSpace((Party("a"), Party("b")),
                     (DealIssue("x", tuple(Option(f"o{k}") for k in range(len(points)))),),
                     (np.array(points, dtype=float),), np.array(disagreement, dtype=float))


def test_kalai_smorodinsky_is_max_min_not_the_smallest_gap():
    # Normalised gains: L = (0.40, 0.60) has the smaller gap |g1 - g2| (0.20 < 0.25), but
    # R = (0.70, 0.45) gives the worse-off party more (0.45 > 0.40): decision PD-004.
    space = point_space([(1.0, 0.0), (0.4, 0.6), (0.7, 0.45), (0.0, 1.0)])
    ks = solve(pareto_frontier(space))["kalai_smorodinsky"]
    assert ks.package == (2,)
    np.testing.assert_allclose(ks.gains, [0.7, 0.45])


def test_each_solution_follows_its_own_definition():
    # Party b can gain at most 0.5, party a 1.0, so normalising matters.
    points = [(1.0, 0.0), (0.9, 0.1), (0.6, 0.3), (0.35, 0.4), (0.0, 0.5), (0.55, 0.33)]
    found = solve(pareto_frontier(point_space(points)))
    assert found["nash"].package == (5,)               # 0.1815 > 0.18 (option 2)
    assert found["kalai_smorodinsky"].package == (2,)  # normalised (0.6, 0.6) beats (0.55, 0.66)
    assert found["egalitarian"].package == (3,)        # min gain 0.35
    assert found["utilitarian"].package == (1,)        # sum 1.0, tied with option 0: leximin
    assert found["utilitarian"].tied == 2


def test_no_solution_and_an_empty_zopa_when_no_package_beats_no_deal_for_everyone():
    space = point_space([(1.0, 0.0), (0.0, 1.0), (0.5, 0.5)], disagreement=(0.5, 0.5))
    frontier = pareto_frontier(space)
    assert all(s is None for s in solve(frontier).values())
    z = zopa(frontier)
    assert z.empty and z.packages == 0 and z.share == 0.0


def test_zopa_area_of_a_staircase():
    z = zopa(pareto_frontier(point_space([(2.0, 1.0), (1.0, 2.0), (0.5, 0.5)])))
    assert z.area == pytest.approx(3.0)
    assert z.packages == 2
    np.testing.assert_allclose(z.max_gain, [2.0, 2.0])
    np.testing.assert_allclose(z.min_gain, [1.0, 1.0])


def _definitions(space: DealSpace) -> dict[str, float]:
    """Optimal values of each solution's objective over every individually rational package."""
    _, u = enumerate_packages(space)
    gains = u - space.disagreement
    rational = gains[np.all(gains >= 0, axis=1)]
    reach = rational.max(axis=0)
    normalised = np.where(reach > 0, rational / np.where(reach > 0, reach, 1), 1.0)
    return {"nash": np.prod(rational, axis=1).max(),
            "kalai_smorodinsky": normalised.min(axis=1).max(),
            "egalitarian": rational.min(axis=1).max(),
            "utilitarian": rational.sum(axis=1).max()}


@settings(max_examples=200, deadline=None)
@given(spaces(), st.data())
def test_solutions_reach_the_optimum_over_all_packages(space, data):
    eighths = st.integers(0, 8).map(lambda v: v / 8)
    d = np.array(data.draw(st.lists(eighths, min_size=space.n_parties,
                                    max_size=space.n_parties)))
    space = DealSpace(space.parties, space.issues, space.values, d, space.rejected)
    frontier = pareto_frontier(space)
    found = solve(frontier)
    _, u = enumerate_packages(space)
    in_zopa = np.all(u - d > 0, axis=1) if len(u) else np.zeros(0, dtype=bool)
    if not in_zopa.any():
        assert all(s is None for s in found.values())
        return
    best = _definitions(space)
    for name, s in found.items():
        g = s.gains
        assert np.all(g >= -1e-12)
        np.testing.assert_array_equal(space.utilities([s.package])[0], s.utilities)
        value = {"nash": np.prod(g), "egalitarian": g.min(), "utilitarian": g.sum()}.get(name)
        if name == "kalai_smorodinsky":
            reach = np.array([best_gain for best_gain in
                              (u[np.all(u - d >= 0, axis=1)] - d).max(axis=0)])
            value = np.where(reach > 0, g / np.where(reach > 0, reach, 1), 1.0).min()
        assert value == pytest.approx(best[name], abs=1e-12), name


@settings(max_examples=150, deadline=None)
@given(spaces(), st.data())
def test_zopa_counts_match_brute_force(space, data):
    eighths = st.integers(0, 8).map(lambda v: v / 8)
    d = np.array(data.draw(st.lists(eighths, min_size=space.n_parties,
                                    max_size=space.n_parties)))
    space = DealSpace(space.parties, space.issues, space.values, d, space.rejected)
    frontier = pareto_frontier(space)
    z = zopa(frontier)
    packages, u = enumerate_packages(space)
    strictly = np.all(u - d > 0, axis=1) if len(u) else np.zeros(0, dtype=bool)
    if not packages:
        assert z.empty and z.share is None
        return
    assert z.share_exact and z.share == pytest.approx(strictly.mean())
    frontier_gains = frontier.utilities - d
    assert z.packages == int(np.all(frontier_gains > 0, axis=1).sum())
    assert z.empty == (not strictly.any())


def test_zopa_share_is_sampled_beyond_the_exact_limit_and_reproducible():
    rng = np.random.default_rng(3)
    space = DealSpace((Party("a"), Party("b")),
                      tuple(DealIssue(f"i{d}", tuple(Option(str(o)) for o in range(6)))
                            for d in range(7)),
                      tuple(rng.random((6, 2)) for _ in range(7)), np.array([3.2, 3.2]))
    frontier = pareto_frontier(space)
    exact = zopa(frontier)
    sampled = zopa(frontier, exact_limit=1000, sample=100_000, seed=5)
    again = zopa(frontier, exact_limit=1000, sample=100_000, seed=5)
    assert exact.share_exact and not sampled.share_exact and sampled.sampled == 100_000
    assert sampled.share == again.share
    error = np.sqrt(exact.share * (1 - exact.share) / 100_000)
    assert abs(sampled.share - exact.share) < 4 * error


def test_three_party_solutions():
    rng = np.random.default_rng(11)
    space = DealSpace(tuple(Party(x) for x in "abc"),
                      tuple(DealIssue(f"i{d}", tuple(Option(str(o)) for o in range(4)))
                            for d in range(5)),
                      tuple(rng.random((4, 3)) for _ in range(5)), np.full(3, 1.5))
    frontier = pareto_frontier(space)
    found = solve(frontier)
    _, u = enumerate_packages(space)
    gains = u - space.disagreement
    rational = gains[np.all(gains >= 0, axis=1)]
    assert np.prod(found["nash"].gains) == pytest.approx(np.prod(rational, axis=1).max())
    assert zopa(frontier).area is None
