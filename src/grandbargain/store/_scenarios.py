"""Scenarios in the store: each save is a new immutable version (author, time, message, the
SHA-256 of the canonical document); private to the owner unless shared read or write."""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grandbargain.scenario import Location, Problem, ScenarioError
from grandbargain.store._db import Store, iso
from grandbargain.store._models import Scenario, ScenarioShare, ScenarioVersion, User

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
ACCESS = ("read", "write")


class NotFound(LookupError):
    pass


class Forbidden(PermissionError):
    pass


def parse_scenario(filename: str, text: str, fmt: str | None = None) -> tuple[Any, dict]:
    """The scenario and its canonical document from an uploaded file's name and text; problems
    are located in `filename` exactly as `grandbargain check` prints them. `extends:` may name
    only a shipped scenario (a server reads no other file)."""
    from grandbargain.scenario import builtin_scenarios, load_scenario, scenario_to_document

    base = SAFE_NAME.sub("_", Path(filename or "scenario.yaml").name).lstrip(".") or "scenario"
    if not Path(base).suffix:
        base += ".yaml"
    _refuse_file_extends(base, text, fmt, builtin_scenarios())
    with tempfile.TemporaryDirectory(prefix="gb-upload-") as folder:
        path = Path(folder) / base
        path.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(str(path), format=fmt)
        except ScenarioError as exc:
            raise ScenarioError([_relocate(p, str(path), filename or base)
                                 for p in exc.problems]) from None
    import json

    from grandbargain.timeline._ledger import canonical_json

    return scenario, json.loads(canonical_json(scenario_to_document(scenario)))


def _relocate(problem: Problem, temporary: str, shown: str) -> Problem:
    file = problem.location.file.replace(temporary, shown)
    message = problem.message.replace(temporary, shown)
    return replace(problem, location=Location(file, problem.location.line,
                                              problem.location.column), message=message)


def _refuse_file_extends(name: str, text: str, fmt: str | None, shipped: list[str]) -> None:
    if (fmt or "yaml") != "yaml" or Path(name).suffix.lower() not in (".yaml", ".yml",
                                                                        ".json"):
        return
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # the loader gives the located error
    target = data.get("extends") if isinstance(data, dict) else None
    if target is not None and target not in shipped:
        raise ScenarioError.single(name, f"extends {target!r}: on the server, extends may name "
                                   f"only a shipped scenario ({', '.join(shipped)})",
                                   field="extends")


def _hash(scenario: Any) -> str:
    from grandbargain.timeline._ledger import scenario_hash

    return scenario_hash(scenario)


def access_of(session: Any, scenario: Scenario, user_id: int | None) -> str | None:
    """'owner', 'write', 'read' or None."""
    if user_id is None:
        return None
    if scenario.owner_id == user_id:
        return "owner"
    from sqlalchemy import select

    return session.scalar(select(ScenarioShare.access).where(
        ScenarioShare.scenario_id == scenario.id, ScenarioShare.user_id == user_id))


def _readable(session: Any, scenario_id: int, user_id: int | None) -> tuple[Scenario, str]:
    scenario = session.get(Scenario, scenario_id)
    access = access_of(session, scenario, user_id) if scenario is not None else None
    if access is None:  # someone else's private scenario looks like no scenario
        raise NotFound(f"no scenario {scenario_id}")
    return scenario, access


def _writable(session: Any, scenario_id: int, user_id: int) -> Scenario:
    scenario, access = _readable(session, scenario_id, user_id)
    if access == "read":
        raise Forbidden(f"scenario {scenario_id} is shared with you read-only")
    return scenario


def _version_row(session: Any, scenario: Scenario, user_id: int, filename: str, text: str,
                 fmt: str | None, message: str, parsed: tuple[Any, dict]) -> ScenarioVersion:
    model, document = parsed
    scenario.latest_version += 1
    row = ScenarioVersion(scenario_id=scenario.id, version=scenario.latest_version,
                          author_id=user_id, created_at=datetime.now(UTC), message=message or "",
                          filename=filename, source_format=fmt, source_text=text,
                          document=document, content_hash=_hash(model))
    session.add(row)
    return row


def create_scenario(store: Store, user_id: int, name: str | None, filename: str, text: str,
                    fmt: str | None = None, message: str = "") -> dict:
    parsed = parse_scenario(filename, text, fmt)
    with store.write() as session:
        scenario = Scenario(owner_id=user_id, name=name or parsed[0].id,
                            created_at=datetime.now(UTC), latest_version=0)
        session.add(scenario)
        session.flush()
        _version_row(session, scenario, user_id, filename, text, fmt, message, parsed)
        session.flush()
        return _summary(session, scenario, "owner")


def add_version(store: Store, user_id: int, scenario_id: int, filename: str, text: str,
                fmt: str | None = None, message: str = "") -> dict:
    """A new version (the scenario's earlier versions never change)."""
    with store.session() as session:
        _writable(session, scenario_id, user_id)
    parsed = parse_scenario(filename, text, fmt)
    with store.write() as session:
        scenario = _writable(session, scenario_id, user_id)
        row = _version_row(session, scenario, user_id, filename, text, fmt, message, parsed)
        session.flush()
        return version_dict(session, row, with_content=False)


def _summary(session: Any, scenario: Scenario, access: str) -> dict:
    owner = session.get(User, scenario.owner_id)
    return {"id": scenario.id, "name": scenario.name, "owner": owner.name if owner else None,
            "created_at": iso(scenario.created_at),
            "latest_version": scenario.latest_version, "access": access}


def version_dict(session: Any, row: ScenarioVersion, with_content: bool = True) -> dict:
    author = session.get(User, row.author_id)
    out = {"scenario_id": row.scenario_id, "version": row.version,
           "author": author.name if author else None, "created_at": iso(row.created_at),
           "message": row.message, "filename": row.filename, "format": row.source_format,
           "content_hash": row.content_hash}
    if with_content:
        out["document"] = row.document
        out["source_text"] = row.source_text
    return out


def list_scenarios(store: Store, user_id: int) -> list[dict]:
    from sqlalchemy import or_, select

    with store.session() as session:
        shared = select(ScenarioShare.scenario_id).where(ScenarioShare.user_id == user_id)
        rows = session.scalars(select(Scenario).where(
            or_(Scenario.owner_id == user_id, Scenario.id.in_(shared))).order_by(Scenario.id))
        return [_summary(session, s, access_of(session, s, user_id)) for s in rows]


def get_scenario(store: Store, user_id: int | None, scenario_id: int) -> dict:
    from sqlalchemy import select

    with store.session() as session:
        scenario, access = _readable(session, scenario_id, user_id)
        out = _summary(session, scenario, access)
        versions = session.scalars(select(ScenarioVersion).where(
            ScenarioVersion.scenario_id == scenario_id).order_by(ScenarioVersion.version))
        out["versions"] = [version_dict(session, v, with_content=False) for v in versions]
        shares = session.execute(select(User.name, ScenarioShare.access).join(
            User, User.id == ScenarioShare.user_id).where(
            ScenarioShare.scenario_id == scenario_id).order_by(User.name)).all()
        out["shared_with"] = [{"user": n, "access": a} for n, a in shares]
        return out


def get_version(store: Store, user_id: int | None, scenario_id: int,
                version: int | None = None) -> dict:
    with store.session() as session:
        scenario, _ = _readable(session, scenario_id, user_id)
        number = scenario.latest_version if version is None else version
        row = session.get(ScenarioVersion, (scenario_id, number))
        if row is None:
            raise NotFound(f"scenario {scenario_id} has no version {number} (versions "
                           f"1-{scenario.latest_version})")
        return version_dict(session, row)


def diff_versions(store: Store, user_id: int | None, scenario_id: int, old: int,
                  new: int) -> dict:
    from grandbargain.store._diff import diff_documents

    a = get_version(store, user_id, scenario_id, old)
    b = get_version(store, user_id, scenario_id, new)
    return {"scenario_id": scenario_id, "from": old, "to": new,
            "from_hash": a["content_hash"], "to_hash": b["content_hash"],
            **diff_documents(a["document"], b["document"])}


def share(store: Store, user_id: int, scenario_id: int, name: str, access: str | None) -> dict:
    """Share with a named user (access 'read' or 'write'), or stop sharing (None). Owner only."""
    from sqlalchemy import delete, select

    if access is not None and access not in ACCESS:
        raise ValueError(f"access must be one of {', '.join(ACCESS)}")
    with store.write() as session:
        scenario, mine = _readable(session, scenario_id, user_id)
        if mine != "owner":
            raise Forbidden(f"only the owner shares scenario {scenario_id}")
        other = session.scalar(select(User).where(User.name == name))
        if other is None:
            raise NotFound(f"no user {name!r}")
        if other.id == scenario.owner_id:
            raise ValueError("the owner has every access already")
        session.execute(delete(ScenarioShare).where(ScenarioShare.scenario_id == scenario_id,
                                                    ScenarioShare.user_id == other.id))
        if access is not None:
            session.add(ScenarioShare(scenario_id=scenario_id, user_id=other.id, access=access))
    return get_scenario(store, user_id, scenario_id)


def scenario_text_for_run(store: Store, user_id: int, scenario_id: int,
                          version: int | None) -> tuple[int, str, str, str | None]:
    """(version, filename, text, format) of a scenario the user can read."""
    v = get_version(store, user_id, scenario_id, version)
    return v["version"], v["filename"], v["source_text"], v["format"]
