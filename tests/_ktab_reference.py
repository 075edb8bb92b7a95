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


def run_smpc(smpc: Path, case: Path) -> tuple[float, list[list[float]]]:
    """smpc's wall time (--logmin, in a fresh folder with its logger configuration) and the
    final positions it prints (its position history: one row per actor and dimension, the
    last column, one decimal)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        conf = smpc.parent / "smpc-logger.conf"
        if conf.exists():
            shutil.copy(conf, folder)
        started = time.perf_counter()
        subprocess.run([str(smpc), "--logmin", "--csv", str(case), "--connstr",
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
        rows.append([float(v) for v in line.rsplit(":", 1)[1].split()[-1:]])
    return seconds, rows


