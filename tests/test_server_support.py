"""Fixtures for the store and server tests (no tests here): a store on SQLite in a temporary
folder, and on PostgreSQL when GRANDBARGAIN_DATABASE_URL names one (`.ci/run` starts one): each
test gets a database of its own there, dropped after."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the server extra is not installed "
                    "(pip install -e .[server])")
pytest.importorskip("fastapi", reason="the server extra is not installed "
                    "(pip install -e .[server])")

POSTGRES_SKIP = ("PostgreSQL: GRANDBARGAIN_DATABASE_URL names no PostgreSQL database (.ci/run "
                 "starts one and runs these tests against it)")
BACKENDS = ["sqlite", "postgresql"]


def postgres_base() -> str | None:
    url = os.environ.get("GRANDBARGAIN_DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


def _admin(base: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(base)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=u.database or "postgres", autocommit=True)


def fresh_database_url(backend: str, folder: Path) -> tuple[str, object]:
    """A URL of an empty database, and a function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'store.sqlite3'}", lambda: None
    base = postgres_base()
    if base is None:
        pytest.skip(POSTGRES_SKIP)
    from sqlalchemy.engine import make_url

    name = f"gbtest_{secrets.token_hex(6)}"
    with _admin(base) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with _admin(base) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, monkeypatch):
    """An empty store's URL, on each backend; the environment's own URL is hidden from the
    code under test (the default ledger and the CLI read it)."""
    url, drop = fresh_database_url(request.param, tmp_path)
    monkeypatch.delenv("GRANDBARGAIN_DATABASE_URL", raising=False)
    monkeypatch.delenv("GRANDBARGAIN_LEDGER", raising=False)
    yield url
    from grandbargain.store import close_store

    close_store(url)
    drop()


@pytest.fixture
def store(database_url):
    from grandbargain.store import open_store

    return open_store(database_url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shipped_text(name: str = "small-yard-high-fence") -> str:
    from grandbargain.scenario._load import builtin_path

    return builtin_path(name).read_text(encoding="utf-8")
