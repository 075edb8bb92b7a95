"""The frontier against brute force: every package of small random domains enumerated.

Utilities are multiples of 1/8 (exact in binary floating point), drawn from a few values so that
ties are common; red lines rule out random options; 2 and 3 parties.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grandbargain.deals import (
    DealIssue,
    DealSpace,
    Exclusion,
    FrontierTooLarge,
    Option,
    Party,
    pareto_frontier,
)
from grandbargain.deals._pareto import nondominated

from .deals_brute import brute_force_frontier, dominated, spaces


def check_against_brute_force(space: DealSpace) -> None:
    frontier = pareto_frontier(space)
    expected, every = brute_force_frontier(space)
    # No frontier point is dominated by any feasible package of the enumeration.
    for u in frontier.utilities:
        assert not dominated(u, every)
    # No non-dominated package of the enumeration is missing (ties kept: same package set).
    assert {tuple(int(o) for o in p) for p in frontier.packages} == expected
    assert len(frontier) == len(expected)
    # The stored utilities are those of the decoded packages; all are feasible.
    np.testing.assert_array_equal(frontier.utilities, space.utilities(frontier.packages))
    assert space.feasible(frontier.packages).all()


@settings(max_examples=300, deadline=None)
@given(spaces())
def test_frontier_equals_brute_force_with_ties_and_red_lines(space):
    check_against_brute_force(space)


@settings(max_examples=150, deadline=None)
@given(spaces(parties=(4, 5), max_issues=4, max_options=4))
def test_four_and_five_party_frontiers_equal_brute_force(space):
    check_against_brute_force(space)


@settings(max_examples=150, deadline=None)
@given(spaces(parties=(2, 3, 4), max_issues=5, max_options=3, non_additive=True))
def test_non_additive_terms_fall_back_to_exact_chunked_enumeration(space):
    check_against_brute_force(space)


@settings(max_examples=150, deadline=None)
@given(spaces())
def test_ties_one_keeps_the_same_utility_set_with_one_package_each(space):
    frontier = pareto_frontier(space, ties="one")
    expected, _ = brute_force_frontier(space)
    expected_utilities = {tuple(u) for u in space.utilities(sorted(expected))} if expected \
        else set()
    got = [tuple(u) for u in frontier.utilities]
    assert len(got) == len(set(got))
    assert set(got) == expected_utilities
    assert {tuple(int(o) for o in p) for p in frontier.packages} <= expected


@settings(max_examples=100, deadline=None)
@given(spaces(parties=(2, 3), red_lines=False), st.integers(0, 2**32 - 1))
def test_float_utilities_match_brute_force_within_rounding(space, seed):
    rng = np.random.default_rng(seed)
    space = DealSpace(space.parties, space.issues,
                      tuple(rng.random(t.shape) for t in space.values), np.zeros(space.n_parties))
    frontier = pareto_frontier(space)
    expected, every = brute_force_frontier(space)
    for u in frontier.utilities:
        assert not np.any(np.all(every >= u + 1e-12, axis=1))
    for package in expected:
        u = space.utilities([package])[0]
        assert np.any(np.all(np.abs(frontier.utilities - u) <= 1e-12, axis=1))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5), st.integers(0, 400), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_the_maxima_filter_equals_pairwise_comparison(n_parties, n, spread, seed):
    # Few distinct values, so that ties on one or several parties and identical rows are
    # common; sizes reach past the pairwise cut-off so the divide and conquer runs.
    rng = np.random.default_rng(seed)
    points = rng.integers(-spread, spread + 1, (n, n_parties)).astype(np.int64)
    expected = [not dominated(p, points) for p in points]
    assert nondominated(points).tolist() == expected


def test_the_three_party_sweep_in_bounded_chunks(monkeypatch):
    import grandbargain.deals._pareto as pareto

    monkeypatch.setattr(pareto, "_LEAVES_AT_ONCE", 2)  # many chunks of leaves
    rng = np.random.default_rng(11)
    points = rng.integers(0, 5, (700, 3)).astype(np.int64)
    assert nondominated(points).tolist() == [not dominated(p, points) for p in points]


def test_the_maxima_filter_on_a_large_three_and_four_party_front():
    rng = np.random.default_rng(3)
    for n_parties in (3, 4):
        direction = rng.random((3000, n_parties)) + 0.01
        points = np.rint(1e6 * direction / np.linalg.norm(direction, axis=1)[:, None])
        points = np.concatenate([points, points[:50], points[:200] - 1]).astype(np.int64)
        keep = nondominated(points)
        for i in rng.choice(len(points), 300, replace=False):
            assert keep[i] == (not dominated(points[i], points))
        assert keep[:50].tolist() == keep[3000:3050].tolist()  # identical rows: same fate
        assert not keep[3050:].any()  # one less on every party than a row of the front


def test_single_party_frontier_is_its_best_packages():
    space = DealSpace((Party("a"),), (DealIssue("x", (Option("0"), Option("1"), Option("2"))),
                                      DealIssue("y", (Option("0"), Option("1")))),
                      (np.array([[1.0], [3.0], [3.0]]), np.array([[2.0], [0.0]])), np.zeros(1))
    frontier = pareto_frontier(space)
    assert sorted(map(tuple, frontier.packages.tolist())) == [(1, 0), (2, 0)]
    assert frontier.utilities[:, 0].tolist() == [5.0, 5.0]


def test_a_red_line_on_every_option_leaves_no_deal():
    space = DealSpace((Party("a"), Party("b")),
                      (DealIssue("x", (Option("0"), Option("1"))),),
                      (np.array([[1.0, 0.0], [0.0, 1.0]]),), np.zeros(2),
                      rejected=(np.array([[True, False], [False, True]]),))
    frontier = pareto_frontier(space)
    assert len(frontier) == 0
    assert frontier.packages.shape == (0, 1)


def test_frontier_is_sorted_by_first_party_and_never_enumerates_the_product_space():
    rng = np.random.default_rng(7)
    n_issues, n_options = 30, 10  # 10**30 packages
    space = DealSpace((Party("a"), Party("b")),
                      tuple(DealIssue(f"i{d}", tuple(Option(str(o)) for o in range(n_options)))
                            for d in range(n_issues)),
                      tuple(rng.random((n_options, 2)) for _ in range(n_issues)), np.zeros(2))
    frontier = pareto_frontier(space)
    u = frontier.utilities
    assert np.all(np.diff(u[:, 0]) <= 0) and np.all(np.diff(u[:, 1]) >= 0)
    np.testing.assert_allclose(space.utilities(frontier.packages), u, atol=1e-12)
    assert frontier.memory_bytes < 2_000_000


def test_limits_raise_clear_errors():
    rng = np.random.default_rng(1)
    space = DealSpace((Party("a"), Party("b")),
                      tuple(DealIssue(f"i{d}", tuple(Option(str(o)) for o in range(8)))
                            for d in range(6)),
                      tuple(rng.random((8, 2)) for _ in range(6)), np.zeros(2))
    with pytest.raises(FrontierTooLarge, match="limit"):
        pareto_frontier(space, max_points=3)
    with pytest.raises(ValueError, match="ties"):
        pareto_frontier(space, ties="some")


def test_deal_space_checks_its_shapes():
    issue = DealIssue("x", (Option("0"), Option("1")))
    with pytest.raises(ValueError, match="shape"):
        DealSpace((Party("a"),), (issue,), (np.zeros((3, 1)),), np.zeros(1))
    with pytest.raises(ValueError, match="disagreement"):
        DealSpace((Party("a"),), (issue,), (np.zeros((2, 1)),), np.zeros(2))
    with pytest.raises(ValueError, match="unknown issue"):
        DealSpace((Party("a"),), (issue,), (np.zeros((2, 1)),), np.zeros(1),
                  exclusions=(Exclusion({3: {0}}),))
