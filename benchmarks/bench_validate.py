"""How long `grandbargain validate --deu` takes on a DEU III-sized table, per model, side by side
with the compromise model (the cheapest, the baseline) in one run.

The real DEU III file cannot be downloaded here, so the table is synthetic in its exact layout
and size: 364 issues, the Commission, the Parliament and 28 member states, positions on a few
points of 0-100 as in DEU, COD and CNS procedures (seeded, so every run times the same input).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from _record import record
from grandbargain.models import MODELS
from grandbargain.scenario._deu import DEU_ACTORS
from grandbargain.validate import load_deu, validate_deu
from grandbargain.validate._run import run_models

ISSUES = 364
REPEATS = 3


def synthetic_deu(folder: Path, seed: int = 7) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    codes = list(DEU_ACTORS)
    states = [c for c in codes if c not in ("com", "ep")]
    header = ["prnr", "isnr", "prname", "proc", *(f"p{c}" for c in codes),
              *(f"s{c}" for c in codes), "rp", "out"]
    lines = [";".join(header)]
    for k in range(ISSUES):
        points = rng.choice([0, 10, 25, 40, 50, 60, 75, 90, 100], size=3, replace=False)
        positions = rng.choice(points, size=len(codes)).astype(float)
        saliences = rng.choice([30, 50, 70, 90, 100], size=len(codes)).astype(float)
        absent = rng.random(len(codes)) < 0.3  # some actors state no position
        p = ["" if a else f"{x:g}" for x, a in zip(positions, absent, strict=True)]
        s = ["" if a else f"{x:g}" for x, a in zip(saliences, absent, strict=True)]
        proc = "COD" if rng.random() < 0.6 else "CNS"
        lines.append(";".join([f"p{k // 3}", f"i{k}", f"proposal {k // 3}", proc, *p, *s,
                               f"{points[0]:g}", f"{rng.choice(points):g}"]))
    table = folder / "deu_synthetic.csv"
    table.write_text("\n".join(lines) + "\n")
    weights = folder / "weights.csv"
    weights.write_text("deu_code,weight\n" + "".join(f"{c},{w}\n" for c, w in zip(
        states, rng.integers(3, 30, size=len(states)), strict=True)))
    return table, weights


def best_of(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        table, weights = synthetic_deu(Path(tmp))
        load = best_of(lambda: load_deu(table, weights))
        scenario = load_deu(table, weights)
        per_model = {name: best_of(lambda cls=cls: run_models(scenario, [cls()], False))
                     for name, cls in MODELS.items()}
        total = best_of(lambda: validate_deu(table, weights))
    base = per_model["compromise"]
    rows = [f"| {name} | {t * 1000:.1f} | {t / base:.1f}x |" for name, t in per_model.items()]
    body = (
        f"Synthetic DEU III-sized table ({ISSUES} issues, 30 actors, about 70% taking part in "
        "each issue), best of 3. Baseline: the compromise model in the same run. The machine's "
        "2 cores are shared with other work, so read the ratios, not the absolute times.\n\n"
        "| step | time (ms) | vs compromise |\n|---|---:|---:|\n"
        + "\n".join(rows)
        + f"\n| load + institution weights | {load * 1000:.1f} | {load / base:.1f}x |"
        + f"\n| whole `validate_deu` (load, every model, ensemble, scores) | "
        f"{total * 1000:.1f} | {total / base:.1f}x |\n")
    print(body)
    record("validate", "validate: scoring every model on a DEU III-sized table", body)


if __name__ == "__main__":
    main()
