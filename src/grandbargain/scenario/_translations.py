"""Missing translations: every text of a bilingual scenario file needs its `_zh` twin.

A file is bilingual when it declares `languages: [en, zh]` or holds any `_zh` text. Then each
English text it shows (title, description, sources, issue and actor names, units, anchor labels,
status-quo notes, red-line notes, stance rationales) without a Traditional Chinese translation is
a warning (not an error: the English text is shown in its place), located at the English text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from grandbargain.scenario._errors import Location, Problem, locate

Path = tuple[Any, ...]

# (path of a mapping that holds the text, the text's key, what names it in the message)
_ISSUE_TEXTS = ("name", "description", "status_quo_note")
_ACTOR_TEXTS = ("name", "description")


def _has_zh(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any((isinstance(k, str) and k.endswith("_zh") and v) or _has_zh(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_has_zh(v) for v in value)
    return False


def is_bilingual(data: Mapping[str, Any]) -> bool:
    meta = data.get("scenario")
    languages = meta.get("languages") if isinstance(meta, Mapping) else None
    return (isinstance(languages, list) and "zh" in languages) or _has_zh(data)


def _texts(data: Mapping[str, Any]) -> Iterator[tuple[Mapping, Path, str, str]]:
    """(holder, holder's path, key, who) for every English text a scenario shows."""
    meta = data.get("scenario")
    if isinstance(meta, Mapping):
        for key in ("title", "description"):
            yield meta, ("scenario",), key, "the scenario"
    for k, issue in enumerate(data.get("issues") or []):
        if not isinstance(issue, Mapping):
            continue
        who = f"issue '{issue.get('id', k)}'"
        for key in _ISSUE_TEXTS:
            yield issue, ("issues", k), key, who
        if isinstance(issue.get("scale"), Mapping):
            yield issue["scale"], ("issues", k, "scale"), "unit", who
        for a, anchor in enumerate(issue.get("anchors") or []):
            if isinstance(anchor, Mapping):
                yield anchor, ("issues", k, "anchors", a), "label", \
                    f"{who}, anchor {anchor.get('value', a)}"
    for k, actor in enumerate(data.get("actors") or []):
        if isinstance(actor, Mapping):
            for key in _ACTOR_TEXTS:
                yield actor, ("actors", k), key, f"actor '{actor.get('id', k)}'"
    for k, principal in enumerate(data.get("principals") or []):
        if not isinstance(principal, Mapping):
            continue
        who = f"principal '{principal.get('id', k)}'"
        yield principal, ("principals", k), "name", who
        for issue_id, line in (principal.get("red_lines") or {}).items():
            if isinstance(line, Mapping):
                yield line, ("principals", k, "red_lines", issue_id), "note", \
                    f"{who}, red line on '{issue_id}'"
    for actor_id, row in (data.get("stances") or {}).items():
        for issue_id, stance in (row or {}).items() if isinstance(row, Mapping) else ():
            if isinstance(stance, Mapping):
                yield stance, ("stances", actor_id, issue_id), "rationale", \
                    f"stance of '{actor_id}' on '{issue_id}'"


def _field(path: Path) -> str:
    return ".".join(str(p) for p in path)


def translation_warnings(data: Any, locator: Mapping[Path, Location],
                         source: str) -> list[Problem]:
    """Every text of a bilingual scenario document that lacks its `_zh` translation."""
    if not isinstance(data, Mapping) or not is_bilingual(data):
        return []
    out = []
    for holder, path, key, who in _texts(data):
        text = holder.get(key)
        if isinstance(text, str) and text.strip() and not holder.get(f"{key}_zh"):
            where = (*path, key)
            out.append(Problem(locate(locator, where, source), _field(where),
                               f"{who}: no Traditional Chinese translation of {key} "
                               f"(add {key}_zh)"))
    meta = data.get("scenario")
    if isinstance(meta, Mapping) and isinstance(meta.get("sources"), list) and \
            meta["sources"] and not meta.get("sources_zh"):
        where = ("scenario", "sources")
        out.append(Problem(locate(locator, where, source), _field(where),
                           "the scenario: no Traditional Chinese translation of sources (add "
                           "sources_zh, one per source in the same order)"))
    return out


def check_translations(source: str, format: str | None = None,
                       shipped: bool = True) -> list[Problem]:
    """The translation warnings of a YAML scenario file or shipped id (other formats hold no
    translations: none). Read errors are the loader's to report: none here. `shipped=False`
    skips a shipped id (a name that is no file): the tests check those, as they validate them
    (D-011)."""
    from pathlib import Path as FilePath

    from grandbargain.scenario._load import _read_document, builtin_path, read_text, sniff_format

    if format not in (None, "yaml"):
        return []
    path = FilePath(source)
    if not path.exists():
        builtin = builtin_path(source)
        if builtin is None or not shipped:
            return []
        path = builtin
    text = read_text(path)
    if sniff_format(path, text) != "yaml":
        return []
    if not any(word in text for word in ("_zh", "languages", "extends")):
        return []  # nothing bilingual in it: no second parse (a large file's check stays fast)
    data, locator = _read_document(path, "yaml", {})
    return translation_warnings(data, locator, str(path))
