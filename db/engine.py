"""One database URL in, a ready engine out: SQLite by default, PostgreSQL alike.

Engines are cached per URL and process, so every task of a flow run shares one
connection pool. SQLite is put in WAL mode with a busy timeout so that two
`xlalign run` processes on the same file wait for each other instead of failing.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url

from db.schema import metadata
from db.views import create_views

SQLITE_BUSY_TIMEOUT_MS = 60_000


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """A migrated engine for `url` (creating an SQLite file's folder if needed)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    ensure_schema(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def ensure_schema(engine: Engine) -> None:
    """Create missing tables and (re)create the views."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        create_views(conn)


def describe(url: str) -> str:
    """The URL without its password, for messages and run records."""
    return make_url(url).render_as_string(hide_password=True)
