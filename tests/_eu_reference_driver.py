"""Run one of ../shared/spec/reference/ref_eum*.py on a CSV and print its rounds as JSON.

Usage: python _eu_reference_driver.py REFERENCE_DIR MODULE CSV ROUNDS
Prints {"median": [...], "mean": [...], "positions": [[...], ...] or null, "failed": null}
at full precision; where the reading divides by zero (every actor equally secure, which the
model handles by EU-05) the positions of the rounds it finished and the reason.
For `ref_eum` the positions of every round are read off its own median walk (it calls
`dict.fromkeys(x)` on the current positions once per median); for `ref_eum_textbook` off its
`max(x)` at the start of every round (so the positions after rounds 0..T-1). Neither reading's
code is touched: only the names `dict` and `max` in its module are wrapped.
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
    else:  # ref_eum_textbook: each round opens with R = max(x) - min(x), then max(sec)
        import builtins

        calls: list[list[float]] = []

        def _max(*args, **kwargs):
            if len(args) == 1 and isinstance(args[0], list):
                calls.append([float(v) for v in args[0]])
            return builtins.max(*args, **kwargs)

        module.max = _max
    try:
        out = module.run(module.load(path), rounds)
    except ZeroDivisionError:  # every actor equally secure: the reading divides by max - min
        print(json.dumps({"median": None, "mean": None, "positions": seen,
                          "failed": "every actor equally secure (division by zero) after "
                                    f"round {len(seen) - 1}"}))
        return
    if name != "ref_eum":
        seen = calls[0::2]  # positions at the start of rounds 1..T (after rounds 0..T-1)
    print(json.dumps({"median": [m for m, _ in out], "mean": [a for _, a in out],
                      "positions": seen, "failed": None}))


if __name__ == "__main__":
    main()
