"""Bring a database to the newest schema with Alembic, safely from many processes at once.

Every `get_engine` call lands here, so two `xlalign run` processes starting on
an empty database race to migrate it. The loser must wait, then find nothing
to do: on PostgreSQL a transaction-scoped advisory lock serialises the
migrations (DDL is transactional, so the winner's work appears all at once);
on SQLite the migration transaction starts with BEGIN IMMEDIATE, which takes
the write lock up front (the engine's busy timeout makes the loser wait).

A database made before migrations existed (tables but no `alembic_version`)
is stamped as the baseline, 0001, and upgraded from there.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Any constant works; this one is "xlalign" in ASCII, to be recognisable in pg_locks.
PG_LOCK_KEY = 0x786C616C69676E


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in code: no alembic.ini needed at run time."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder holds no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate to `revision` (default: the newest) and return the revision reached."""
    current = current_revision(engine)
    if revision == "head" and current == head_revision():
        return current  # the common case: one cheap read, no lock
    script = ScriptDirectory.from_config(alembic_config())
    if current is not None and current not in {s.revision for s in script.walk_revisions()}:
        raise RuntimeError(f"the database is at schema revision {current}, which this xlalign does not know "
                           f"(its newest is {script.get_current_head()}): it was written by a newer xlalign; "
                           "upgrade xlalign rather than the database")
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
            cfg = alembic_config(conn)
            if _made_before_migrations(conn):
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, revision)
        return MigrationContext.configure(conn).get_current_revision()


def _made_before_migrations(conn: Connection) -> bool:
    names = set(inspect(conn).get_table_names())
    return "documents" in names and "alembic_version" not in names
