"""One database URL in, a ready engine out: SQLite by default, PostgreSQL alike.

Engines are cached per URL and process, so every task of a flow run shares one
connection pool, and each is migrated to the newest schema (`db.migrate`) the
first time a process asks for it.

SQLite runs in WAL mode (readers never block the writer) with a busy timeout,
and the driver's own transaction handling is switched off so that SQLAlchemy
emits BEGIN itself: `writing(engine)` starts with BEGIN IMMEDIATE, which takes
the write lock before the first read. Without that, a transaction that reads
then writes fails at once with "database is locked" when another process
committed in between (SQLite cannot wait on a stale read snapshot), which is
exactly what two `xlalign run` processes on the same inputs do.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url

SQLITE_BUSY_TIMEOUT_MS = 60_000
# Connections an engine keeps at most: a flow run's worker threads (at most POOL_SIZE - 4, see
# flows.process_articles.MAX_WORKERS) each hold one at a time, plus the flow itself and the run's
# heartbeat. With no overflow, a pool timeout cannot happen unless a connection leaks; if it does,
# it is a transient error that is retried and then reported for that file, never a silent loss.
POOL_SIZE = 36
POOL_TIMEOUT_S = 60
PG_CONNECT_TIMEOUT_S = 10


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """A migrated engine for `url` (creating an SQLite file's folder if needed)."""
    from xlalign.db.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


def make_engine(url: str) -> Engine:
    """An engine with xlalign's connection settings, not migrated (for migrations and tests)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **_pool(parsed))
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        args = {"connect_timeout": PG_CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
        engine = create_engine(url, pool_pre_ping=True, connect_args=args, **_pool(parsed))
    return engine


def _pool(parsed) -> dict:
    if parsed.get_backend_name() == "sqlite" and (not parsed.database or parsed.database == ":memory:"):
        return {}  # one in-memory database per connection: SQLAlchemy's SingletonThreadPool
    return {"pool_size": POOL_SIZE, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_S}


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN instead
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: WAL switch may wait
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: like `engine.begin()`, but BEGIN IMMEDIATE on SQLite."""
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def describe(url: str) -> str:
    """The URL without its password, for messages and run records."""
    return make_url(url).render_as_string(hide_password=True)


def without_password(url: str) -> tuple[str, str | None]:
    """(`url` with no password in it, the password or None): what may be stored, and what may not."""
    parsed = make_url(url)
    password = parsed.password
    if password is None:
        return url, None
    # URL.set(password=None) means "leave it": URL is a named tuple, so replace the field itself
    return parsed._replace(password=None).render_as_string(hide_password=False), str(password)


def with_password(url: str, password: str) -> str:
    """`url` with `password` put back (for connecting only: never store or log the result)."""
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def has_password(url: str) -> bool:
    try:
        return make_url(url).password is not None
    except Exception:  # not a URL at all: there is nothing to hide in it that we can tell
        return False


def absolute_sqlite_url(url: str, base: Path) -> str:
    """`url`, with a relative SQLite file made absolute against `base` (a worker's cwd differs from yours)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    path = Path(parsed.database)
    if path.is_absolute():
        return url
    return parsed.set(database=str((base / path).resolve())).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for PostgreSQL and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def readonly_sqlite_engine(path: Path) -> Engine:
    """An engine that can only read `path` (mode=ro): what the browse server's plots read through."""
    uri = f"file:{path.resolve()}?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
