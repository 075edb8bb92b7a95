"""Run benchmarks by name: `python benchmarks/run.py NAME [NAME ...]` or `all`.

Each benchmark is a module `benchmarks/bench_<name>.py` with a `main()` that measures its case
side by side with its baseline and calls `_record.record(...)`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = available() if argv == ["all"] else argv
    if not names:
        print(f"usage: python benchmarks/run.py NAME|all   (available: {', '.join(available())})")
        return 2
    sys.path.insert(0, str(HERE))
    for name in names:
        if name not in available():
            print(f"no benchmark '{name}' (available: {', '.join(available())})")
            return 2
        print(f"== {name}")
        importlib.import_module(f"bench_{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
