"""What changed between two scenario documents (`scenario_to_document` form): actors, issues,
stances, principals and the scenario's own fields, each added, removed or changed."""

from __future__ import annotations

from typing import Any


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: {"from": old.get(key), "to": new.get(key)}
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def _by_key(old: dict[str, dict], new: dict[str, dict]) -> dict[str, Any]:
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": {key: _changes(old[key], new[key]) for key in sorted(set(old) & set(new))
                    if old[key] != new[key]},
    }


def _stances(document: dict[str, Any]) -> dict[str, dict]:
    return {f"{actor}/{issue}": stance
            for actor, issues in (document.get("stances") or {}).items()
            for issue, stance in issues.items()}


def _ids(items: list[dict] | None) -> dict[str, dict]:
    return {item["id"]: item for item in items or []}


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Stances are keyed `actor/issue`; a changed entry lists each field's from and to."""
    parts = {
        "actors": _by_key(_ids(old.get("actors")), _ids(new.get("actors"))),
        "issues": _by_key(_ids(old.get("issues")), _ids(new.get("issues"))),
        "stances": _by_key(_stances(old), _stances(new)),
        "principals": _by_key(_ids(old.get("principals")), _ids(new.get("principals"))),
        "scenario": _changes(old.get("scenario") or {}, new.get("scenario") or {}),
    }
    parts["identical"] = old == new
    return parts
