"""Run one of ../shared/spec/reference/ref_eum*.py on a CSV and print its rounds as JSON.

Usage: python _eu_reference_driver.py REFERENCE_DIR MODULE CSV ROUNDS
Prints {"median": [...], "mean": [...], "positions": [[...], ...] or null, "failed": null}
at full precision; where the reading divides by zero (every actor equally secure, which the
model handles by EU-05) the positions of the rounds it finished and the reason.
For `ref_eum` the positions of every round are read off its own median walk (it calls
`dict.fromkeys(x)` on the current positions once per median), without touching its code.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    directory, name, path, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sys.path.insert(0, directory)
    module = __import__(name)
    seen: list[list[float]] = []
    if name == "ref_eum":
        class _Recorder(dict):
            @classmethod
            def fromkeys(cls, iterable, value=None):
                values = list(iterable)
                seen.append([float(v) for v in values])
                return dict.fromkeys(values, value)

        module.dict = _Recorder  # the module's global `dict`, used only by its median walk
    try:
        out = module.run(module.load(path), rounds)
    except ZeroDivisionError:  # every actor equally secure: the reading divides by max - min
        print(json.dumps({"median": None, "mean": None, "positions": seen,
                          "failed": "every actor equally secure (division by zero) after "
                                    f"round {len(seen) - 1}"}))
        return
    print(json.dumps({"median": [m for m, _ in out], "mean": [a for _, a in out],
                      "positions": seen if name == "ref_eum" else None, "failed": None}))


if __name__ == "__main__":
    main()
