"""The self-contained HTML report: one file, both languages, plotly.js inlined, no network.

The page embeds two data islands: `gb-data` (the report documents, one per language, whose
`forecast` part is what `grandbargain forecast --format json` prints) and `gb-charts` (the plotly
figures built from those documents). A small script draws the figures of the language shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from grandbargain.report._bottom_line import bottom_line_lines
from grandbargain.report._charts import Chart, build_charts
from grandbargain.report._forecast_table import unsettled_note
from grandbargain.report._likelihood import likelihood_text
from grandbargain.report._plotly import FONT, ZH_TW_LOCALE, figure, plotly_js
from grandbargain.report._render import _plain
from grandbargain.report._report_words import LANGS, word

ISLAND_DATA = "gb-data"
ISLAND_CHARTS = "gb-charts"


def script_json(value: Any) -> str:
    """JSON safe inside <script>: every '<' escaped, so no '</script>' or '<!--' can appear."""
    text = json.dumps(_plain(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def _environment():
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the HTML report needs jinja2: pip install 'grandbargain[report]'"
                           ) from exc
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("grandbargain.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["ticks"] = _ticks
    return env


def _ticks(text: str):
    """Text whose `quoted` parts are commands: escaped, and shown as code, not backticks."""
    from markupsafe import Markup, escape

    parts = str(text).split("`")
    return Markup("".join(str(escape(p)) if k % 2 == 0 else f"<code>{escape(p)}</code>"
                          for k, p in enumerate(parts)))


def params_text(params: Mapping[str, Any]) -> str:
    """A model's parameters as readers see them: the ones set, 'name = value', no None."""
    shown = [f"{k} = {v}" for k, v in params.items() if v is not None]
    return "; ".join(shown) if shown else "–"


def _raw(value: Any) -> str:
    """A number at full precision for the CSV download (data-value), '' when missing."""
    if value is None or isinstance(value, bool):
        return ""
    return repr(float(value)) if isinstance(value, int | float) else str(value)


def _by_id(charts: list[Chart]) -> dict[str, Chart]:
    return {c.id: c for c in charts}


def render_html(documents: Mapping[str, dict[str, Any]], lang: str = "en") -> str:
    """The report page for documents {"en": ..., "zh": ...}, opening in `lang`."""
    langs = [lg for lg in LANGS if lg in documents]
    charts = {lg: build_charts(documents[lg]) for lg in langs}
    figures = {lg: {c.id: figure(c) for c in charts[lg]} for lg in langs}
    js = plotly_js()
    if "</script" in js.lower():  # pragma: no cover - a guard on the bundled file
        raise RuntimeError("the bundled plotly.js cannot be inlined safely")
    template = _environment().get_template("report.html.j2")
    return template.render(
        langs=langs, start_lang=lang if lang in langs else langs[0], docs=documents,
        charts={lg: _by_id(charts[lg]) for lg in langs}, word=word,
        heights={lg: {k: f["layout"]["height"] for k, f in figures[lg].items()} for lg in langs},
        fmt=_fmt, data_json=script_json(documents), charts_json=script_json(figures),
        island_data=ISLAND_DATA, island_charts=ISLAND_CHARTS, plotly_js=js,
        raw=_raw, params=params_text, zh_locale=ZH_TW_LOCALE, font_stack=FONT,
        likely=likelihood_text,
        scenario_id=documents[langs[0]]["forecast"]["scenario"]["id"],
        download_words={lg: {"csv": word("download_csv", lg), "language": word("language", lg)}
                        for lg in langs},
        titles={lg: documents[lg]["forecast"]["scenario"]["title"] for lg in langs},
        unsettled={lg: unsettled_note(documents[lg]["forecast"], lg) for lg in langs},
        bottom_lines={lg: bottom_line_blocks(documents[lg]["forecast"], lg) for lg in langs})


def bottom_line_blocks(forecast: dict[str, Any], lang: str) -> dict[str, Any]:
    """The bottom line for the page: its title, the lines before the per-issue list, the
    per-issue rows (a table when the bottom line is a package), and the lines after it."""
    doc = forecast.get("bottom_line")
    if not doc:
        return {}
    lines = bottom_line_lines(doc, lang)
    first = next((k for k, line in enumerate(lines) if line.startswith("- ")), len(lines))
    last = first
    while last < len(lines) and lines[last].startswith("- "):
        last += 1
    rows = []
    if doc.get("kind") == "package" and not doc.get("no_deal"):
        rows = [{"name": i["name"], "option": i["option"], "no_deal": i["no_deal_value"],
                 "value": i["value"], "moved": i["moved"], "share": i["p_in_nash"]}
                for i in doc["issues"]]
    draws = doc.get("draws") or {}
    return {"title": lines[0], "before": lines[1:first], "list_items": lines[first:last],
            "rows": rows, "after": lines[last:],
            "package_p": draws.get("same_package"), "zopa_p": draws.get("zopa_nonempty"),
            "horizon": horizon_text(forecast, lang)}


def horizon_text(forecast: dict[str, Any], lang: str) -> str:
    """The time horizon the bottom line speaks for: the scenario's date; the models forecast
    the outcome of the bargain, not when it is reached."""
    as_of = forecast["scenario"].get("as_of")
    if as_of:
        return word("horizon_as_of", lang).format(as_of=as_of)
    return word("horizon_none", lang)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def extract_island(html: str, island: str = ISLAND_DATA) -> Any:
    """Read a data island back out of a report page (for tests and other tools)."""
    start_tag = f'<script type="application/json" id="{island}">'
    start = html.index(start_tag) + len(start_tag)
    end = html.index("</script>", start)
    return json.loads(html[start:end])
