"""`grandbargain forecast` on the default scenario as users run it (defaults: every model, the
package columns, the bottom line with 100 draws and its signposts), against the same command
with `--no-bottom-line` (the forecast table alone, package columns included). Each is a fresh
process (imports included), alternated, 7 runs each; the ratio is of the medians. The bottom
line's parts are also timed in process (median of 7). The results cache is off
(GRANDBARGAIN_CACHE=off): every run computes everything (bench_startup times the cached run).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _record

RUNS = 7
SRC = Path(__file__).resolve().parent.parent / "src"


def _command(*extra: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(SRC), "GRANDBARGAIN_CACHE": "off"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grandbargain", "forecast", *extra], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from grandbargain.bottomline import (
        DEFAULT_DRAWS,
        DEFAULT_NOISE,
        judge,
        package_analysis,
        signposts,
    )
    from grandbargain.models import MODELS
    from grandbargain.scenario import load_scenario
    from grandbargain.uncertainty import deal_options, run_simulation, simulation

    full, plain = [], []
    for _ in range(RUNS):
        full.append(_command())
        plain.append(_command("--no-bottom-line"))
    s = load_scenario()
    results = [cls().forecast(s) for cls in MODELS.values()]
    analysis, _ = package_analysis(s)
    package = analysis.solutions["nash"].solution.package
    parts = [
        ("deals analysis (frontier, solutions, ZOPA)", _median(lambda: package_analysis(s))),
        (f"Nash package under {DEFAULT_DRAWS} draws", _median(lambda: run_simulation(
            simulation(s, [], DEFAULT_NOISE, DEFAULT_DRAWS, 0, deals=deal_options())))),
        ("signposts (scan, bisection, checks)",
         _median(lambda: signposts(s, deal_options(), package))),
        ("whole bottom line (judge)", _median(lambda: judge(s, results, analysis=analysis))),
    ]
    med_full, med_plain = statistics.median(full), statistics.median(plain)
    body = "\n".join([
        "| command (fresh process) | median | runs |",
        "|---|---:|---:|",
        f"| `grandbargain forecast` (default: bottom line first) | {med_full:.2f} s | {RUNS} |",
        f"| `grandbargain forecast --no-bottom-line` | {med_plain:.2f} s | {RUNS} |",
        "",
        f"Ratio of medians: {med_full / med_plain:.2f}x "
        f"(+{med_full - med_plain:.2f} s for the bottom line).",
        "",
        "| part of the bottom line (in process) | median |",
        "|---|---:|",
        *(f"| {name} | {t * 1000:.0f} ms |" for name, t in parts),
        "",
        "Machine shared with other jobs while this ran: provisional figures.",
    ])
    print(body)
    _record.record("forecast", "The default forecast with its bottom line", body)
