"""Genius XML and GeniusWeb JSON domains: reading them right, and the same frontier and Nash
outcome as NegMAS on every ANAC/GeniusWeb domain of ../shared/benchmarks/genius-domains except
`50issues` (non-linear utilities over 10^40 outcomes).

NegMAS 0.16 reads Genius XML evaluations without dividing them by each issue's maximum (the
Genius normalisation), and loses the reservation value of discounted profiles; the test builds
NegMAS's utility functions from NegMAS's own parse with those two things corrected.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from grandbargain.deals import pareto_frontier, read_domain, solve
from grandbargain.scenario import ScenarioError

DOMAINS = ["anac/y2010/EnglandZimbabwe", "anac/y2010/ItexvsCypress", "anac/y2010/Travel",
           "anac/y2011/Laptop", "anac/y2012/ItexvsCypressA", "anac/y2013/Laptop",
           "geniusweb/Fitness", "geniusweb/FlightBooking", "geniusweb/JapnTrip",
           "geniusweb/Party"]
OUTCOMES = {"anac/y2010/ItexvsCypress": 180, "anac/y2010/EnglandZimbabwe": 576,
            "anac/y2011/Laptop": 27, "anac/y2010/Travel": 188_160, "geniusweb/Party": 3_072}


@pytest.fixture
def genius(shared_benchmarks) -> Path:
    folder = shared_benchmarks / "genius-domains"
    if not folder.is_dir():
        pytest.skip(f"Genius domains absent: {folder} not found")
    return folder


@pytest.mark.external
@pytest.mark.parametrize("name", DOMAINS)
def test_domains_read_with_genius_normalisation(genius, name):
    space = read_domain(genius / name)
    assert space.n_parties == 2
    if name in OUTCOMES:
        assert space.n_packages == OUTCOMES[name]
    for table in space.values:
        assert np.all(table >= 0)
    best = np.sum([t.max(axis=0) for t in space.values], axis=0)
    if name.startswith("anac"):
        # Genius: each issue's best value scores its full weight, so the best package is worth
        # the sum of the weights (1, up to the files' rounding of the weights).
        np.testing.assert_allclose(best, 1.0, atol=1e-4)
    else:
        # GeniusWeb: value utilities as stated, in [0, 1].
        assert np.all(best <= 1.0 + 1e-12)


@pytest.mark.external
def test_itex_cypress_utilities_by_hand(genius):
    space = read_domain(genius / "anac/y2010/ItexvsCypress")
    cypress = space.party_index("ItexvsCypress_Cypress")
    price = space.values[0][:, cypress]
    # Price evaluations 1, 10, 25, 33, 40 divided by 40, weight 0.4700166576535899.
    np.testing.assert_allclose(price, 0.4700166576535899 * np.array([1, 10, 25, 33, 40]) / 40)
    package = [4, 3, 0, 0]  # $3.47, 20 days, upon delivery, full price: all Cypress's best
    assert space.utilities([package])[0, cypress] == pytest.approx(1.0)


@pytest.mark.external
def test_reservation_values(genius):
    assert read_domain(genius / "anac/y2010/Travel").disagreement.tolist() == [0.0, 0.0]
    assert read_domain(genius / "anac/y2013/Laptop").disagreement.tolist() == [0.5, 0.5]
    party = read_domain(genius / "geniusweb/Party")
    # party1's reservation bid: Handmade Food .51*.19 + Handmade Cocktails .672*.28 + Party
    # Tent .52*.19 + Custom, Printed .48*.05 + Band .35*.19 + Special Equiment .32*.10.
    expected = .51 * .19 + .672 * .28 + .52 * .19 + .48 * .05 + .35 * .19 + .32 * .10
    assert party.disagreement[0] == pytest.approx(expected)
    assert party.notes["format"] == "geniusweb-json"


@pytest.mark.external
def test_non_linear_domain_is_refused_clearly(genius):
    with pytest.raises(ScenarioError, match="only discrete issues"):
        read_domain(genius / "anac/y2014/50issues")


GOOD_XML_PROFILE = (
    '<utility_space><objective name="root"><issue index="1" name="Price" type="discrete">'
    '<item value="a" evaluation="1"/><item value="b" evaluation="2"/></issue>'
    '<weight index="1" value="1"/></objective></utility_space>')
GOOD_JSON_PROFILE = (
    '{"LinearAdditiveUtilitySpace": {"issueUtilities": {"x": {"discreteutils": '
    '{"valueUtilities": {"a": 1}}}}, "issueWeights": {"x": 1}}}')


def write_xml_domain(folder: Path) -> None:
    (folder / "d.xml").write_text(
        '<negotiation_template><utility_space><objective name="root">\n'
        '<issue name="Price" type="discrete"><item value="a"/><item value="b"/></issue>\n'
        "</objective></utility_space></negotiation_template>\n")


def test_a_folder_with_one_profile_is_not_a_negotiation(tmp_path):
    write_xml_domain(tmp_path)
    (tmp_path / "only.xml").write_text(GOOD_XML_PROFILE)
    with pytest.raises(ScenarioError) as caught:
        read_domain(tmp_path)
    problem = caught.value.problems[0]
    assert problem.location.file == str(tmp_path)
    assert "at least two parties" in problem.message and "1 profile(s) (only.xml)" in \
        problem.message and "add the other party's profile" in problem.message
    (tmp_path / "other.xml").write_text(GOOD_XML_PROFILE)
    assert read_domain(tmp_path).n_parties == 2
    json_folder = tmp_path / "web"
    json_folder.mkdir()
    (json_folder / "d.json").write_text('{"issuesValues": {"x": {"values": ["a"]}}}')
    (json_folder / "p.json").write_text(GOOD_JSON_PROFILE)
    with pytest.raises(ScenarioError, match=r"at least two parties.*1 profile\(s\) \(p.json\)"):
        read_domain(json_folder)
    (json_folder / "d2.json").write_text('{"issuesValues": {"x": {"values": ["a"]}}}')
    with pytest.raises(ScenarioError, match=r"exactly one domain file.*found 2 domain"):
        read_domain(json_folder)


def test_bad_files_name_the_file_and_line(tmp_path):
    write_xml_domain(tmp_path)
    (tmp_path / "q.xml").write_text(GOOD_XML_PROFILE)  # the second party, read after p.xml
    (tmp_path / "p.xml").write_text(
        '<utility_space><objective name="root">\n'
        '<issue index="1" name="Price" type="discrete">\n'
        '<item value="a" evaluation="2"/>\n<item value="b" evaluation="x"/>\n</issue>\n'
        '<weight index="1" value="1"/>\n</objective></utility_space>\n')
    with pytest.raises(ScenarioError) as caught:
        read_domain(tmp_path)
    problem = caught.value.problems[0]
    assert problem.location.file.endswith("p.xml") and problem.location.line == 4
    assert "evaluation='x' is not a number" in problem.message
    (tmp_path / "p.xml").write_text("<utility_space><objective>\n<issue name='Price'>\n")
    with pytest.raises(ScenarioError, match="not well-formed XML") as caught:
        read_domain(tmp_path)
    assert caught.value.problems[0].location.line == 3
    (tmp_path / "p.xml").write_text(
        '<utility_space><objective name="root"><issue index="1" name="Price" type="discrete">'
        '<item value="a" evaluation="2"/></issue><weight index="1" value="1"/></objective>'
        "</utility_space>")
    with pytest.raises(ScenarioError, match="no evaluation for value"):
        read_domain(tmp_path)


def test_bad_geniusweb_profile(tmp_path):
    (tmp_path / "d.json").write_text('{"name": "d", "issuesValues": {"x": {"values": ["a"]}}}')
    (tmp_path / "q.json").write_text(GOOD_JSON_PROFILE)
    (tmp_path / "p.json").write_text(
        '{"LinearAdditiveUtilitySpace": {"issueUtilities": {"x": {"discreteutils": '
        '{"valueUtilities": {"a": 1.5}}}}, "issueWeights": {"x": 1}}}')
    with pytest.raises(ScenarioError, match=r"utility must be a number in \[0, 1\]"):
        read_domain(tmp_path)
    (tmp_path / "p.json").write_text('{"LinearAdditiveUtilitySpace": ')
    with pytest.raises(ScenarioError, match="not valid JSON"):
        read_domain(tmp_path)
    with pytest.raises(ScenarioError, match="not a folder"):
        read_domain(tmp_path / "p.json")


# --- NegMAS side by side ----------------------------------------------------------------------

def negmas_ufuns(folder: Path):
    """NegMAS's utility functions for a domain folder, with its two Genius bugs corrected."""
    from negmas.inout import Scenario
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    scenario = Scenario.load(folder)
    fixed = []
    for ufun in scenario.ufuns:
        inner = getattr(ufun, "ufun", ufun)  # discounted profiles wrap the additive one
        profile = next(p for p in folder.iterdir() if p.stem == ufun.name)
        if profile.suffix == ".xml":
            # Genius divides each issue's evaluations by the issue's maximum; NegMAS 0.16 does
            # not. Its reservation value is on the normalised scale; NegMAS 0.16 drops it when
            # the profile has a discount factor.
            values = [TableFun({k: v / max(f.mapping.values()) for k, v in f.mapping.items()})
                      for f in inner.values]
            found = re.search(r'<reservation\s+value="([^"]+)"', profile.read_text())
            reserved = float(found.group(1)) if found else 0.0
        else:
            values, reserved = inner.values, ufun.reserved_value
        fixed.append(LinearAdditiveUtilityFunction(
            values=values, weights=inner.weights, outcome_space=scenario.outcome_space,
            reserved_value=reserved, name=ufun.name))
    return scenario.outcome_space, fixed


def same_points(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> bool:
    """Each point of a within tol of a point of b and vice versa."""
    def covered(x, y):
        return all(np.any(np.all(np.abs(y - p) <= tol, axis=1)) for p in x)
    return covered(a, b) and covered(b, a)


@pytest.mark.external
@pytest.mark.slow
@pytest.mark.parametrize("name", DOMAINS)
def test_same_frontier_and_nash_as_negmas(genius, name):
    pytest.importorskip("negmas", reason="negmas (test-only reference) not installed")
    from negmas.preferences import nash_points
    from negmas.preferences import pareto_frontier as negmas_frontier

    folder = genius / name
    outcome_space, ufuns = negmas_ufuns(folder)
    space = read_domain(folder)
    order = [space.party_index(u.name) for u in ufuns]
    reserved = np.array([u.reserved_value for u in ufuns])
    np.testing.assert_allclose(space.disagreement[order], reserved, atol=1e-12)

    theirs, their_index = negmas_frontier(ufuns, issues=outcome_space.issues)
    theirs = np.array(theirs)
    frontier = pareto_frontier(space)
    ours = frontier.utilities[:, order]
    # NegMAS keeps only the packages both parties accept (u >= reservation value).
    ours = ours[np.all(ours >= reserved - 1e-12, axis=1)]
    assert same_points(ours, theirs), (len(ours), len(theirs))

    # Nash with NegMAS's disagreement point: max(reservation, lowest utility) per party.
    outcomes = list(outcome_space.enumerate_or_sample())
    for ranges in (None, [(r, u.max()) for r, u in zip(reserved, ufuns, strict=True)]):
        found = nash_points(ufuns, tuple(map(tuple, theirs)), ranges=ranges,
                            outcome_space=outcome_space)
        assert found, "NegMAS found no Nash point"
        if ranges is None:
            lowest = np.array([min(u(o) for o in outcomes) for u in ufuns])
            d = np.maximum(reserved, lowest)
        else:
            d = reserved
        disagreement = np.empty(space.n_parties)
        disagreement[order] = d
        ours_nash = solve(frontier, disagreement, names=("nash",))["nash"]
        their_points = np.array([point for point, _ in found])
        assert np.any(np.all(np.abs(their_points - ours_nash.utilities[order]) <= 1e-9, axis=1))
        # The same package: NegMAS's outcome (one value per issue) is ours, or ties with it.
        outcome = tuple(space.issues[d_].options[o].label
                        for d_, o in enumerate(ours_nash.package))
        their_outcomes = [outcomes[int(their_index[k])] for _, k in found]
        for outcome_k, (_, k) in zip(their_outcomes, found, strict=True):
            np.testing.assert_allclose([float(u(outcome_k)) for u in ufuns], theirs[k])
        tied = np.all(np.abs(frontier.utilities - ours_nash.utilities) <= 1e-12, axis=1).sum()
        assert outcome in their_outcomes or tied > 1
