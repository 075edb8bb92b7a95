"""grandbargain.negotiate: the protocol, the strategies, deadlines and the command.

The protocol's match with NegMAS on the ANAC domains is in tests/test_negotiate_negmas.py."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.deals import DealIssue, DealSpace, Option, Party
from grandbargain.negotiate import (
    AcceptConstant,
    AcceptNext,
    AcceptTime,
    BestResponse,
    Deadline,
    Hardliner,
    TimeDependent,
    TitForTat,
    build_arena,
    frequency_model,
    negotiate,
    parse_deadline,
    parse_strategy,
    target_utility,
    tournament,
)
from grandbargain.negotiate._strategies import TOURNAMENT_FIELD, with_band

runner = CliRunner()


def space(values_a, values_b, reserve=(0.0, 0.0)) -> DealSpace:
    """Two parties, issues given as per-option utilities of A and of B."""
    issues, tables = [], []
    for d, (a, b) in enumerate(zip(values_a, values_b, strict=True)):
        issues.append(DealIssue(f"i{d}", tuple(Option(f"o{k}") for k in range(len(a)))))
        tables.append(np.column_stack([a, b]).astype(float))
    return DealSpace(parties=(Party("a", "A"), Party("b", "B")), issues=tuple(issues),
                     values=tuple(tables), disagreement=np.array(reserve, dtype=float))


# Two issues of five options: A wants option 0, B option 4, on both; issue 0 weighs 0.6 for A.
LINE = np.linspace(1, 0, 5)
TWO = space([0.6 * LINE, 0.4 * LINE], [0.4 * LINE[::-1], 0.6 * LINE[::-1]])


def test_arena_enumerates_and_sorts_every_package():
    arena = build_arena(TWO)
    assert arena.n_packages == 25
    np.testing.assert_allclose(arena.utilities, TWO.utilities(arena.options(np.arange(25))))
    for p in range(2):
        np.testing.assert_allclose(arena.sorted_utility[p], np.sort(arena.utilities[:, p]))
    assert arena.best.tolist() == [1.0, 1.0]
    assert arena.package_id((2, 3)) == 2 * 5 + 3
    assert tuple(arena.options(13)) == (2, 3)


def test_time_dependent_target_and_offer_by_hand():
    arena = build_arena(TWO)
    # floor 0, best 1: target = 1 - t^(1/e)
    assert target_utility(arena, 0, 0.5, 1.0) == pytest.approx(0.5)
    assert target_utility(arena, 0, 0.5, 0.25) == pytest.approx(1 - 0.5 ** 4)
    assert target_utility(arena, 0, 0.5, 4.0) == pytest.approx(1 - 0.5 ** 0.25)
    linear = TimeDependent(1.0)
    offer = linear.offer(arena, 0, 0.5, 0, [], [])
    u = arena.utilities[:, 0]
    # the least package worth at least 0.5 - 1e-4 to A
    assert u[offer] == pytest.approx(u[u >= 0.5 - 1e-4].min())


def test_tie_rule_prefers_the_other_side_then_rotates():
    # A is indifferent between the options of issue 0; B prefers option 2 there.
    tied = space([[0.5, 0.5, 0.5], [0.5, 0.0]], [[0.0, 0.2, 0.4], [0.0, 0.0]])
    arena = build_arena(tied)
    best_for_b = Hardliner().offer(arena, 0, 0.1, 0, [], [])
    assert tuple(arena.options(best_for_b)) == (2, 0)
    # Packages equal for both parties are offered in turn, not always the first.
    same = space([[0.5, 0.5], [1.0]], [[0.3, 0.3], [0.0]])
    arena = build_arena(same)
    picks = {Hardliner().offer(arena, 0, 0.1, turn, [], []) for turn in range(4)}
    assert picks == {0, 1}


def test_boulware_meets_conceder_and_the_conceder_gives_more():
    arena = build_arena(TWO)
    result = negotiate(arena, [parse_strategy("boulware"), parse_strategy("conceder")], 20)
    assert result.agreed and 1 <= result.round <= 20
    assert result.utilities[0] > result.utilities[1]
    # the mirror: who concedes late wins, whoever opens
    mirror = negotiate(arena, [parse_strategy("conceder"), parse_strategy("boulware")], 20)
    assert mirror.agreed and mirror.utilities[1] > mirror.utilities[0]
    # the closing acceptance follows the last offer, by the other party
    assert result.accepted_by != int(result.proposers[-1])
    np.testing.assert_allclose(result.utilities, arena.utilities[result.agreement])


def test_protocol_by_hand_round_and_time():
    """Linear against linear on the line: each offers the least package worth 1 - t."""
    arena = build_arena(TWO)
    T = 9
    result = negotiate(arena, [TimeDependent(1.0), TimeDependent(1.0)], T)
    u = arena.utilities
    for k, (offer, p, r) in enumerate(zip(result.offers, result.proposers, result.offer_rounds,
                                          strict=True)):
        t = r / (T + 1)
        level = 1 - t - 1e-4
        assert u[offer, p] == pytest.approx(u[u[:, p] >= level, p].min()), k
    # accepted the first time an offer is worth what the responder would offer next
    closer = result.accepted_by
    t = result.round / (T + 1)
    assert u[result.agreement, closer] >= u[u[:, closer] >= 1 - t - 1e-4, closer].min()


def test_hardliners_never_agree_and_get_their_reservation_value():
    arena = build_arena(space([0.6 * LINE, 0.4 * LINE], [0.4 * LINE[::-1], 0.6 * LINE[::-1]],
                              reserve=(0.2, 0.3)))
    result = negotiate(arena, [Hardliner(), Hardliner()], 10)
    assert not result.agreed and result.round is None
    assert result.utilities.tolist() == [0.2, 0.3]
    assert len(result.offers) == 20 and result.moves == 20
    # one who accepts anything above its reservation value takes the hardliner's best at once,
    # unless that is below its reservation value (here 0.3 > 0 for B)
    result = negotiate(build_arena(TWO), [Hardliner(), TimeDependent(4.0, AcceptTime(0.0))], 10)
    assert result.agreed and result.round == 1 and result.utilities[0] == pytest.approx(1.0)
    result = negotiate(arena, [Hardliner(), TimeDependent(4.0, AcceptTime(0.0))], 10)
    assert not result.agreed


def test_acceptance_rules():
    assert AcceptNext().accepts(0.6, 0.6, 0.1, 0.0)
    assert not AcceptNext().accepts(0.59, 0.6, 0.1, 0.0)
    assert not AcceptNext().accepts(0.6, 0.5, 0.1, 0.7)  # never below the reservation value
    assert AcceptConstant(0.5).accepts(0.5, 0.9, 0.0, 0.0)
    assert not AcceptConstant(0.5).accepts(0.49, 0.1, 0.9, 0.0)
    assert AcceptTime(0.8).accepts(0.3, 0.9, 0.8, 0.2)
    assert not AcceptTime(0.8).accepts(0.3, 0.9, 0.7, 0.2)


def test_discount_applies_to_realised_utility():
    arena = build_arena(TWO)
    plain = negotiate(arena, [TimeDependent(1.0), TimeDependent(1.0)], 9)
    discounted = negotiate(arena, [TimeDependent(1.0), TimeDependent(1.0)], 9, discount=0.5)
    assert discounted.agreement == plain.agreement
    np.testing.assert_allclose(discounted.discounted, plain.utilities * 0.5 ** plain.time)
    with pytest.raises(ValueError, match="discount"):
        negotiate(arena, [Hardliner(), Hardliner()], 9, discount=1.5)


def test_tit_for_tat_mirrors_the_other_sides_concession():
    arena = build_arena(TWO)
    result = negotiate(arena, [TitForTat(), TimeDependent(1.0)], 12)
    u = arena.utilities
    mine = result.offers[result.proposers == 0]
    theirs = result.offers[result.proposers == 1]
    assert u[mine[0], 0] == 1.0
    # its k-th offer gives up (in its own utility) what the other's last step gained it
    for k in range(2, len(mine)):
        gained = u[theirs[k - 1], 0] - u[theirs[k - 2], 0]
        level = u[mine[k - 1], 0] - gained - 1e-4
        expected = u[u[:, 0] >= min(max(level, 0.0), 1.0), 0].min()
        assert u[mine[k], 0] == pytest.approx(expected)
    # two tit-for-tats open at their best and never move
    stuck = negotiate(arena, [TitForTat(), TitForTat()], 12)
    assert not stuck.agreed


def test_frequency_model_and_best_response():
    arena = build_arena(TWO)
    offers = [arena.package_id((4, 4)), arena.package_id((4, 3)), arena.package_id((4, 4))]
    tables = frequency_model(arena, offers)
    # issue 0 never changed: weight (1 + 2) / (3 + 1); option 4 the only one offered
    assert tables[0][4] == pytest.approx(0.75) and tables[0][:4].sum() == 0
    assert tables[1][4] == pytest.approx(0.25) and tables[1][3] == pytest.approx(0.125)
    result = negotiate(arena, [BestResponse(), TimeDependent(0.25)], 20)
    assert result.agreed
    with_br = result.utilities[0]
    plain = negotiate(arena, [TimeDependent(1.0), TimeDependent(0.25)], 20).utilities[0]
    assert with_br >= plain - 1e-12


def test_band_offers_the_nicest_package_near_the_target():
    arena = build_arena(TWO)
    nice = with_band(TimeDependent(1.0), 0.2)
    plain = TimeDependent(1.0)
    a, b = nice.offer(arena, 0, 0.5, 0, [], []), plain.offer(arena, 0, 0.5, 0, [], [])
    u = arena.utilities
    assert 0.5 - 1e-4 <= u[a, 0] <= 0.7 and u[a, 1] >= u[b, 1]
    window = (u[:, 0] >= u[b, 0]) & (u[:, 0] <= u[b, 0] + 0.2)
    assert u[a, 1] == pytest.approx(u[window, 1].max())


def test_strategy_names():
    assert parse_strategy("boulware") == TimeDependent(0.25)
    assert parse_strategy("conceder").spec == "conceder"
    assert parse_strategy("time:0.5+const:0.7") == TimeDependent(0.5, AcceptConstant(0.7))
    assert parse_strategy("tft") == TitForTat()
    assert parse_strategy("best-response:2").spec == "best-response:2"
    for text in ("softie", "time:0", "time:-1", "boulware+maybe", "linear+time:2"):
        with pytest.raises(ValueError):
            parse_strategy(text)
    for name in TOURNAMENT_FIELD:
        assert parse_strategy(parse_strategy(name).spec) == parse_strategy(name)


def test_scenario_schema_reads_the_same_names_as_the_strategies():
    from grandbargain.scenario._schema import STRATEGY_PATTERN

    names = ["boulware", "linear", "conceder", "time:2.5", "hardliner", "tit-for-tat",
             "best-response", "best-response:0.5", "boulware+next", "linear+const:0.7",
             "conceder+time:0.9"]
    for name in names:
        assert STRATEGY_PATTERN.match(name), name
        parse_strategy(name)
    for bad in ("softie", "boulware+", "time:", "tft+x"):
        assert not STRATEGY_PATTERN.match(bad), bad


def test_deadline_from_a_date():
    d = parse_deadline("2025-08-12", date(2025, 7, 17), pace=5)
    assert d.rounds == 18  # 26 days = 3.71 weeks at 5 a week
    assert d.round_date(18) == date(2025, 8, 11)  # 18 * 7 / 5 = 25.2 days
    assert parse_deadline("2025-08-12", date(2025, 7, 17), pace=7).rounds == 26
    assert parse_deadline("40", None) == Deadline(40)
    for text, start, match in (("2025-07-01", date(2025, 7, 17), "not after"),
                               ("2025-08-12", None, "as_of"), ("soon", None, "YYYY-MM-DD"),
                               ("0", None, "1 to")):
        with pytest.raises(ValueError, match=match):
            parse_deadline(text, start)


def test_tournament_every_ordered_pair():
    arena = build_arena(TWO)
    names = ["boulware", "conceder", "hardliner"]
    result = tournament(arena, [parse_strategy(n) for n in names], 20)
    assert len(result.agreed) == 9
    assert not result.agreed[(result.opener == 2) & (result.responder == 2)].any()
    rows = {r["strategy"]: r for r in result.summary()}
    assert rows["hardliner"]["games"] == 6
    assert rows["boulware"]["mean_utility"] > rows["conceder"]["mean_utility"]


def test_scenario_default_strategies_and_bad_names(tmp_path):
    from grandbargain import load_scenario
    from grandbargain.negotiate import default_strategies
    from grandbargain.scenario import ScenarioError

    scenario = load_scenario()
    strategies, origins = default_strategies(scenario, ["us", "china"])
    assert [s.spec for s in strategies] == ["conceder", "boulware"]
    assert origins == ["scenario", "scenario"]
    strategies, origins = default_strategies(scenario, ["us", "china"], {"china": "linear"})
    assert [s.spec for s in strategies] == ["conceder", "linear"]
    with pytest.raises(ScenarioError, match="unknown party"):
        default_strategies(scenario, ["us", "china"], {"eu": "linear"})
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: us-china-2025-07\nscenario: {id: bad, title: Bad}\nprincipals:\n"
                   "  - id: us\n    name: US\n    strategy: softie\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(bad))
    problem = caught.value.problems[0]
    assert problem.location.line == 6 and "unknown strategy 'softie'" in problem.message


# --- the command ------------------------------------------------------------------------------

def cli(*args: str):
    return runner.invoke(app, ["negotiate", *args])


def test_default_scenario_with_the_seeds_styles_in_both_languages():
    en = cli("--deadline", "2025-08-12")
    assert en.exit_code == 0, en.output
    first = en.output.splitlines()[0]
    # bottom line first: the outcome, the deadline as a date, the styles from the scenario
    assert first.startswith(("Agreement", "No agreement"))
    assert "2025-08-12 (18 rounds at 5 a week from 2025-07-17)" in first
    assert "US government (conceder), Chinese government (boulware)" in first
    assert "How the offers moved:" in en.output and "(from the scenario)" in en.output
    zh = cli("--deadline", "2025-08-12", "--lang", "zh", "--band", "0.01")
    assert zh.exit_code == 0, zh.output
    assert zh.output.startswith("達成協議：") and "美國政府" in zh.output
    assert "提案過程：" in zh.output and "協議方案：" in zh.output


def test_cli_json_overrides_and_csv(tmp_path):
    out = cli("--us", "linear", "--strategy", "china=boulware+const:0.75", "--deadline", "30",
              "--band", "0.01", "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert [s["strategy"] for s in doc["strategies"]] == ["linear", "boulware+const:0.75"]
    assert [s["from"] for s in doc["strategies"]] == ["command line"] * 2
    assert doc["deadline"]["rounds"] == 30 and doc["bottom_line"] and doc["offers"]
    if doc["agreement"]:
        assert doc["utilities"]["china"] >= 0.75
        assert doc["frontier_distance"] >= 0 and doc["nash_distance"] is not None


def test_cli_genius_domain_csv_png_and_tournament(tmp_path, shared_benchmarks):
    folder = shared_benchmarks / "genius-domains" / "anac" / "y2010" / "ItexvsCypress"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    png = tmp_path / "offers.png"
    out = cli(str(folder), "--ItexvsCypress_Cypress", "boulware", "--ItexvsCypress_Itex",
              "conceder", "--deadline", "100", "-f", "csv", "--png", str(png))
    assert out.exit_code == 0, out.output
    rows = out.stdout.splitlines()
    assert rows[0].startswith("round,proposer,u_ItexvsCypress_Cypress")
    assert rows[-1].endswith("ItexvsCypress_Itex")  # the accepted offer, as NegMAS: round 46
    assert rows[-1].startswith("46,")
    assert png.stat().st_size > 10_000
    out = cli(str(folder), "--tournament", "--deadline", "50", "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert len(doc["games"]) == 100 and len(doc["summary"]) == 10


@pytest.mark.parametrize("args, where", [
    (["--eu", "linear"], "--eu"),
    (["--us", "softie"], "--us"),
    (["--strategy", "us"], "--strategy"),
    (["--deadline", "2025-07-01"], "--deadline"),
    (["--deadline", "tomorrow"], "--deadline"),
    (["--discount", "2"], "--discount"),
    (["--first", "eu"], "--first"),
    (["--band", "-1"], "--band"),
    (["--field", "boulware"], "--field"),
    (["--tournament", "--field", "boulware,softie"], "--field"),
    (["--tournament", "--first", "us"], "--first"),
    (["--pace", "3"], "--pace"),
    (["--workers", "2"], "--workers"),
])
def test_cli_bad_options_are_clean_errors(args, where):
    out = runner.invoke(app, ["negotiate", "small-yard-high-fence", *args])
    assert out.exit_code == 2, out.output
    assert where in out.output and "Traceback" not in out.output


def test_three_parties_need_both_others_to_accept():
    three = DealSpace(
        parties=(Party("a"), Party("b"), Party("c")),
        issues=(DealIssue("i0", tuple(Option(f"o{k}") for k in range(5))),
                DealIssue("i1", tuple(Option(f"o{k}") for k in range(5)))),
        values=(np.column_stack([0.5 * LINE, 0.5 * LINE[::-1], 0.25 * np.ones(5)]),
                np.column_stack([0.5 * LINE, 0.25 * np.ones(5), 0.5 * LINE[::-1]])),
        disagreement=np.zeros(3))
    arena = build_arena(three)
    result = negotiate(arena, [TimeDependent(1.0)] * 3, 30)
    assert result.agreed
    # the deal closes on the second acceptance after the last offer, by the party two moves on
    last = int(result.proposers[-1])
    assert result.accepted_by == (last + 2) % 3
    assert result.moves == 3 * (result.round - 1) + result.accepted_by + 1  # party 0 opens


def test_deterministic_runs_and_tournaments():
    arena = build_arena(TWO)
    field = [parse_strategy(n) for n in TOURNAMENT_FIELD]
    first, second = tournament(arena, field, 15), tournament(arena, field, 15)
    assert np.array_equal(first.utilities, second.utilities)
    assert np.array_equal(first.rounds, second.rounds)
    assert len(first.agreed) == 100


@pytest.mark.slow
def test_tournament_on_dask_is_the_same_as_in_process():
    pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    from grandbargain.negotiate import tournament_on_dask

    field = [parse_strategy(n) for n in TOURNAMENT_FIELD]
    here = tournament(build_arena(TWO), field, 15)
    there = tournament_on_dask(TWO, field, 15, workers=2, chunk=7)
    for name in ("agreed", "rounds", "utilities", "frontier_distance", "opener", "responder"):
        assert np.array_equal(getattr(here, name), getattr(there, name)), name
    assert np.array_equal(here.nash_distance, there.nash_distance, equal_nan=True)
