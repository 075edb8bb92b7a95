"""The HTML report against plotly's own HTML export of the same figures.

Both start from the same report documents (default scenario, every registered model, English and
Chinese) and the same charts. Ours writes one page: plotly.js inlined once, both languages, the
data islands, tables and rationales. The baseline is what plotly offers out of the box:
`plotly.io.to_html` per figure, (a) each a self-contained page (`include_plotlyjs=True`, what
`fig.write_html` gives) and (b) one page with plotly.js inlined once and every other figure
without it. Time is the median of 3 runs on this shared 2-core machine, so compare the ratios.
PNG figures (matplotlib) are timed per chart.

In the browser (headless Chromium, when installed): the page `grandbargain report` writes with
its defaults, against baseline (b) opened the same way, alternating the two, a fresh browser per
run. Ours: from navigation to the load event (the bottom line on the first screen is plain HTML),
then the charts of the first chart section scrolled to, then the switch to 繁體中文. Baseline:
from navigation until every figure is drawn (plotly's pages draw every figure at load).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import _record
from grandbargain.models import MODELS
from grandbargain.report import LANGS, build_charts, report_document
from grandbargain.report._plotly import figure
from grandbargain.report.figures import write_pngs
from grandbargain.report.html import render_html
from grandbargain.scenario import load_scenario

RUNS = 3


def _timed(fn):
    times, out = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    import plotly.graph_objects as go
    import plotly.io as pio

    from grandbargain.cli.report import forecast_documents, timeline_extras

    scenario = load_scenario()
    models = [cls() for cls in MODELS.values()]
    results = [m.forecast(scenario) for m in models]
    # the documents `grandbargain report` builds with its defaults (bottom line, timeline)
    forecasts = forecast_documents(scenario, models, results, None, 0, None, "normal")
    extras = timeline_extras(None, None)
    docs = {lg: report_document(scenario, results, lg, extras=extras, forecast=forecasts[lg])
            for lg in LANGS}
    charts = {lg: build_charts(docs[lg]) for lg in LANGS}
    n_charts = sum(len(c) for c in charts.values())

    ours_time, page = _timed(lambda: render_html(docs, "en"))

    def plotly_pages(shared: bool) -> list[str]:
        pages = []
        for lg in LANGS:
            for k, chart in enumerate(charts[lg]):
                fig = go.Figure(figure(chart))
                include = True if not shared else (lg == LANGS[0] and k == 0)
                pages.append(pio.to_html(fig, include_plotlyjs=include, full_html=not shared))
        return pages

    separate_time, separate = _timed(lambda: plotly_pages(shared=False))
    shared_time, shared = _timed(lambda: plotly_pages(shared=True))

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        pngs = write_pngs(docs["en"], Path(folder))
        png_time = time.perf_counter() - start
        png_bytes = sum(p.stat().st_size for p in pngs)

    mb = 1024 * 1024
    ours_size = len(page.encode()) / mb
    separate_size = sum(len(p.encode()) for p in separate) / mb
    shared_size = sum(len(p.encode()) for p in shared) / mb
    rows = [
        ("grandbargain report (one page, both languages, data + tables)", ours_time, ours_size,
         1),
        ("plotly `to_html` per figure, self-contained (baseline a)", separate_time,
         separate_size, len(separate)),
        ("plotly `to_html`, plotly.js once, figures only (baseline b)", shared_time, shared_size,
         1),
    ]
    lines = [
        f"Default scenario, {len(results)} models, {n_charts} charts ({n_charts // 2} per "
        "language). Median of 3 runs; the machine's 2 cores are shared with other work, so "
        "read the ratios.",
        "",
        "| output | time (s) | size (MB) | files | time vs ours | size vs ours |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, seconds, size, files in rows:
        lines.append(f"| {name} | {seconds:.2f} | {size:.1f} | {files} | "
                     f"{seconds / ours_time:.2f}x | {size / ours_size:.2f}x |")
    lines += [
        "",
        f"PNG figures (matplotlib, 150 dpi): {len(pngs)} charts in {png_time:.1f} s "
        f"({png_time / len(pngs) * 1000:.0f} ms each), {png_bytes / mb:.1f} MB.",
    ]
    lines += ["", *browser_lines(page, shared)]
    body = "\n".join(lines)
    print(body)
    _record.record("report", "Report: HTML page and PNG figures", body)


BROWSER_RUNS = 3
ALL_DRAWN = """(function () {
  var divs = document.querySelectorAll('.js-plotly-plot, .plotly-graph-div');
  var done = 0;
  divs.forEach(function (d) { if (d.querySelector('.main-svg')) { done += 1; } });
  return divs.length > 0 && done === divs.length;
})()"""
SECTION_DRAWN = """(function (lang) {
  var section = document.getElementById(lang + '-forecasts');
  var divs = Array.prototype.filter.call(section.querySelectorAll('.chart'), function (d) {
    var r = d.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; });
  return divs.length > 0 && divs.every(function (d) { return d.querySelector('.main-svg'); });
})('%s')"""


ROOT = str(Path(__file__).resolve().parent.parent)


def _browser_run(path: Path, ours: bool) -> dict[str, float]:
    from tests._chromium import Browser

    with Browser(width=1280, height=900, timeout=300) as browser:
        start = time.perf_counter()
        browser.open(path.as_uri())
        loaded = time.perf_counter() - start
        if not ours:
            browser.wait_until(ALL_DRAWN, timeout=300)
            return {"load": loaded, "drawn": time.perf_counter() - start}
        start = time.perf_counter()
        browser.evaluate("document.querySelector('#en-forecasts .chart').scrollIntoView()")
        browser.wait_until(SECTION_DRAWN % "en")
        section = time.perf_counter() - start
        start = time.perf_counter()
        browser.evaluate("document.querySelector('button[data-set-lang=\"zh\"]').click();"
                         "document.querySelector('#zh-forecasts .chart').scrollIntoView()")
        browser.wait_until(SECTION_DRAWN % "zh")
        switch = time.perf_counter() - start
        return {"load": loaded, "section": section, "switch": switch,
                "drawn": loaded + section}


def browser_lines(page: str, shared: list[str]) -> list[str]:
    """Load and render times in headless Chromium, ours and baseline (b), alternating."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)  # the browser driver of the tests
    from tests._chromium import chromium_path

    if chromium_path() is None:
        return ["Browser timing skipped: chromium is not installed."]
    with tempfile.TemporaryDirectory() as folder:
        ours_path = Path(folder) / "report.html"
        ours_path.write_text(page, encoding="utf-8")
        base_path = Path(folder) / "baseline.html"
        base_path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                             + "".join(shared) + "</body></html>", encoding="utf-8")
        ours, base = [], []
        for _ in range(BROWSER_RUNS):
            ours.append(_browser_run(ours_path, True))
            base.append(_browser_run(base_path, False))

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    mb = 1024 * 1024
    return [
        f"Headless Chromium ({BROWSER_RUNS} runs each, alternating, a fresh browser per run; "
        "median seconds):",
        "",
        "| page | size (MB) | load event | first chart section drawn | switch to 繁體中文 "
        "(its first section drawn) | every figure drawn |",
        "|---|---:|---:|---:|---:|---:|",
        f"| grandbargain report (lazy: charts drawn when scrolled into view) | "
        f"{len(page.encode()) / mb:.1f} | {median(ours, 'load'):.2f} | "
        f"{median(ours, 'section'):.2f} | {median(ours, 'switch'):.2f} | on demand |",
        f"| baseline (b): plotly.js once, every figure drawn at load | "
        f"{base_path_size(shared) / mb:.1f} | {median(base, 'load'):.2f} | – | – | "
        f"{median(base, 'drawn'):.2f} |",
        "",
        f"Time until the reader sees the first screen: ours {median(ours, 'load'):.2f} s, "
        f"baseline {median(base, 'drawn'):.2f} s "
        f"({median(base, 'drawn') / median(ours, 'load'):.1f}x).",
    ]


def base_path_size(shared: list[str]) -> int:
    return sum(len(p.encode()) for p in shared)


if __name__ == "__main__":
    main()
