"""PNG figures: axis labels on every chart, and Chinese drawn with a real CJK font (no boxes).

The glyph check renders text and compares pixels: with the CJK font two different characters
must look different and differ from the same text in a font known to lack them (which draws
every one as the same empty box, and makes matplotlib warn "Glyph ... missing from font")."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import MODELS
from grandbargain.report import build_charts, report_document
from grandbargain.scenario import load_scenario

pytest.importorskip("matplotlib", reason="the report extra (matplotlib) is not installed")

from grandbargain.report._mpl import BASE_FONT, cjk_font, draw

runner = CliRunner()


@pytest.fixture(scope="module")
def cjk() -> str:
    family = cjk_font()
    if family is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk; .ci/run installs it)")
    return family


def _pixels(text: str, families: list[str]):
    """Render `text` alone and return its RGB pixels, and the warnings matplotlib gave."""
    import numpy as np
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught, rc_context({"font.family": families}):
        warnings.simplefilter("always")
        fig = Figure(figsize=(3, 0.6), dpi=100)
        fig.text(0.02, 0.5, text, fontsize=20, va="center")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        image = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    return image, [str(w.message) for w in caught]


def _glyph_warnings(messages: list[str]) -> list[str]:
    return [m for m in messages if "Glyph" in m and "missing" in m]


def test_chinese_title_renders_with_the_cjk_font_not_boxes(cjk):
    title = report_document(load_scenario(), [], "zh")["forecast"]["scenario"]["title"]
    assert title == "中美科技大交易（2025年7月）"
    with_cjk, messages = _pixels(title, [BASE_FONT, cjk])
    assert _glyph_warnings(messages) == []
    boxes, missing = _pixels(title, [BASE_FONT])
    assert _glyph_warnings(missing), "the known-missing font should have warned"
    assert (with_cjk != boxes).any()
    # Tofu looks the same for every character; real glyphs do not.
    first, _ = _pixels("議", [BASE_FONT, cjk])
    second, _ = _pixels("題", [BASE_FONT, cjk])
    assert (first != second).any()
    first_box, _ = _pixels("議", [BASE_FONT])
    second_box, _ = _pixels("題", [BASE_FONT])
    assert (first_box == second_box).all()


@pytest.mark.slow
def test_chinese_pngs_have_axis_labels_and_no_missing_glyphs(zh_drawn):
    from PIL import Image

    result, figs = zh_drawn["result"], zh_drawn["folder"] / "figs"
    assert result.exit_code == 0, result.output
    charts = [chart for chart, _ in zh_drawn["charts"]]
    assert charts
    assert _glyph_warnings(zh_drawn["warnings"]) == []
    assert not (zh_drawn["folder"] / "report.html").exists()  # only the PNGs were asked for
    written = sorted(p.name for p in figs.glob("*.png"))
    assert written == sorted(f"{c.id}.png" for c in charts)
    for path in figs.glob("*.png"):
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width >= 800
    for chart, drawn in zh_drawn["charts"]:
        assert drawn["x_label"] == chart.x_label and drawn["y_label"] == chart.y_label
        assert any(chart.title.split("：")[0] in t.replace("\n", "")
                   for t in drawn["figure_texts"])
        if chart.key:
            assert any(chart.key[0] in t for t in drawn["figure_texts"])
        # Chinese axis titles really are Chinese (the labels were translated).
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chart.x_label + chart.y_label)



# --- issue 13: titles fit, bold CJK where titles are bold ------------------------------------

@pytest.fixture(scope="module")
def report_docs():
    from grandbargain.cli.report import forecast_documents, timeline_extras
    from grandbargain.report import LANGS

    scenario = load_scenario()
    models = [cls() for cls in MODELS.values()]
    results = [m.forecast(scenario) for m in models]
    forecasts = forecast_documents(scenario, models, results, None, 0, None, "normal")
    extras = timeline_extras(None, None)
    return {lg: report_document(scenario, results, lg, extras=extras, forecast=forecasts[lg])
            for lg in LANGS}


@pytest.fixture(scope="module")
def zh_drawn(cjk, tmp_path_factory):
    """`report --png DIR --lang zh` run once (shared by the tests below), recording every figure
    it draws: its chart, axis titles, figure-level texts and every text drawn (ticks included,
    as saved), the PNGs written, the command's result and the warnings it gave."""
    from grandbargain.report import _mpl

    folder = tmp_path_factory.mktemp("zh-pngs")
    drawn = []

    def recording_draw(chart, lang="en"):
        fig = original(chart, lang)
        drawn.append((chart, fig))
        return fig

    original = _mpl.draw
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        patch.chdir(folder)
        patch.setattr(_mpl, "draw", recording_draw)
        result = runner.invoke(app, ["report", "--png", str(folder / "figs"), "--lang", "zh"])
    charts = []
    for chart, fig in drawn:  # saved, so drawn: tick labels exist
        charts.append((chart, {
            "x_label": fig.axes[0].get_xlabel(), "y_label": fig.axes[0].get_ylabel(),
            "figure_texts": [t.get_text() for t in fig.texts],
            "all_texts": [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]}))
    drawn.clear()
    return {"charts": charts, "warnings": [str(w.message) for w in caught], "result": result,
            "folder": folder}


def _one_of_each_kind(charts):
    seen, out = set(), []
    for chart in charts:
        kind = chart.id.split("-")[0]
        if kind not in seen:
            seen.add(kind)
            out.append(chart)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_png_title_or_source_line_is_wider_than_its_figure(report_docs, lang, request):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if lang == "zh":
        request.getfixturevalue("cjk")
    charts = _one_of_each_kind(build_charts(report_docs[lang]))
    assert len(charts) >= 8
    for chart in charts:
        fig = draw(chart, lang)
        fig.set_dpi(150)  # measured as saved: text is a few per cent wider at 150 dpi
        renderer = FigureCanvasAgg(fig).get_renderer()
        texts = {t.get_gid(): t for t in fig.texts if t.get_gid()}
        assert "title" in texts and "source" in texts, chart.id
        for gid in ("title", "source"):
            box = texts[gid].get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= fig.bbox.x1, (lang, chart.id, gid, box.x1,
                                                           fig.bbox.x1)
            assert box.y0 >= 0 and box.y1 <= fig.bbox.y1, (lang, chart.id, gid)
        # the whole finding is there (wrapped, not cut) when it fits in three lines
        assert texts["title"].get_text().replace("\n", " ").replace("  ", " ").startswith(
            chart.title[:20])


def test_chinese_titles_use_a_bold_cjk_face_or_no_bold(cjk):
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    from grandbargain.report._mpl import title_weight

    weight = title_weight("zh")
    if weight == "bold":
        path = font_manager.findfont(FontProperties(family=cjk, weight="bold"),
                                     fallback_to_default=False)
        face = font_manager.get_font(path)
        assert "Bold" in face.style_name or "Bold" in path, path
    else:
        assert weight == "normal"
    chart = build_charts(report_document(load_scenario(), [], "zh"))[0]
    fig = draw(chart, "zh")
    title = next(t for t in fig.texts if t.get_gid() == "title")
    assert title.get_fontweight() == weight


LABELLED = ("trajectory", "deals", "smp", "timeline", "positions", "tariffs", "package")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_png_series_are_labelled_directly_without_overlap_or_cut(report_docs, lang, request):
    """No legend but the bubbles' side key; every point and end label lies inside the figure
    and overlaps no other label nor a guide's value label (at the PNG's 150 dpi)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if lang == "zh":
        request.getfixturevalue("cjk")
    charts = build_charts(report_docs[lang])
    legends = [c.id for c in charts if c.legend_entries and not c.id.startswith("positions-")]
    assert legends == []
    checked = 0
    for chart in charts:
        if not chart.id.startswith(LABELLED) or chart.id.split("-")[-1] not in (
                "ai_chip_exports", "frontier", "general", "nash"):
            continue
        fig = draw(chart, lang)
        fig.set_dpi(150)
        renderer = FigureCanvasAgg(fig).get_renderer()
        assert fig.axes[0].get_legend() is None or chart.id.startswith("positions-")
        texts = [t for t in fig.axes[0].texts if t.get_gid() in ("label", "end-label", "guide")
                 and t.get_text().strip()]
        boxes = [(t.get_gid(), t.get_text(), t.get_window_extent(renderer)) for t in texts]
        labels = [b for b in boxes if b[0] != "guide"]
        assert labels, chart.id
        for _, text, box in labels:
            assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0 and \
                box.y1 <= fig.bbox.y1, (lang, chart.id, text)
        for k, (_, text, box) in enumerate(labels):
            for _, other, box2 in [*labels[k + 1:], *(b for b in boxes if b[0] == "guide")]:
                w = min(box.x1, box2.x1) - max(box.x0, box2.x0)
                h = min(box.y1, box2.y1) - max(box.y0, box2.y0)
                assert w <= 2 or h <= 2, (lang, chart.id, text, other)
        checked += 1
    assert checked >= 6


@pytest.mark.slow
def test_chinese_pngs_show_no_english_sentence(report_docs, zh_drawn):
    """Every text drawn in the Chinese PNGs (titles, axes, ticks, labels, keys, legend tables,
    source lines) holds no English word outside ids, names, commands and file names."""
    import re

    from grandbargain.cli import COMMANDS
    from grandbargain.scenario import builtin_scenarios
    from tests.test_zh import english_words

    scenario = load_scenario()
    doc = report_docs["zh"]
    allowed = {a.id for a in scenario.actors} | {i.id for i in scenario.issues} \
        | set(MODELS) | set(builtin_scenarios()) | {m["name"] for m in doc["forecast"]["models"]}
    commands = "|".join(sorted({*COMMANDS, "stack"}, key=len, reverse=True))
    found = []
    for chart, drawn in zh_drawn["charts"]:
        for text in dict.fromkeys(drawn["all_texts"]):
            text = re.sub(rf"grandbargain(?: (?:{commands}))*", " ", text)
            text = re.sub(r"--[a-z][a-z\-]* [a-z0-9][a-z0-9\-]*", " ", text)
            text = re.sub(r"[\w.\-]+\.(?:ya?ml|json|csv)\b", " ", text)
            words = english_words(text, allowed)
            if words:
                found.append(f"{chart.id}: {words} in {text[:80]!r}")
    assert found == [], "\n".join(found[:30])
