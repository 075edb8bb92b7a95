"""KTAB's smpc, when built on this machine (benchmarks/build_smpc.sh): where it is, and one run."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

BUILD = ("bash benchmarks/build_smpc.sh KTAB_SRC EASYLOGGINGPP_SRC (checkouts of lsyaseen/KTAB "
         "and amrayn/easyloggingpp)")


def smpc_path() -> Path | None:
    env = os.environ.get("GRANDBARGAIN_SMPC")
    candidates = [Path(env)] if env else []
    candidates.append(Path.home() / ".cache" / "grandbargain" / "ktab" / "smpc")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


#: KTAB's model parameters as smpc's XML scenario names them, with smpc's defaults
SMPC_DEFAULTS = {"VictoryProbModel": "Linear", "PCEModel": "Conditional",
                 "StateTransitions": "Deterministic", "VotingRule": "Prop",
                 "BigRAdjust": "OneThird", "BigRRange": "Mid",
                 "ThirdPartyCommit": "SemiCommit", "InterVecBrgn": "S2P2",
                 "BargnModel": "InitOnlyInterp"}


def smpc_xml(case: Path, **parameters: str) -> str:
    """A one-file KTAB CSV scenario as smpc's XML scenario, with model parameters (smpc reads
    parameters only from XML; the identity accommodation is what it uses for CSV input)."""
    from xml.sax.saxutils import escape

    rows = [[c.strip() for c in line.split(",")] for line in case.read_text().splitlines()]
    dims = int(rows[0][3])
    header = rows[1]
    names = [header[3 + 2 * k].rsplit(" Position", 1)[0] for k in range(dims)]
    actors = [r for r in rows[2:] if r and r[0]]
    params = {**SMPC_DEFAULTS, **parameters}
    out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<Scenario>",
           f"<name>{escape(case.stem)}</name>", "<desc>grandbargain test</desc>",
           "<prngSeed>15455440707583219804</prngSeed>", "<ModelParameters>",
           *(f"<{k}>{v}</{k}>" for k, v in params.items()), "</ModelParameters>",
           "<Dimensions>", *(f"<dName>{escape(n)}</dName>" for n in names), "</Dimensions>",
           "<Actors>"]
    for a in actors:
        out += ["<Actor>", f"<name>{escape(a[0])}</name>",
                f"<description>{escape(a[1])}</description>", f"<capability>{a[2]}</capability>",
                "<Position>", *(f"<dCoord>{a[3 + 2 * k]}</dCoord>" for k in range(dims)),
                "</Position>", "<Salience>",
                *(f"<dSal>{a[4 + 2 * k]}</dSal>" for k in range(dims)), "</Salience>",
                "</Actor>"]
    first = escape(actors[0][0])
    out += ["</Actors>", "<IdealAdjustment><iaPair>", f"<adjustingIdeal>{first}</adjustingIdeal>",
            f"<referencePos>{first}</referencePos>", "<adjust>1.0</adjust>",
            "</iaPair></IdealAdjustment>", "</Scenario>"]
    return "\n".join(out)


def run_smpc(smpc: Path, case: Path, history: bool = False,
             **parameters: str) -> tuple[float, list[list[float]]]:
    """smpc's wall time (--logmin, in a fresh folder with its logger configuration) and the
    positions it prints (its position history: one row per actor and dimension, one decimal):
    the last column, or with history=True every column (the start, then every turn). KTAB
    model parameters (SMPC_DEFAULTS' names) run the case through smpc's XML reader."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        conf = smpc.parent / "smpc-logger.conf"
        if conf.exists():
            shutil.copy(conf, folder)
        source = ["--csv", str(case)]
        if parameters:
            (Path(folder) / "scenario.xml").write_text(smpc_xml(case, **parameters))
            source = ["--xml", "scenario.xml"]
        started = time.perf_counter()
        subprocess.run([str(smpc), "--logmin", *source, "--connstr",
                        "Driver=QSQLITE;Database=smpc"], cwd=folder,
                       capture_output=True, text=True, timeout=3600, check=True)
        seconds = time.perf_counter() - started
        text = "".join(p.read_text(errors="replace") for p in Path(folder).glob("*log*.txt"))
    lines = text.splitlines()
    try:
        first = next(k for k, line in enumerate(lines) if "History of actor positions" in line)
    except StopIteration:
        return seconds, []
    rows = []
    for line in lines[first + 1:]:
        if "History of actors" in line or ":" not in line:
            break
        values = [float(v) for v in line.rsplit(":", 1)[1].split()]
        rows.append(values if history else values[-1:])
    return seconds, rows


