"""`grandbargain deals` as a user meets it, and the pinned public API of grandbargain.deals."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import grandbargain.deals
from grandbargain.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["deals", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_default_deal_names_a_package_both_governments_prefer_to_the_status_quo():
    out = run()
    assert "Pareto frontier: 73 of 6,048,000 packages" in out
    assert "ZOPA (packages every party prefers to no deal): 37 packages" in out
    assert "Nash" in out and "Kalai-Smorodinsky" in out and "utilitarian" in out
    assert "50: only China-specific downgraded chips" in out
    assert "Top logrolls" in out and "gives way on" in out
    doc = json.loads(run("--format", "json"))
    nash = doc["solutions"]["nash"]
    assert all(gain > 0 for gain in nash["gains"].values())
    assert {p["id"] for p in doc["parties"]} == {"us", "china"}
    assert len(doc["frontier"]["points"]) == doc["frontier"]["size"] == 73


def test_small_yard_high_fence_shows_the_zopa_shrinking():
    base = json.loads(run("--format", "json"))["zopa"]
    fenced = json.loads(run("small-yard-high-fence", "--format", "json"))["zopa"]
    assert fenced["frontier_packages"] < base["frontier_packages"]
    assert fenced["share"] < base["share"]
    # The same red lines given on the command line give the same ZOPA.
    by_hand = json.loads(run("--red-line", "us:ai_chip_exports>=60",
                             "--red-line", "us:chip_tool_controls>=50", "--format", "json"))
    assert by_hand["zopa"] == fenced


def deal_json(*args: str) -> dict:
    """`deals ... --format json` without the bottom line (test_bottom_line.py tests it)."""
    return json.loads(run(*args, "--format", "json", "--no-bottom-line"))


def test_disagreement_options():
    escalation = deal_json("--disagreement", "escalation")
    shipped = deal_json("escalation")
    assert escalation["zopa"] == shipped["zopa"]
    assert escalation["disagreement"]["utilities"]["us"] < 0.5
    back = deal_json("escalation", "--disagreement", "status-quo")
    assert back["zopa"] == deal_json()["zopa"]
    pairs = deal_json("--disagreement", "us_tariffs=145,china_tariffs=125")
    base = deal_json()
    for party in ("us", "china"):
        assert pairs["disagreement"]["utilities"][party] < base["disagreement"]["utilities"][party]
    assert pairs["zopa"]["share"] > base["zopa"]["share"]


def test_red_line_none_drops_the_scenarios_red_lines():
    free = deal_json("small-yard-high-fence", "--red-line", "none")
    base = deal_json("--red-line", "none")
    assert free["zopa"] == base["zopa"]


def test_csv_and_chinese():
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert {r["solution"] for r in rows} == {"nash", "kalai_smorodinsky", "egalitarian",
                                             "utilitarian"}
    assert len(rows) == 4 * 11
    assert {"issue", "option", "concedes", "loss_us", "utility_china"} <= set(rows[0])
    out = run("--lang", "zh")
    assert "納什解" in out and "可達成協議區" in out and "讓步" in out
    doc = json.loads(run("--lang", "zh", "--format", "json"))
    assert doc["title"] == "中美科技大交易（2025年7月）"
    assert "讓步" in doc["solutions"]["nash"]["logrolls"][0]["text"]


@pytest.mark.parametrize("args, message", [
    (["--red-line", "us:ai_chip_exports>70"], "expected PRINCIPAL:ISSUE>=VALUE"),
    (["--red-line", "xx:ai_chip_exports>=70"], "unknown principal 'xx'"),
    (["--red-line", "us:nope>=70"], "unknown issue 'nope'"),
    (["--disagreement", "us_tariffs=lots"], "expected ISSUE=VALUE"),
    (["--disagreement", "us-china-2025-07"], "sets no disagreement point"),
    (["--disagreement", "no-such-scenario"], "no shipped scenario"),
])
def test_bad_options_end_cleanly(args, message):
    result = runner.invoke(app, ["deals", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_scenario_without_principals_is_a_clean_error(tmp_path):
    from grandbargain.scenario import load_scenario, write_scenario

    s = load_scenario()
    plain = tmp_path / "plain.yaml"
    write_scenario(s, plain)
    text = plain.read_text()
    plain.write_text(text[:text.index("principals:")])
    result = runner.invoke(app, ["deals", str(plain)])
    assert result.exit_code == 2 and "defines no principals" in result.output
    assert "grandbargain convert" not in result.output  # already YAML: no conversion step
    assert "principals:" in result.output and f"grandbargain deals {plain}" in result.output


def test_a_table_without_principals_says_how_to_add_them_and_the_steps_work(tmp_path,
                                                                            monkeypatch):
    """A Decide-style table (as `convert` writes it, then read back as KTAB CSV): the error
    gives the convert command, a principals section with the table's own actor ids, the
    missing status quo and options; following the steps gives a deal."""
    import yaml

    from grandbargain.scenario import load_scenario, write_scenario

    monkeypatch.chdir(tmp_path)
    s = load_scenario()
    table = tmp_path / "table.csv"
    write_scenario(s, table, "ktab")
    result = runner.invoke(app, ["deals", str(table)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    out = " ".join(result.output.split())
    assert f"`grandbargain convert {table} table.yaml`" in out
    assert "principals:" in out and s.actors[0].id in out
    assert "`grandbargain deals table.yaml`" in out and "docs/scenario-format.md" in out
    converted = runner.invoke(app, ["convert", str(table), "table.yaml"])
    assert converted.exit_code == 0, converted.output
    document = yaml.safe_load((tmp_path / "table.yaml").read_text())
    ids = [a["id"] for a in document["actors"]]
    half = len(ids) // 2
    document["principals"] = [{"id": "side_a", "name": "Side A", "actors": ids[:half]},
                              {"id": "side_b", "name": "Side B", "actors": ids[half:]}]
    if "status quo" in out:
        document["disagreement"] = {i["id"]: i["scale"]["min"] for i in document["issues"]}
    if "options: {step: 25}" in out:
        for issue in document["issues"]:
            issue["options"] = {"step": 25}
    (tmp_path / "table.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    result = runner.invoke(app, ["deals", "table.yaml"])
    assert result.exit_code == 0, result.output
    assert "Pareto frontier" in result.output


def test_capabilities_near_the_float_limit_give_the_same_deal(tmp_path):
    """Weights are capability x salience normalised per principal, so multiplying every
    capability by one factor changes nothing, up to 1e12, the largest the scenario accepts
    (D-007; the deals arithmetic itself stays free of overflow up to 1e308, PD-015)."""
    import yaml

    from grandbargain.scenario import load_scenario, write_scenario

    write_scenario(load_scenario(), tmp_path / "s.yaml")
    document = yaml.safe_load((tmp_path / "s.yaml").read_text())
    results = []
    for capability in (1.0, 1e12):
        for actor in document["actors"]:
            actor["capability"] = capability
        for by_issue in document["stances"].values():
            for stance in by_issue.values():
                stance.pop("capability", None)
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
        result = runner.invoke(app, ["deals", str(tmp_path / "c.yaml"), "--format", "json"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        results.append(json.loads(result.output))
    small, large = results
    assert small["frontier"]["size"] == large["frontier"]["size"] > 1
    nash = [[i["option"] for i in r["solutions"]["nash"]["package"]] for r in results]
    assert nash[0] == nash[1]
    for party, value in small["solutions"]["nash"]["utilities"].items():
        assert large["solutions"]["nash"]["utilities"][party] == pytest.approx(value, abs=1e-12)


def test_utilities_too_large_to_add_exactly_are_a_clean_error():
    from grandbargain.deals import (
        DealIssue,
        DealSpace,
        Option,
        Party,
        UtilityRangeError,
        pareto_frontier,
    )

    issue = DealIssue("x", (Option("0"), Option("1")))
    space = DealSpace((Party("a"), Party("b")), (issue, issue),
                      (np.array([[1e308, 0.0], [0.0, 1.0]]),) * 2, np.zeros(2))
    with pytest.raises(UtilityRangeError, match="party 1's utilities are too large"):
        pareto_frontier(space)
    tiny = DealSpace((Party("a"), Party("b")), (issue, issue),
                     (np.array([[3e-320, 0.0], [0.0, 5e-324]]),) * 2, np.zeros(2))
    frontier = pareto_frontier(tiny)  # subnormal utilities: still exact, ties kept
    assert sorted(map(tuple, frontier.packages.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    np.testing.assert_array_equal(frontier.utilities, tiny.utilities(frontier.packages))


@pytest.mark.external
def test_a_genius_domain_folder(shared_benchmarks):
    folder = shared_benchmarks / "genius-domains" / "anac" / "y2010" / "ItexvsCypress"
    if not folder.is_dir():
        pytest.skip(f"{folder} absent")
    doc = json.loads(run(str(folder), "--format", "json"))
    assert doc["packages"] == 180 and doc["frontier"]["size"] > 0
    assert doc["solutions"]["nash"]["logrolls"] == []  # no no-deal package in Genius domains
    result = runner.invoke(app, ["deals", str(folder), "--red-line", "none"])
    assert result.exit_code == 2


def test_public_api():
    assert set(grandbargain.deals.__all__) == {
        "SOLUTIONS", "Concession", "DealAnalysis", "DealIssue", "DealSpace", "Exclusion",
        "Frontier", "FrontierTooLarge", "Interaction", "Logroll", "Move", "Option", "Party",
        "Solution", "SolutionTerms", "UtilityRangeError", "Zopa", "analyse", "concession_text",
        "concessions",
        "deal_space", "logroll_text", "logrolls", "move_text", "moves", "pareto_frontier",
        "principal_ideals", "principal_weights", "read_domain", "read_genius_xml",
        "read_geniusweb", "solve", "zopa",
    }
    for name in grandbargain.deals.__all__:
        assert getattr(grandbargain.deals, name) is not None
