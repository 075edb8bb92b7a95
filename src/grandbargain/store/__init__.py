"""The store: users, API tokens, scenarios with immutable versions, runs and the forecast ledger
in a SQL database (SQLAlchemy 2, Alembic migrations shipped in `migrations/`, applied on open).

SQLite in the user's data directory by default; PostgreSQL (psycopg 3) when
GRANDBARGAIN_DATABASE_URL names one. An optional extra (`pip install -e .[server]`): nothing in
the functional core imports this package; the server (`web/`), `grandbargain serve`, `users`
and the ledger's store backend do.
"""

from __future__ import annotations

from grandbargain.store._db import (
    DATABASE_ENV,
    Store,
    StoreUnavailable,
    close_store,
    default_database_url,
    open_store,
    redact_url,
    store_exists,
)

__all__ = [
    "DATABASE_ENV",
    "Store",
    "StoreUnavailable",
    "close_store",
    "default_database_url",
    "open_store",
    "redact_url",
    "store_exists",
]
