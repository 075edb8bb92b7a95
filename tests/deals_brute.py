"""Small random deal spaces (hypothesis) and brute-force enumeration, for the deals tests."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from grandbargain.deals import DealIssue, DealSpace, Exclusion, Interaction, Option, Party


@st.composite
def spaces(draw, parties=(2, 3), max_issues=4, max_options=4, red_lines=True,
           non_additive=False):
    n_parties = draw(st.sampled_from(parties))
    n_issues = draw(st.integers(1, max_issues))
    sizes = [draw(st.integers(1, max_options)) for _ in range(n_issues)]
    eighths = st.integers(0, 4).map(lambda v: v / 8)
    values = [np.array(draw(st.lists(st.lists(eighths, min_size=n_parties, max_size=n_parties),
                                     min_size=k, max_size=k))) for k in sizes]
    if red_lines:
        one_in_four = st.integers(0, 3).map(lambda v: v == 0)
        rejected = [np.array(draw(st.lists(st.lists(one_in_four, min_size=n_parties,
                                                    max_size=n_parties), min_size=k,
                                           max_size=k))) for k in sizes]
    else:
        rejected = [np.zeros((k, n_parties), dtype=bool) for k in sizes]
    interactions, exclusions = (), ()
    if non_additive and n_issues >= 2:
        def condition():
            issues = draw(st.lists(st.integers(0, n_issues - 1), min_size=1, max_size=2,
                                   unique=True))
            return {d: frozenset(draw(st.lists(st.integers(0, sizes[d] - 1), min_size=1,
                                               max_size=2, unique=True))) for d in issues}
        interactions = tuple(Interaction(draw(st.integers(0, n_parties - 1)), condition(),
                                         draw(st.integers(-3, 3)) / 8)
                             for _ in range(draw(st.integers(0, 2))))
        exclusions = tuple(Exclusion(condition()) for _ in range(draw(st.integers(0, 1))))
    return DealSpace(
        parties=tuple(Party(f"p{p}") for p in range(n_parties)),
        issues=tuple(DealIssue(f"i{d}", tuple(Option(f"o{o}") for o in range(k)))
                     for d, k in enumerate(sizes)),
        values=tuple(values), rejected=tuple(rejected), disagreement=np.zeros(n_parties),
        interactions=interactions, exclusions=exclusions)


def enumerate_packages(space: DealSpace) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Every feasible package and its utilities, with plain Python loops."""
    packages, utilities = [], []
    for package in itertools.product(*(range(len(i.options)) for i in space.issues)):
        if any(space.rejected[d][o].any() for d, o in enumerate(package)):
            continue
        if any(all(package[d] in opts for d, opts in e.when.items()) for e in space.exclusions):
            continue
        u = [sum(space.values[d][o][p] for d, o in enumerate(package))
             for p in range(space.n_parties)]
        for term in space.interactions:
            if all(package[d] in opts for d, opts in term.when.items()):
                u[term.party] += term.value
        packages.append(package)
        utilities.append(u)
    return packages, np.array(utilities).reshape(-1, space.n_parties)


def dominated(point: np.ndarray, others: np.ndarray) -> bool:
    return bool(np.any(np.all(others >= point, axis=1) & np.any(others > point, axis=1)))


def brute_force_frontier(space: DealSpace) -> tuple[set, np.ndarray]:
    packages, utilities = enumerate_packages(space)
    keep = [i for i in range(len(packages)) if not dominated(utilities[i], utilities)]
    return {packages[i] for i in keep}, utilities
