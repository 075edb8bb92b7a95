"""Runs in the store: queued, running, done, failed or cancelled. Every change of state is one
transaction that checks the state it changes from, so a result is written whole or not at all
and a cancelled run never turns done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from grandbargain.store._db import Store, iso
from grandbargain.store._models import Run
from grandbargain.store._scenarios import Forbidden, NotFound, _readable

KINDS = ("forecast", "rounds", "exchanges", "deals", "simulate", "report")
ACTIVE = ("queued", "running", "cancelling")
INTERRUPTED = "the server stopped while this run was in progress (restart: run it again)"


class TooManyRuns(RuntimeError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def run_dict(row: Run, with_result: bool = False) -> dict[str, Any]:
    elapsed = None
    if row.started_at is not None:
        end = row.finished_at or _now()
        start = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=UTC)
        end = end if end.tzinfo else end.replace(tzinfo=UTC)
        elapsed = round((end - start).total_seconds(), 3)
    out = {"id": row.id, "kind": row.kind, "status": row.status, "progress": row.progress,
           "scenario_id": row.scenario_id, "scenario_version": row.scenario_version,
           "shipped_scenario": row.shipped_scenario, "options": row.options, "seed": row.seed,
           "created_at": iso(row.created_at), "started_at": iso(row.started_at),
           "finished_at": iso(row.finished_at), "elapsed_seconds": elapsed, "error": row.error}
    if with_result:
        out["result"] = row.result
    return out


def create_run(store: Store, user_id: int, kind: str, options: dict, seed: int | None,
               scenario_id: int | None, version: int | None, shipped: str | None,
               max_active: int) -> dict:
    from sqlalchemy import func, select

    with store.write() as session:
        active = session.scalar(select(func.count(Run.id)).where(
            Run.owner_id == user_id, Run.status.in_(ACTIVE)))
        if active >= max_active:
            raise TooManyRuns(f"you have {active} runs queued or running (the limit is "
                              f"{max_active}): wait for one to finish or cancel one")
        row = Run(owner_id=user_id, kind=kind, scenario_id=scenario_id,
                  scenario_version=version, shipped_scenario=shipped, options=options,
                  seed=seed, status="queued", progress=0.0, created_at=_now())
        session.add(row)
        session.flush()
        return run_dict(row)


def _visible(session: Any, run_id: int, user_id: int | None) -> Run:
    row = session.get(Run, run_id)
    if row is None or user_id is None:
        raise NotFound(f"no run {run_id}")
    if row.owner_id != user_id:
        if row.scenario_id is None:
            raise NotFound(f"no run {run_id}")
        _readable(session, row.scenario_id, user_id)  # readers of a scenario see its runs
    return row


def get_run(store: Store, user_id: int | None, run_id: int, with_result: bool = False) -> dict:
    with store.session() as session:
        return run_dict(_visible(session, run_id, user_id), with_result)


def list_runs(store: Store, user_id: int, limit: int = 100) -> list[dict]:
    from sqlalchemy import select

    with store.session() as session:
        rows = session.scalars(select(Run).where(Run.owner_id == user_id)
                               .order_by(Run.id.desc()).limit(limit))
        return [run_dict(r) for r in rows]


def cancel_run(store: Store, user_id: int, run_id: int) -> dict:
    """Queued: cancelled at once. Running: 'cancelling' until the worker stops it."""
    with store.write() as session:
        row = _visible(session, run_id, user_id)
        if row.owner_id != user_id:
            raise Forbidden(f"only the user who started run {run_id} cancels it")
        if row.status == "queued":
            row.status, row.finished_at, row.error = "cancelled", _now(), "cancelled"
        elif row.status == "running":
            row.status = "cancelling"
        return run_dict(row)


def claim_next(store: Store, server_id: str) -> Run | None:
    """The oldest queued run, now running on this server (None if there is none)."""
    from sqlalchemy import select, update

    with store.write() as session:
        query = select(Run.id).where(Run.status == "queued").order_by(Run.id).limit(1)
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        run_id = session.scalar(query)
        if run_id is None:
            return None
        done = session.execute(update(Run).where(Run.id == run_id, Run.status == "queued")
                               .values(status="running", started_at=_now(), progress=0.0,
                                       server_id=server_id))
        if done.rowcount != 1:
            return None
        return session.get(Run, run_id)


def status_of(store: Store, run_id: int) -> str | None:
    with store.session() as session:
        row = session.get(Run, run_id)
        return row.status if row else None


def set_progress(store: Store, run_id: int, progress: float) -> None:
    from sqlalchemy import update

    with store.write() as session:
        session.execute(update(Run).where(Run.id == run_id, Run.status == "running")
                        .values(progress=max(0.0, min(1.0, progress))))


def finish_run(store: Store, run_id: int, result: dict) -> bool:
    """The result, status done and the finishing time, in one transaction."""
    from sqlalchemy import update

    with store.write() as session:
        done = session.execute(update(Run).where(Run.id == run_id, Run.status == "running")
                               .values(status="done", progress=1.0, result=result,
                                       finished_at=_now()))
        return done.rowcount == 1


def fail_run(store: Store, run_id: int, error: str, status: str = "failed") -> None:
    from sqlalchemy import update

    with store.write() as session:
        session.execute(update(Run).where(Run.id == run_id, Run.status.in_(ACTIVE))
                        .values(status=status, error=error, finished_at=_now()))


def recover(store: Store) -> int:
    """On start: runs left running (or being cancelled) by a server that stopped are marked
    failed with the reason; queued runs wait for the new workers. Returns how many failed."""
    from sqlalchemy import update

    with store.write() as session:
        done = session.execute(update(Run).where(Run.status.in_(("running", "cancelling")))
                               .values(status="failed", error=INTERRUPTED, finished_at=_now()))
        return done.rowcount
