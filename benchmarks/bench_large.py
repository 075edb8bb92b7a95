"""2,000 actors x 50 issues (issue 12 item 5): `grandbargain check` and the default
`grandbargain forecast` (every default model, bottom line included) on a generated scenario,
each in a fresh process, alternated with `python3 -c pass` as the reference; medians of the wall
time, the process's CPU time and its peak resident memory (its own rusage).

Targets: `check` under 3 s; `forecast` with every model that accepts that size under 30 s and
1 GB, the others refusing before they start, with the reason (printed on stderr; the benchmark
records which models ran and which refused). The scenario comes from bench_loading's generator
(seeded; not shipped data). The results cache is off (GRANDBARGAIN_CACHE=off): every run
computes everything.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record
from bench_loading import big_scenario

SRC = Path(__file__).resolve().parent.parent / "src"
REPEATS = 3


def run(argv: list[str]) -> tuple[float, float, float, str]:
    """Wall s, CPU s, peak MB and stderr of one fresh process."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "GRANDBARGAIN_CACHE": "off"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} failed: {err[-800:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        big = big_scenario(Path(tmp) / "big.yaml")
        out = Path(tmp) / "forecast.json"
        cases = {
            "`python3 -c pass` (reference)": [py, "-c", "pass"],
            "`grandbargain check`": [py, "-m", "grandbargain", "check", str(big)],
            "`grandbargain forecast` (defaults)": [py, "-m", "grandbargain", "forecast",
                                                   str(big), "-f", "json", "-o", str(out)],
        }
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
        notes = ""
        for _ in range(REPEATS):
            for name, argv in cases.items():
                wall, cpu, peak, err = run(argv)
                runs[name].append((wall, cpu, peak))
                if "forecast" in name:
                    notes = err
        document = json.loads(out.read_text())
    ran = [m["name"] for m in document["models"]]
    refused = document.get("models_left_out", {})
    rows = []
    for name, values in runs.items():
        wall, cpu, peak = (statistics.median(v[k] for v in values) for k in range(3))
        rows.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} |")
        print(f"{name}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak {peak:.0f} MB")
    print("ran:", ", ".join(ran), "| refused:", ", ".join(refused))
    refusals = "\n".join(f"- `{name}`: {reason}" for name, reason in refused.items())
    body = (
        "Generated scenario (benchmarks/bench_loading.py's generator, seed 1): 2,000 actors, "
        "50 issues, 100,000 stances, 3.9 MB of YAML, no principals (so the bottom line is the "
        f"models' ensemble). Each command in a fresh process, {REPEATS} rounds alternating the "
        "three, medians; CPU is user + system time of the process, peak its maximum resident "
        "set. Results cache off. Targets (issue 12): `check` under 3 s; `forecast` with every "
        "model that accepts the size under 30 s and 1 GB, the others refusing up front.\n\n"
        "| command | wall s | CPU s | peak MB |\n|---|---:|---:|---:|\n" + "\n".join(rows)
        + f"\n\nThe default forecast ran {', '.join(ran)}; the models that refuse this size "
        "said so on stderr before anything ran (`-m NAME` for one of them ends the command "
        "with exit status 2 and the same reason):\n\n" + refusals + "\n\n"
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; on a "
        "machine shared with other jobs the figures are provisional: read the CPU column.")
    if notes:
        print(notes[-400:])
    record("large", "2,000 actors x 50 issues: check and the default forecast", body)


if __name__ == "__main__":
    main()
