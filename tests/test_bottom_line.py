"""The bottom line (key judgments) every output opens with, and the package columns."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from grandbargain.bottomline import (
    PACKAGE_COLUMNS,
    bottom_line_document,
    judge,
    nash_package_for,
    with_position,
)
from grandbargain.cli import app
from grandbargain.models import MODELS, IssueForecast, ModelResult
from grandbargain.report import forecast_document, forecast_rows
from grandbargain.report._bottom_line import bottom_line_lines
from grandbargain.scenario import load_scenario
from grandbargain.scenario._schema import validate_document
from grandbargain.uncertainty import deal_options
from tests.conftest import minimal_document

runner = CliRunner()
DEALS = list(PACKAGE_COLUMNS.values())


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def printed() -> dict:
    return json.loads(run("forecast", "--format", "json"))


@pytest.fixture(scope="module")
def judgments():
    s = load_scenario()
    fast = [cls().forecast(s) for name, cls in MODELS.items() if name != "exchange"]
    return judge(s, fast)


@pytest.mark.parametrize(("lang", "title"), [("en", "Bottom line"), ("zh", "重點判斷")])
def test_forecast_opens_with_the_bottom_line_then_the_package_columns(lang, title):
    out = run("forecast", "--lang", lang)
    lines = out.splitlines()
    assert lines[0].strip() == title
    table_at = next(k for k, line in enumerate(lines) if "┃" in line)
    assert table_at > 5  # the bottom line comes first, then the evidence
    header = lines[table_at]
    for column in ("nash-issue", *DEALS):
        assert column in header
    assert "deal-nash" in lines[1]  # the headline names its column
    if lang == "zh":
        assert "納什方案" in out and "觀察指標" in out
    else:
        assert "Signposts" in out and "Package deals of the principals" in out


def test_json_holds_the_same_numbers_and_the_bottom_line(printed):
    bottom = printed["bottom_line"]
    assert next(iter(printed)) == "bottom_line"
    assert bottom["kind"] == "package" and bottom["headline"]["column"] == "deal-nash"
    names = [m["name"] for m in printed["models"]]
    assert names[-4:] == DEALS and "nash-issue" in names and "nash" not in names
    by_issue = {i["id"]: i for i in printed["issues"]}
    for item in bottom["issues"]:
        assert item["value"] == by_issue[item["issue"]]["forecasts"]["deal-nash"]
        assert 0.0 <= item["p_in_nash"] <= 1.0
    assert bottom["draws"]["n"] == 100
    assert 1 <= len(bottom["signposts"]) <= 5
    # the table's words are rendered from this document
    text = "\n".join(bottom_line_lines(bottom, "en"))
    for item in bottom["issues"]:
        assert f"{item['p_in_nash']:.0%} of draws" in text
    assert {s["party"] for s in bottom["sides"]} == {"us", "china"}


def test_package_columns_are_the_deals_solutions(printed):
    deals = json.loads(run("deals", "--format", "json"))
    for solution, column in PACKAGE_COLUMNS.items():
        package = {i["issue"]: i["value"] for i in deals["solutions"][solution]["package"]}
        for issue in printed["issues"]:
            assert issue["forecasts"][column] == package[issue["id"]]
    assert deals["bottom_line"] == printed["bottom_line"]


def test_csv_carries_the_package_columns_without_the_bottom_line():
    rows = list(csv.DictReader(io.StringIO(run("forecast", "--format", "csv"))))
    assert len(rows) == 11
    assert all(rows[0][c] != "" for c in DEALS)


def test_signposts_flip_the_option_by_the_stated_change_and_not_by_a_bit_less(judgments):
    s = judgments.scenario
    options = deal_options()
    headline = judgments.headline.solution.package
    assert nash_package_for(s, options) == headline
    assert judgments.signposts
    for post in judgments.signposts:
        moved = nash_package_for(with_position(s, post.actor, post.issue, post.to_position),
                                 options)
        assert moved != headline
        flipped = {s.issues[d].id for d in range(len(headline))
                   if moved is None or moved[d] != headline[d]}
        assert flipped == {issue for issue, _, _ in post.flips}
        step = 0.1 if s.issue(post.issue).width > 20 else 0.01  # the precision shown
        less = post.to_position - step * (1 if post.change > 0 else -1)
        assert abs(less - post.position) < abs(post.change)
        assert nash_package_for(with_position(s, post.actor, post.issue, less),
                                options) == headline
        just_short = post.position + (post.threshold - post.position) * (1 - 1e-6)
        assert nash_package_for(with_position(s, post.actor, post.issue, just_short),
                                options) == headline
    changes = [abs(p.change) / s.issue(p.issue).width for p in judgments.signposts]
    assert changes == sorted(changes)


def test_bottom_line_is_reproducible_and_sized(judgments):
    again = judge(judgments.scenario, judgments.results)
    assert bottom_line_document(again) == bottom_line_document(judgments)
    small = judge(judgments.scenario, judgments.results, draws=7, seed=3)
    assert bottom_line_document(small)["draws"]["n"] == 7


def test_without_principals_the_bottom_line_is_the_ensemble():
    s = validate_document(minimal_document(), {}, "test.yaml")
    results = [cls().forecast(s) for name, cls in MODELS.items() if name != "exchange"]
    doc = bottom_line_document(judge(s, results))
    assert doc["kind"] == "ensemble" and doc["note"] == "no_principals"
    values = [r.value("tariff") for r in results]
    assert doc["ensemble"]["issues"][0]["value"] == pytest.approx(sum(values) / len(values))
    assert "ensemble" in bottom_line_lines(doc, "en")[1]
    assert "等權平均" in bottom_line_lines(bottom_line_document(judge(s, results), "zh"), "zh")[1]
    forecast = forecast_document(s, results)
    assert not any(m["name"].startswith("deal-") for m in forecast["models"])


def _eu_result(settled: bool) -> ModelResult:
    detail = {"settled": settled}
    if not settled:
        detail["last_rounds"] = {"from_round": 8, "to_round": 10, "low": 30.0, "high": 55.0}
    return ModelResult("eu-scholz", "EU", {}, (IssueForecast("tariff", 42.0, detail),))


def test_unsettled_expected_utility_cells_are_marked_everywhere():
    from grandbargain.cli.forecast import _point_table
    from grandbargain.report import rich_table  # noqa: F401  (rich is the table renderer)

    s = validate_document(minimal_document(), {}, "test.yaml")
    doc = forecast_document(s, [_eu_result(False)])
    issue = doc["issues"][0]
    assert issue["settled"] == {"eu-scholz": False}
    assert issue["last_rounds"]["eu-scholz"] == {"from_round": 8, "to_round": 10,
                                                 "low": 30.0, "high": 55.0}
    header, rows = forecast_rows(doc)
    row = dict(zip(header, rows[0], strict=True))
    assert (row["eu-scholz_settled"], row["eu-scholz_last_low"], row["eu-scholz_last_high"]) \
        == ("false", 30.0, 55.0)
    from rich.console import Console

    console = Console(record=True, width=200, file=io.StringIO())
    console.print(_point_table(doc, s, [_eu_result(False)], "en"))
    text = " ".join(console.export_text().split())
    assert "42.0~" in text
    assert "~ did not settle: last rounds ranged eu-scholz on tariff 30.0-55.0 (rounds 8-10)" \
        in text
    settled = forecast_document(s, [_eu_result(True)])
    assert settled["issues"][0]["settled"] == {"eu-scholz": True}
    assert forecast_rows(settled)[1][0][-3:] == ["true", None, None]
    # models that do not report it (every model before the EU change) add nothing
    plain = forecast_document(s, [MODELS["compromise"]().forecast(s)])
    assert "settled" not in plain["issues"][0]


def test_report_and_brief_open_with_the_bottom_line(tmp_path):
    pytest.importorskip("jinja2", reason="the report extra (jinja2) is not installed")
    pytest.importorskip("plotly", reason="the report extra (plotly) is not installed")
    brief = run("report", "--markdown", "--lang", "zh")
    headings = [line for line in brief.splitlines() if line.startswith("## ")]
    assert headings[0] == "## 重點判斷"
    assert brief.index("## 重點判斷") < brief.index("| 議題")
    target = tmp_path / "report.html"
    run("report", "--out", str(target))
    page = target.read_text(encoding="utf-8")
    first = page.index("<section")
    assert page.index('id="en-bottom-line"') == page.index("id=", first)
    assert "Most likely deal" in page and "最可能的協議" in page
    assert page.count('class="bottom-line"') == 2


def test_report_table_and_brief_mark_unsettled_cells():
    pytest.importorskip("jinja2", reason="the report extra (jinja2) is not installed")
    pytest.importorskip("plotly", reason="the report extra (plotly) is not installed")
    from grandbargain.report import markdown_brief, report_document
    from grandbargain.report.html import render_html

    s = validate_document(minimal_document(), {}, "test.yaml")
    results = [_eu_result(False)]
    docs = {lg: report_document(s, results, lg) for lg in ("en", "zh")}
    brief = markdown_brief(docs["en"])
    assert "| 42.0~ |" in brief and "~ did not settle" in brief
    page = render_html(docs, "en")
    assert "42.0~" in page and "~ did not settle: last rounds ranged eu-scholz" in page
    assert "~ 未收斂" in page


def test_shares_are_what_deals_draws_prints_with_the_same_noise(printed):
    drawn = json.loads(run("deals", "--draws", "100", "--noise", "position=10,salience=15",
                           "--distribution", "triangular", "--format", "json",
                           "--no-bottom-line"))
    shares = {(m["issue"], o["value"]): o["p"]
              for m in drawn["uncertainty"]["nash_option_by_issue"] for o in m["options"]}
    bottom = printed["bottom_line"]
    assert bottom["draws"]["noise"]["distribution"] == "triangular"
    for item in bottom["issues"]:
        assert item["p_in_nash"] == pytest.approx(shares[(item["issue"], item["value"])])
    assert bottom["draws"]["zopa_nonempty"] == pytest.approx(
        drawn["uncertainty"]["zopa_nonempty"])


@pytest.mark.parametrize("scenario_id", ["us-china-2025-07", "small-yard-high-fence"])
def test_restricted_frontier_gives_the_full_machinery_nash_package(scenario_id):
    """The signposts' fast evaluation (frontier of the other issues x the moved issue's
    options) picks the same Nash package as deal_space + pareto_frontier + solve."""
    import numpy as np

    from grandbargain.bottomline._signposts import _IssueProbe
    from grandbargain.deals import pareto_frontier, principal_ideals
    from grandbargain.deals._principals import issue_value, principal_weights
    from grandbargain.deals._solutions import tolerance

    s = load_scenario(scenario_id)
    options = deal_options()
    space = options.space(s)
    tol = tolerance(pareto_frontier(space))
    rng = np.random.default_rng(7)
    principal = s.principals[0]
    party = space.party_index(principal.id)
    for _ in range(6):
        actor = principal.actors[int(rng.integers(len(principal.actors)))]
        i = s.actor_index[actor]
        d = int(rng.choice(np.flatnonzero(s.takes_part[i])))
        issue = s.issues[d]
        value = float(rng.uniform(issue.low, issue.high))
        moved = with_position(s, actor, issue.id, value)
        full = nash_package_for(moved, options)
        column = options.space(moved).values[d][:, party]  # what the full machinery builds
        weight = principal_weights(moved, principal)[d]
        points = np.array([o.value for o in space.issues[d].options])
        expected = weight * issue_value(points, principal_ideals(moved, principal)[d], issue,
                                        principal.value_functions.get(issue.id))
        np.testing.assert_allclose(column, expected, atol=1e-12)
        fast = _IssueProbe(space, d, tol).packages(column[None, :], party)[0]
        assert tuple(int(o) for o in fast) == full
