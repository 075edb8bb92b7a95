"""Opening the store: the database URL, the engine, and the migrations applied on open."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DATABASE_ENV = "GRANDBARGAIN_DATABASE_URL"
INSTALL_HINT = "the server needs its optional extra: pip install -e .[server]"
MIGRATIONS = Path(__file__).parent / "migrations"


def iso(when: Any) -> str | None:
    """ISO text in UTC (SQLite hands back naive datetimes: they were stored as UTC)."""
    if when is None:
        return None
    from datetime import UTC

    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


class StoreUnavailable(RuntimeError):
    """The store cannot be opened: the extra is missing or the database refused (the message
    says which and never holds a password)."""


def default_sqlite_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("grandbargain", appauthor=False)) / "grandbargain.sqlite3"


def default_database_url() -> str:
    """GRANDBARGAIN_DATABASE_URL if set, else SQLite in the user's data directory."""
    url = os.environ.get(DATABASE_ENV, "").strip()
    return url or f"sqlite:///{default_sqlite_path()}"


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// use psycopg 3 (the extra's driver)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***: the only form that may be printed."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        head, sep, tail = url.partition("://")
        if "@" in tail:
            tail = "***@" + tail.rsplit("@", 1)[1]
        return head + sep + tail


def store_exists(url: str | None = None) -> bool:
    """Whether a store is configured: GRANDBARGAIN_DATABASE_URL is set, or the default SQLite
    file exists (made by `grandbargain serve` or `users add`)."""
    if url or os.environ.get(DATABASE_ENV, "").strip():
        return True
    return default_sqlite_path().is_file()


def _require_extra() -> None:
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise StoreUnavailable(f"{INSTALL_HINT} (missing: {exc.name})") from None


class Store:
    """An engine with the schema migrated to the newest revision, and sessions on it."""

    def __init__(self, url: str):
        _require_extra()
        from sqlalchemy import create_engine, event
        from sqlalchemy.orm import sessionmaker

        self.url = normalise_url(url)
        self.display_url = redact_url(self.url)
        kwargs: dict[str, Any] = {"future": True}
        if self.url.startswith("sqlite"):
            database = self.url.split("///", 1)[-1]
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # an unknown dialect or driver: say so without the URL
            raise StoreUnavailable(f"cannot open the store {self.display_url}: "
                                   f"{type(exc).__name__}") from None
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()

            # pysqlite defers BEGIN on its own; SQLAlchemy's events take over so that a write
            # session holds the write lock from its first statement (BEGIN IMMEDIATE): two
            # writers then queue on busy_timeout instead of failing on a lock upgrade.
            @event.listens_for(self.engine, "connect")
            def _no_implicit_begin(dbapi_connection: Any, _: Any) -> None:
                dbapi_connection.isolation_level = None

            @event.listens_for(self.engine, "begin")
            def _sqlite_begin(conn: Any) -> None:
                immediate = conn.get_execution_options().get("sqlite_immediate")
                conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = threading.Lock()
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent; concurrent openers wait)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._migrated:
            try:
                with self.engine.begin() as connection:
                    if self.dialect == "postgresql":  # two servers starting at once
                        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(424242)")
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
            except StoreUnavailable:
                raise
            except Exception as exc:
                from sqlalchemy.exc import OperationalError

                if isinstance(exc, OperationalError):
                    reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
                    raise StoreUnavailable(f"cannot open the store {self.display_url}: "
                                           f"{_scrub(reason, self.url)}") from None
                raise

    @contextmanager
    def session(self) -> Iterator[Any]:
        """A read session."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A session whose work commits in one transaction (rolled back on any error); on
        SQLite it holds the write lock from its first statement."""
        with self.sessions() as session:
            if self.dialect == "sqlite":
                session.connection(execution_options={"sqlite_immediate": True})
            yield session
            session.commit()

    def dispose(self) -> None:
        self.engine.dispose()


def _scrub(text: str, url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
    except Exception:
        password = None
    return text.replace(password, "***") if password else text


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default: `default_database_url()`), opened and migrated once per
    process."""
    target = url or default_database_url()
    with _stores_lock:
        if target not in _stores:
            _stores[target] = Store(target)
        return _stores[target]


def close_store(url: str) -> None:
    """Forget and dispose the store opened at `url` (tests, and a server that stops)."""
    with _stores_lock:
        store = _stores.pop(url, None)
    if store is not None:
        store.dispose()
