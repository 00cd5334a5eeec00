"""An SQLite copy of any xlalign database, for tools that read SQLite only (Datasette).

The copy is made with the same migrations (so it has the views, the
full-text tables and their triggers, which index the rows as they arrive)
and then filled table by table in foreign-key order, `BATCH` rows at a time,
streamed from the source: memory stays flat. It is a snapshot: later writes
to the source are not in it.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select

from xlalign.db.engine import make_engine, writing
from xlalign.db.migrate import upgrade
from xlalign.db.schema import metadata

BATCH = 2000
NOT_DATA = {"xlalign_locks"}  # lock rows a migration creates in every database; state of running processes


def snapshot_to_sqlite(source: Engine, path: Path, *, say: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Copy every table of `source` into a new SQLite file at `path`; returns rows copied per table."""
    path = Path(path)
    if path.exists():
        path.unlink()
    target = make_engine(f"sqlite:///{path}")
    upgrade(target)
    counts: dict[str, int] = {}
    with source.connect() as src:
        for table in metadata.sorted_tables:
            if table.name in NOT_DATA:
                continue
            order = table.primary_key.columns.values()
            result = src.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(*table.columns).order_by(*order))
            n = 0
            while rows := result.fetchmany(BATCH):
                with writing(target) as dst:
                    dst.execute(table.insert(), [dict(r._mapping) for r in rows])
                n += len(rows)
            counts[table.name] = n
            if n:
                say(f"copied {n:,} rows of {table.name}")
    target.dispose()
    return counts
