"""The HTML report against plotly's own HTML export of the same figures.

Both start from the same report documents (default scenario, every registered model, English and
Chinese) and the same charts. Ours writes one page: plotly.js inlined once, both languages, the
data islands, tables and rationales. The baseline is what plotly offers out of the box:
`plotly.io.to_html` per figure, (a) each a self-contained page (`include_plotlyjs=True`, what
`fig.write_html` gives) and (b) one page with plotly.js inlined once and every other figure
without it. Time is the median of 3 runs on this shared 2-core machine, so compare the ratios.
PNG figures (matplotlib) are timed per chart.
"""

from __future__ import annotations

import statistics
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

    scenario = load_scenario()
    results = [cls().forecast(scenario) for cls in MODELS.values()]
    docs = {lg: report_document(scenario, results, lg) for lg in LANGS}
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
    body = "\n".join(lines)
    print(body)
    _record.record("report", "Report: HTML page and PNG figures", body)


if __name__ == "__main__":
    main()
