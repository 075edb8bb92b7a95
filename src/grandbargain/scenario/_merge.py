"""`extends:`: a scenario file that starts from another and changes only what it names.

Mappings merge key by key; the lists `issues`, `actors` and `principals` merge item by item on
`id` (a new id is appended); anything else in the child replaces the base. Every merged value
keeps the location of the file it came from, so errors still point at the right line. A text the
child rewrites (`rationale`, `description`, `sources`...) without its `_zh` translation drops the
base's translation, which translated the old text (`check` then warns that it is missing).
"""

from __future__ import annotations

from typing import Any

from grandbargain.scenario._errors import Location

_LISTS_BY_ID = {("issues",), ("actors",), ("principals",)}
Locator = dict[tuple, Location]


def _copy_locations(src: Locator, src_path: tuple, out: Locator, out_path: tuple) -> None:
    n = len(src_path)
    for path, loc in src.items():
        if path[:n] == src_path:
            out[out_path + path[n:]] = loc


def _merge(base: Any, child: Any, bpath: tuple, cpath: tuple, opath: tuple,
           bloc: Locator, cloc: Locator, out: Locator) -> Any:
    if isinstance(base, dict) and isinstance(child, dict):
        merged: dict[Any, Any] = {}
        out[opath] = cloc.get(cpath, bloc.get(bpath))  # type: ignore[assignment]
        for key, value in base.items():
            if key in child:
                merged[key] = _merge(value, child[key], (*bpath, key), (*cpath, key),
                                     (*opath, key), bloc, cloc, out)
            else:
                merged[key] = value
                _copy_locations(bloc, (*bpath, key), out, (*opath, key))
        for key, value in child.items():
            if key not in base:
                merged[key] = value
                _copy_locations(cloc, (*cpath, key), out, (*opath, key))
        for key in child:  # a text the child rewrites drops the base's translation of it
            stale = f"{key}_zh"
            if isinstance(key, str) and stale in base and stale not in child:
                del merged[stale]
                for path in [p for p in out if p[:len(opath) + 1] == (*opath, stale)]:
                    del out[path]
        return merged
    if (opath in _LISTS_BY_ID and isinstance(base, list) and isinstance(child, list)
            and all(isinstance(x, dict) for x in base + child)):
        merged_list: list[Any] = []
        position: dict[Any, int] = {}
        for k, item in enumerate(base):
            position.setdefault(item.get("id"), len(merged_list))
            merged_list.append(("base", k, item))
        for k, item in enumerate(child):
            key = item.get("id")
            if key is not None and key in position:
                j = position[key]
                merged_list[j] = ("both", (merged_list[j][1], k), None)
            else:
                merged_list.append(("child", k, item))
        result = []
        for j, (origin, k, item) in enumerate(merged_list):
            if origin == "base":
                _copy_locations(bloc, (*bpath, k), out, (*opath, j))
                result.append(item)
            elif origin == "child":
                _copy_locations(cloc, (*cpath, k), out, (*opath, j))
                result.append(item)
            else:
                kb, kc = k
                result.append(_merge(base[kb], child[kc], (*bpath, kb), (*cpath, kc),
                                     (*opath, j), bloc, cloc, out))
        out[opath] = cloc.get(cpath, bloc.get(bpath))  # type: ignore[assignment]
        return result
    _copy_locations(cloc, cpath, out, opath)
    return child


def merge_documents(base: dict, base_loc: Locator, child: dict,
                    child_loc: Locator) -> tuple[dict, Locator]:
    """The child document laid over the base, with a locator for the result."""
    child = {k: v for k, v in child.items() if k != "extends"}
    out: Locator = {}
    merged = _merge(base, child, (), (), (), base_loc, child_loc, out)
    return merged, {k: v for k, v in out.items() if v is not None}
