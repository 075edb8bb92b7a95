"""The forecast ledger's store backend (timeline/_ledger.py, decision TL-06): the same entries,
hash chain and verification as the JSON Lines file, one row per entry.

An append reads the head and inserts the next entry in one transaction. Two appends that read
the same head collide on the primary key (and on the unique prev_hash), so one of them rolls
back and tries again on the new head: the chain never forks and never interleaves. An import
(`import_entries`) inserts a verified file's entries as they are, in one transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from grandbargain.store._db import Store
from grandbargain.store._models import LedgerEntry

GENESIS = "0" * 64
ATTEMPTS = 50


def append(store: Store, body: dict[str, Any], seal: Callable[[dict[str, Any]], str],
           canonical: Callable[[Any], str]) -> dict[str, Any]:
    """Add `body` as the next entry: id and prev_hash from the head, hash = seal(entry)."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(ATTEMPTS):
        try:
            with store.write() as session:
                head = session.execute(select(LedgerEntry.id, LedgerEntry.hash)
                                       .order_by(LedgerEntry.id.desc()).limit(1)).first()
                prev_id, prev_hash = (head[0], head[1]) if head else (0, GENESIS)
                entry = {"id": prev_id + 1, **body, "prev_hash": prev_hash}
                entry["hash"] = seal(entry)
                session.add(LedgerEntry(id=entry["id"], hash=entry["hash"], prev_hash=prev_hash,
                                        recorded_at=entry["recorded_at"],
                                        entry=canonical(entry)))
            return entry
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def entries(store: Store) -> list[dict[str, Any]]:
    """Every entry in id order, parsed from the stored canonical text (what is hashed)."""
    from sqlalchemy import select

    with store.session() as session:
        rows = session.execute(select(LedgerEntry.id, LedgerEntry.entry)
                               .order_by(LedgerEntry.id)).all()
    out = []
    for row_id, text in rows:
        try:
            entry = json.loads(text)
        except ValueError:
            entry = {"id": row_id, "hash": None}
        if not isinstance(entry, dict):
            entry = {"id": row_id, "hash": None}
        entry["_line"] = row_id
        out.append(entry)
    return out


class ChainConflict(Exception):
    """The store holds a different entry where an imported one belongs."""

    def __init__(self, entry_id: int, reason: str) -> None:
        self.entry_id = entry_id
        self.reason = reason
        super().__init__(f"entry {entry_id}: {reason}")


def import_entries(store: Store, entries: Sequence[dict[str, Any]],
                   canonical: Callable[[Any], str]) -> tuple[int, int]:
    """Insert entries of a verified chain (ids 1, 2, ... with their own hashes) as they are, in
    one transaction; an entry the store already holds (same id and hash) is skipped. Raises
    ChainConflict at the first id where the store holds a different entry (the two ledgers have
    diverged; nothing is inserted). Returns (added, skipped)."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(ATTEMPTS):
        try:
            with store.write() as session:
                stored = dict(session.execute(select(LedgerEntry.id, LedgerEntry.hash)).all())
                added = skipped = 0
                for entry in entries:
                    have = stored.get(entry["id"])
                    if have == entry["hash"]:
                        skipped += 1
                        continue
                    if have is not None:
                        raise ChainConflict(entry["id"], (
                            f"the store holds a different entry {entry['id']} (hash "
                            f"{have[:16]}..., this file's {entry['hash'][:16]}...): the two "
                            "ledgers have diverged; nothing imported"))
                    session.add(LedgerEntry(id=entry["id"], hash=entry["hash"],
                                            prev_hash=entry["prev_hash"],
                                            recorded_at=entry["recorded_at"],
                                            entry=canonical(entry)))
                    added += 1
            return added, skipped
        except (IntegrityError, OperationalError):  # an append took a place meanwhile
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")
