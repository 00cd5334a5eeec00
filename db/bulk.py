"""Bulk loading: millions of rows at the speed of the database, not of one INSERT per row.

The store's per-document functions are right for the pipeline (a few hundred
rows per call, each call its own idempotent transaction) but cost a round trip
and a transaction per document. Loading a whole corpus (an import from another
aligner, a benchmark) goes through here instead:

- PostgreSQL: `COPY ... FROM STDIN` into a temporary table, then one
  `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, so natural keys still make
  the load idempotent (COPY alone would abort on the first duplicate).
- SQLite: the driver's `executemany` of one prepared `INSERT ... ON CONFLICT
  DO NOTHING`, skipping SQLAlchemy's per-row parameter processing.

Rows are tuples in `columns` order, consumed lazily in batches, so memory stays
flat. The full-text index follows by itself (SQLite triggers, PostgreSQL
expression index). Callers that supply explicit ids must call
`sync_sequences` afterwards on PostgreSQL so later inserts do not collide.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from sqlalchemy import Connection, Engine, Table, text

BATCH_ROWS = 20_000
# SQLite page cache of a `bulk_loading` connection: the index B-trees of millions of rows then stay
# in the process instead of being re-read through the OS cache on every insert.
SQLITE_BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_loading(engine: Engine) -> Iterator[Connection]:
    """One connection for a whole load: run `with conn.begin():` per batch of `bulk_insert` calls.

    Write transactions start with BEGIN IMMEDIATE on SQLite (as `db.engine.writing`), and the
    connection gets a large page cache for the duration, restored afterwards.
    """
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        if conn.dialect.name != "sqlite":
            yield conn
            return
        previous = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.commit()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")
            conn.commit()


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple],
                conflict: Sequence[str] | None = None, batch: int = BATCH_ROWS) -> int:
    """Insert `rows` into `table` ignoring natural-key conflicts; returns rows offered.

    `conflict` defaults to the table's primary key. Runs inside the caller's
    transaction (`with writing(engine) as conn:`).
    """
    conflict = list(conflict or [c.name for c in table.primary_key.columns])
    cols = ", ".join(columns)
    keys = ", ".join(conflict)
    it = iter(rows)
    total = 0
    raw = conn.connection.driver_connection
    assert raw is not None, "bulk_insert needs a live DBAPI connection"
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS _bulk_{table.name} "
                        f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
            while chunk := list(islice(it, batch)):
                cur.execute(f"TRUNCATE _bulk_{table.name}")
                with cur.copy(f"COPY _bulk_{table.name} ({cols}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
                cur.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM _bulk_{table.name} "
                            f"ON CONFLICT ({keys}) DO NOTHING")
                total += len(chunk)
        return total
    sql = (f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join('?' * len(columns))}) "
           f"ON CONFLICT ({keys}) DO NOTHING")
    cur = raw.cursor()
    try:
        while chunk := list(islice(it, batch)):
            cur.executemany(sql, chunk)
            total += len(chunk)
    finally:
        cur.close()
    return total


def sync_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """Move PostgreSQL id sequences past rows inserted with explicit ids (no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"GREATEST((SELECT max(id) FROM {table.name}), 1))"))


def max_ids(conn: Connection, tables: Iterable[Table]) -> dict[str, int]:
    """Highest id per table (0 when empty): where a loader with explicit ids starts."""
    return {t.name: conn.execute(text(f"SELECT COALESCE(max(id), 0) FROM {t.name}")).scalar_one()
            for t in tables if "id" in t.c}


def finish_bulk_load(conn: Connection) -> None:
    """Make a large load searchable at full speed: fold PostgreSQL's GIN pending lists in, refresh statistics.

    GIN indexes buffer new entries in a pending list that every search scans
    linearly until autovacuum merges it; after a million rows that is tens of
    milliseconds per query. SQLite's FTS5 needs nothing.
    """
    if conn.dialect.name != "postgresql":
        return
    for index in ("ix_sentences_fts", "ix_translations_fts"):
        conn.execute(text(f"SELECT gin_clean_pending_list('{index}'::regclass)"))
    conn.execute(text("ANALYZE"))
