"""The analysts' report: one data document behind the HTML page, the charts, the PNGs and the
Markdown brief, identical to what `grandbargain forecast --format json` prints."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import grandbargain.report
from grandbargain.cli import app
from grandbargain.models import MODELS
from grandbargain.report import LANGS, build_charts, markdown_brief, report_document
from grandbargain.report._sections import SECTIONS, module_available
from grandbargain.scenario import load_scenario

pytest.importorskip("plotly", reason="the report extra (plotly) is not installed")
pytest.importorskip("jinja2", reason="the report extra (jinja2) is not installed")

from grandbargain.report._layout import LINE_PX, label_width, place_labels
from grandbargain.report.html import ISLAND_CHARTS, extract_island, script_json

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


@pytest.fixture(scope="module")
def docs(scenario):
    """The report documents as `grandbargain report` builds them: the forecast part with the
    package columns and the bottom line."""
    from grandbargain.cli.report import forecast_documents, timeline_extras

    models = [cls() for cls in MODELS.values()]
    results = [m.forecast(scenario) for m in models]
    forecasts = forecast_documents(scenario, models, results, None, 0, None, "normal")
    extras = timeline_extras(None, None)  # the shipped history, as for the default scenario
    return {lg: report_document(scenario, results, lg, extras=extras, forecast=forecasts[lg])
            for lg in LANGS}


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    """The report as the command line writes it."""
    target = tmp_path_factory.mktemp("report") / "report.html"
    result = runner.invoke(app, ["report", "--out", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def test_report_api_is_pinned():
    # The report's own names (other areas add their renderers to the same package).
    assert {"LANGS", "Chart", "build_charts", "markdown_brief", "report_document"} <= \
        set(grandbargain.report.__all__)
    for name in grandbargain.report.__all__:
        assert getattr(grandbargain.report, name) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_embedded_data_is_what_forecast_json_prints(page, lang):
    island = extract_island(page)
    printed = json.loads(run("forecast", "--format", "json", "--lang", lang))
    assert island[lang]["forecast"] == printed


def test_page_is_self_contained(page):
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert page.count("<script") == 4  # data, charts, plotly.js inlined, the page's own script
    assert "Plotly" in page and len(page) > 3_000_000  # the bundle itself, not a reference
    for tag in ('data-set-lang="en"', 'data-set-lang="zh"', ">English<", ">繁體中文<"):
        assert tag in page


def test_every_chart_number_comes_from_the_embedded_document(page):
    data = extract_island(page)
    figures = extract_island(page, ISLAND_CHARTS)
    for lang in LANGS:
        doc = data[lang]
        figs = figures[lang]
        for issue in doc["forecast"]["issues"]:
            traces = figs[f"forecasts-{issue['id']}"]["data"]
            shown = {t["y"][0]: t["x"][0] for t in traces if t["mode"] != "lines"}
            expected = {m: v for m, v in issue["forecasts"].items() if v is not None}
            assert shown == expected
        for issue in doc["scenario"]["issues"]:
            traces = figs[f"positions-{issue['id']}"]["data"]
            points = sorted((x, y) for t in traces for x, y in zip(t["x"], t["y"], strict=True))
            assert points == sorted((s["position"], s["weight"]) for s in issue["stances"])
            shapes = figs[f"positions-{issue['id']}"]["layout"]["shapes"]
            marked = sorted(s["x0"] for s in shapes)
            wanted = [a["value"] for a in issue["anchors"]] + [issue["status_quo"]]
            assert marked == sorted(wanted)
        heat = figs["heatmap"]["data"][0]
        positions = [[s["position"] for s in i["stances"]] for i in doc["scenario"]["issues"]]
        shown_text = [[row[d] for row in heat["text"][1:] if row[d] != ""]
                      for d in range(len(positions))]
        assert [[float(v) for v in col] for col in shown_text] == positions


def test_every_chart_names_its_axes_units_and_anchors(docs):
    for lang, doc in docs.items():
        charts = build_charts(doc)
        assert len(charts) >= 1 + 2 * len(doc["scenario"]["issues"])
        issues = {i["id"]: i for i in doc["scenario"]["issues"]}
        for chart in charts:
            assert chart.title and chart.x_label and chart.y_label, chart.id
            if chart.heat is not None:
                assert chart.heat.colour_label
                continue
            if chart.id == "deals-frontier":
                assert "0–1" in chart.x_label and "0–1" in chart.y_label
                assert {g.axis for g in chart.guides if g.kind == "status_quo"} == {"x", "y"}
                assert chart.regions and chart.key
                continue
            kind, issue_id = chart.id.split("-", 1)
            if kind not in ("positions", "forecasts", "trajectory"):
                continue
            issue = issues[issue_id]
            unit_axis = chart.y_label if chart.id.startswith("trajectory") else chart.x_label
            assert issue["unit"] in unit_axis
            assert {g.value for g in chart.guides if g.kind == "anchor"} == \
                {a["value"] for a in issue["anchors"]}
            key = re.sub(r"\s", "", "".join(chart.key))
            for anchor in issue["anchors"]:
                assert re.sub(r"\s", "", anchor["label"]) in key, (lang, chart.id, anchor)


def test_sections_are_unavailable_only_when_their_module_is_absent(docs):
    for name, (module, builder) in SECTIONS.items():
        section = docs["en"]["sections"][name]
        if not module_available(module):
            assert section["status"] == "unavailable" and module in section["note"]
        elif builder is not None:
            assert section["status"] in ("ok", "not_run")


def test_unavailable_sections_say_so_on_the_page(page, docs):
    for lang in LANGS:
        for section in docs[lang]["sections"].values():
            if section["status"] == "unavailable":
                assert ("Not available in this build" if lang == "en" else "此版本未提供此功能") \
                    in page


def test_markdown_brief_holds_the_key_table(docs):
    text = run("report", "--markdown")
    assert text.startswith("# US-China tech grand bargain")
    assert text == markdown_brief(docs["en"])
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(docs["en"]["forecast"]["issues"])
    first = docs["en"]["forecast"]["issues"][0]
    assert f"| {first['forecasts']['compromise']:.1f} |" in rows[1]
    assert "議題" in run("report", "--markdown", "--lang", "zh")


def test_data_island_survives_script_breaking_text():
    tricky = {"note": "</script><script>alert(1)</script> <!-- x"}
    text = script_json(tricky)
    assert "<" not in text and json.loads(text) == tricky


def test_missing_plotly_ends_with_an_install_hint(monkeypatch, tmp_path):
    import grandbargain.report._plotly as plotly_renderer

    def missing():
        raise RuntimeError("the HTML report needs plotly: pip install 'grandbargain[report]'")

    monkeypatch.setattr(plotly_renderer, "require_plotly", missing)
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert "pip install 'grandbargain[report]'" in result.output
    assert not (tmp_path / "r.html").exists()


def test_bad_scenario_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: [", encoding="utf-8")
    result = runner.invoke(app, ["report", str(bad), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "Traceback" not in result.output


def test_labels_are_placed_apart():
    # Five points on one spot: every label must still get its own place.
    points = [(200.0, 100.0)] * 5
    texts = ["alpha", "beta", "gamma", "delta", "epsilon"]
    offsets = place_labels(points, [8.0] * 5, texts, 480, 280)
    boxes = []
    for (x, y), (dx, dy), text in zip(points, offsets, texts, strict=True):
        w = label_width(text)
        boxes.append((x + dx - w / 2, y + dy - LINE_PX / 2, x + dx + w / 2, y + dy + LINE_PX / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 0 or overlap_h <= 0, (a, b)


@pytest.mark.parametrize("lang", LANGS)
def test_trajectories_are_what_the_rounds_command_prints(page, lang):
    section = extract_island(page)[lang]["sections"]["trajectories"]
    if not module_available("grandbargain.models.expected_utility"):
        assert section["status"] == "unavailable"
        return
    assert section["status"] == "ok"
    issue = "rare_earth_controls"
    printed = json.loads(run("rounds", "--issue", issue, "--model", "eu-scholz", "--format",
                             "json", "--lang", lang))
    runs = next(i["runs"] for i in section["issues"] if i["id"] == issue)
    assert runs["eu-scholz"] == printed
    figure = extract_island(page, ISLAND_CHARTS)[lang][f"trajectory-{issue}"]
    medians = [t for t in figure["data"] if t["name"].startswith("eu-scholz:") and
               t["mode"] == "lines+markers"]
    assert medians[0]["y"] == [r["median"] for r in printed["rounds"]]


def test_intervals_from_draws_show_in_charts_table_and_brief(docs):
    doc = json.loads(json.dumps(docs["en"]))  # a copy, as `forecast --draws` would extend it
    for issue in doc["forecast"]["issues"]:
        issue["intervals"] = {m: {"q05": v - 5, "q95": v + 7} for m, v in
                              issue["forecasts"].items() if v is not None}
    doc["forecast"]["simulation"] = {"draws": 500, "seed": 3}
    chart = next(c for c in build_charts(doc) if c.id == "forecasts-tiktok")
    tiktok = next(i for i in doc["forecast"]["issues"] if i["id"] == "tiktok")
    bars = {m.y[0]: m.x for m in chart.marks if m.kind == "lines"}
    for name, value in tiktok["forecasts"].items():
        assert bars[name] == (value - 5, value + 7)
    brief = markdown_brief(doc)
    value = tiktok["forecasts"]["compromise"]
    assert f"{value:.1f} [{value - 5:.1f}–{value + 7:.1f}]" in brief
    assert "500 draws, seed 3" in brief


def test_report_of_a_bdm_table(tmp_path):
    table = tmp_path / "tiny.csv"
    table.write_text("Actor,Capability,Position,Salience\nA,10,4,80\nB,20,10,50\nC,15,7,100\n",
                     encoding="utf-8")
    brief = run("report", str(table), "--markdown")
    assert "\n| tiny (4–10) | – | 7.2 | 7.0 |" in brief  # no unit, no status quo
    result = runner.invoke(app, ["report", str(table), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    doc = extract_island((tmp_path / "r.html").read_text(encoding="utf-8"))["en"]
    assert [s["actor"] for s in doc["scenario"]["issues"][0]["stances"]] == ["A", "B", "C"]


@pytest.mark.parametrize("lang", LANGS)
def test_deals_are_what_the_deals_command_prints(page, lang):
    section = extract_island(page)[lang]["sections"]["deals"]
    if not module_available("grandbargain.deals._analysis"):
        assert section["status"] == "unavailable"
        return
    assert section["status"] == "ok"
    printed = json.loads(run("deals", "--format", "json", "--lang", lang))
    # The bottom line `deals` opens with is the one the report opens with (its first section).
    assert printed.pop("bottom_line") == extract_island(page)[lang]["forecast"]["bottom_line"]
    assert section["document"] == printed
    figure = extract_island(page, ISLAND_CHARTS)[lang]["deals-frontier"]
    us, china = (p["id"] for p in printed["parties"])
    frontier = figure["data"][0]
    assert sorted(zip(frontier["x"], frontier["y"], strict=True)) == sorted(
        (p["utilities"][us], p["utilities"][china]) for p in printed["frontier"]["points"])
    nash = printed["solutions"]["nash"]["utilities"]
    assert any(t["x"] == [nash[us]] and t["y"] == [nash[china]] and
               ("Nash" in t["name"] or "納什" in t["name"]) for t in figure["data"])
    no_deal = printed["disagreement"]["utilities"]
    zopa = next(s for s in figure["layout"]["shapes"] if s["type"] == "path")
    assert zopa["path"].startswith(f"M {no_deal[us]!r},{no_deal[china]!r} L ")
    for logroll in printed["solutions"]["nash"]["logrolls"]:
        assert logroll["text"].replace("'", "&#39;") in page or logroll["text"] in page


DRAWS = ("--draws", "150", "--seed", "4", "--noise", "position=10", "--model", "compromise",
         "--model", "median")


def test_report_with_draws_embeds_what_forecast_draws_prints(tmp_path):
    if not module_available("grandbargain.cli._draws"):
        result = runner.invoke(app, ["report", *DRAWS, "--out", str(tmp_path / "r.html")])
        assert result.exit_code == 2 and "not available in this build" in result.output
        pytest.skip("uncertainty (grandbargain.uncertainty) is not in this build")
    target = tmp_path / "r.html"
    result = runner.invoke(app, ["report", *DRAWS, "--out", str(target)])
    assert result.exit_code == 0, result.output
    island = extract_island(target.read_text(encoding="utf-8"))
    for lang in LANGS:
        printed = json.loads(run("forecast", *DRAWS, "--format", "json", "--lang", lang))
        assert island[lang]["forecast"] == printed
        assert all("intervals" in issue for issue in printed["issues"])


@pytest.mark.parametrize("lang", LANGS)
def test_exchanges_are_what_the_exchanges_command_prints(page, lang):
    section = extract_island(page)[lang]["sections"]["exchanges"]
    if not module_available("grandbargain.models.exchange"):
        assert section["status"] == "unavailable"
        return
    assert section["status"] == "ok"
    printed = json.loads(run("exchanges", "--format", "json", "--lang", lang))
    assert section["document"] == printed
    heat = extract_island(page, ISLAND_CHARTS)[lang]["exchanges-pairs"]["data"][0]
    actors = [a["id"] for a in extract_island(page)[lang]["scenario"]["actors"]]
    pair = (actors.index("us_president"), actors.index("cn_leadership"))
    expected = sum(1 for r in printed["rounds"] for e in r["exchanges"]
                   if {e["first"]["actor"], e["second"]["actor"]} == {"us_president",
                                                                       "cn_leadership"})
    assert heat["z"][pair[0]][pair[1]] == heat["z"][pair[1]][pair[0]] == expected
    first = printed["rounds"][0]["exchanges"][0]["text"]
    assert first.replace("'", "&#39;") in page


# --- issue 13: the report as an analyst's product ----------------------------------------------

def _visible_html(page: str) -> str:
    """The page without its scripts (what a reader sees, as HTML)."""
    return re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_every_chart_states_a_finding_and_its_source(docs):
    for lang, doc in docs.items():
        charts = build_charts(doc)
        ids = {c.id for c in charts}
        assert {"package-nash", "heatmap", "deals-frontier", "tariffs-us-general"} <= ids
        for chart in charts:
            assert chart.source, (lang, chart.id)
            # a finding carries a number from the data, not only the topic
            assert re.search(r"\d", chart.title), (lang, chart.id, chart.title)
        forecast = next(c for c in charts if c.id == "forecasts-ai_chip_exports")
        nash = next(i for i in doc["forecast"]["issues"]
                    if i["id"] == "ai_chip_exports")["forecasts"]["deal-nash"]
        assert f"{nash:g}" in forecast.title
        assert ("Nash package" if lang == "en" else "納什方案") in forecast.title


def test_finding_titles_follow_the_data(docs):
    doc = json.loads(json.dumps(docs["en"]))
    issue = next(i for i in doc["forecast"]["issues"] if i["id"] == "tiktok")
    issue["forecasts"] = {m: (77.0 if m == "compromise" else v)
                          for m, v in issue["forecasts"].items()}
    chart = next(c for c in build_charts(doc) if c.id == "forecasts-tiktok")
    assert "–77" in chart.title


def test_heat_map_groups_actors_by_side_and_explains_high(docs):
    for lang, doc in docs.items():
        heat = next(c for c in build_charts(doc) if c.id == "heatmap")
        actors = doc["scenario"]["actors"]
        sides = [a["group"] for a in actors]
        shown = [a["group"] for a in sorted(actors, key=lambda a: sides.index(a["group"]))]
        rows = heat.heat.rows[1:]
        assert len(rows) == len(actors)
        from grandbargain.report._report_words import group_name

        for row, side in zip(rows, shown, strict=True):
            assert row.startswith(group_name(side, lang) + " · ")
        # grouped: once a side ends it does not come back
        order = [side for k, side in enumerate(shown) if k == 0 or shown[k - 1] != side]
        assert len(order) == len(set(order))
        # the legend table gives every issue's full name and what each end of its scale means
        assert len(heat.legend_table) == len(doc["scenario"]["issues"])
        for row, issue in zip(heat.legend_table, doc["scenario"]["issues"], strict=True):
            assert row[1] == issue["name"]
            top = max(issue["anchors"], key=lambda a: a["value"])
            assert top["label"] in row[3]


def test_page_leads_with_the_bottom_line_and_ends_with_methods(page):
    visible = _visible_html(page)
    english = visible[visible.index('<div class="l-en"'):visible.index('<div class="l-zh"')]
    order = [english.index(f'id="en-{part}"') for part in
             ("bottom-line", "forecasts", "deals", "timeline", "tariffs", "scenario", "methods")]
    assert order == sorted(order)
    assert "almost no chance" in english or "likely" in english or "unlikely" in english
    assert "Time horizon" in english


def test_methods_show_no_none_parameters_or_backticks(page):
    visible = _visible_html(page)
    assert "=None" not in visible and "= None" not in visible
    assert "`" not in visible


def test_who_concedes_is_the_sentence_with_the_number(page, docs):
    nash = docs["en"]["sections"]["deals"]["document"]["solutions"]["nash"]
    item = next(i for i in nash["package"] if i["concedes"])
    sentence = item["concedes"][0]["text"]
    assert sentence.replace("'", "&#39;") in page
    assert f"utility given up {item['concedes'][0]['loss']:.3f}" in page


def test_page_names_a_cjk_font_stack_and_offers_downloads(page):
    head = page[:page.index("</style>")]
    assert "Noto Sans CJK TC" in head and "PingFang TC" in head and "Microsoft JhengHei" in head
    assert "data-download-json" in page and "createObjectURL" in page
    assert 'displayModeBar: "hover"' in page and 'format: "png"' in page
    # no cloud: plotly's "share chart" button is removed; the Chinese charts get zh-TW words
    assert '"sendChartToCloud"' in page and "showSendToCloud: false" in page
    assert "window.Plotly.register(zhLocale)" in page and '"zh-TW"' in page
    assert page.count("Plotly.newPlot") == 1  # plotly.js inlined once, one drawing function
    assert "IntersectionObserver" in page


def test_timeline_and_tariff_charts_are_the_plain_data(page):
    from grandbargain.trade import shipped_events
    from grandbargain.trade._stack import stack_series

    data = extract_island(page)
    figures = extract_island(page, ISLAND_CHARTS)
    for lang in LANGS:
        timeline = data[lang]["sections"]["timeline"]
        assert timeline["status"] == "ok"
        steps = timeline["document"]["steps"]
        fig = figures[lang]["timeline-us_tariffs"]
        status = next(t for t in fig["data"] if t["y"][:len(steps)] ==
                      [s["status_quo"]["us_tariffs"] for s in steps])
        assert status["line"]["shape"] == "hv"
        tariffs = data[lang]["sections"]["tariffs"]["document"]
        panel = next(p for p in tariffs["panels"] if p["imposer"] == "US")
        series = stack_series(shipped_events(), "US", "general",
                              __import__("datetime").date(2025, 1, 1),
                              shipped_events().as_of)
        assert panel["totals"] == [s.total for s in series]
        fig = figures[lang]["tariffs-us-general"]
        total = fig["data"][-1]
        assert total["y"][:-1] == panel["totals"]


def test_report_of_another_scenario_has_no_timeline_unless_asked(tmp_path):
    table = tmp_path / "tiny.csv"
    table.write_text("Actor,Capability,Position,Salience\nA,10,4,80\nB,20,10,50\n",
                     encoding="utf-8")
    brief = run("report", str(table), "--markdown")
    assert "Timeline" not in brief and "Tariff stack" not in brief
    brief = run("report", str(table), "--markdown", "--events", "us-china-2025")
    assert "Timeline: forecasts and status quo as events happened: 2025-01-20" in brief


def test_bad_events_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text("format: grandbargain-events/1\nevents: [\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "--events", str(bad), "--markdown"])
    assert result.exit_code == 2, result.output
    assert "events.yaml" in result.output and "Traceback" not in result.output


def test_wrapped_lines_keep_punctuation_with_its_word():
    from grandbargain.report._text import wrap

    # no line starts with closing punctuation, none ends with an opening bracket
    assert wrap("性能高於H20的晶片逐案許可；50 = 只許可", 26) == ["性能高於H20的晶片逐案許可；",
                                                              "50 = 只許可"]
    assert wrap("最大預測變動 +20（2025-04-15）", 22) == ["最大預測變動 +20",
                                                         "（2025-04-15）"]
    assert wrap("a very long line, indeed", 15) == ["a very long", "line, indeed"]
