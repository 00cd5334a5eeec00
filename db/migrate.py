"""Bring a database to the newest schema with Alembic, safely from many processes at once.

Every `get_engine` call lands here, so two `xlalign run` processes starting on
an empty database race to migrate it. The loser must wait, then find nothing
to do: on PostgreSQL a transaction-scoped advisory lock serialises the
migrations (`db.locks.lock_migrations`: a row lock the read-only role cannot
take, polled until `XLALIGN_LOCK_TIMEOUT`; DDL is transactional, so the
winner's work appears all at once); on SQLite the migration transaction starts with BEGIN IMMEDIATE, which takes
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
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import OperationalError

from xlalign.db.locks import LockTimeout, lock_migrations, lock_timeout_s
from xlalign.errors import UserError

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"


class SchemaTooNew(UserError, RuntimeError):
    """The database was migrated by a newer xlalign than this one."""


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
        raise SchemaTooNew(f"the database is at schema revision {current}, which this xlalign does not know "
                           f"(its newest is {script.get_current_head()}): it was written by a newer xlalign; "
                           "upgrade xlalign rather than the database")
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with conn.begin():
                lock_migrations(conn)
                cfg = alembic_config(conn)
                if _made_before_migrations(conn):
                    command.stamp(cfg, BASELINE)
                command.upgrade(cfg, revision)
        except OperationalError as exc:
            if type(exc.orig).__name__ != "LockNotAvailable":  # psycopg's name for SQLSTATE 55P03
                raise
            raise LockTimeout(f"gave up migrating the database after {lock_timeout_s():g} s waiting for a table "
                              "that another session is using (a long query, or a transaction left open); try "
                              "again when it is done, or raise XLALIGN_LOCK_TIMEOUT (seconds)") from None
        return MigrationContext.configure(conn).get_current_revision()


def _made_before_migrations(conn: Connection) -> bool:
    names = set(inspect(conn).get_table_names())
    return "documents" in names and "alembic_version" not in names
