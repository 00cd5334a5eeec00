"""Start Datasette on an xlalign database: read-only, on 127.0.0.1 unless told otherwise.

Read-only: Datasette opens a mutable SQLite file with `mode=ro` connections
and runs only SELECTs, no write plugin is loaded, and the plots read through
a `mode=ro` engine. PostgreSQL: Datasette reads SQLite only, so the database
is first copied into an SQLite snapshot (`db.snapshot`), which the page says.
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from xlalign.db.engine import describe, get_engine, readonly_sqlite_engine, sqlite_file
from xlalign.errors import UserError

TEMPLATES = Path(__file__).with_name("templates")


def prepare_database(url: str, snapshot: Path | None, say: Callable[[str], None]) -> tuple[Path, str]:
    """(SQLite file to serve, a sentence saying what it is), migrating or snapshotting as needed."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise UserError(f"there is no database at {path}: run `xlalign run PATH --db {url}` first (the demo: "
                        "bash scripts/demo.sh), or give --db the URL of an existing one")
    engine = get_engine(url)  # migrates: an older xlalign database gets the views the pages read
    if path is not None:
        if snapshot is not None:
            raise UserError("--snapshot copies a PostgreSQL database into SQLite; this database is SQLite already")
        return path, f"Database: {path} (read-only)."
    if url.startswith("sqlite"):
        raise UserError("an in-memory SQLite database cannot be browsed: give the database file's URL")
    from xlalign.db.snapshot import snapshot_to_sqlite

    target = snapshot or Path(tempfile.mkdtemp(prefix="xlalign-browse-")) / "xlalign.sqlite"
    say(f"Datasette reads SQLite only: copying {describe(url)} into the snapshot {target} (later writes to the "
        "PostgreSQL database are not in it; run browse again to refresh)")
    counts = snapshot_to_sqlite(engine, target, say=say)
    return target, (f"Snapshot of {describe(url)} in {target}, made when the server started "
                    f"({counts.get('alignments', 0):,} alignment groups); read-only.")


def build_datasette(path: Path, note: str):
    """The Datasette app for one file, with xlalign's metadata, pair page and plots."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from xlalign.browse import plugin
    from xlalign.browse.metadata import datasette_metadata

    if not pm.is_registered(plugin):
        pm.register(plugin, name="xlalign")
    name = path.stem
    plugin.configure(readonly_sqlite_engine(path), name)
    return Datasette([str(path)], metadata=datasette_metadata(name, source_note=note), template_dir=str(TEMPLATES),
                     settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 5000, "default_page_size": 50})


def serve(url: str, *, host: str, port: int, snapshot: Path | None = None) -> None:
    """Run the server until interrupted."""
    import uvicorn

    def say(line: str) -> None:
        print(f"xlalign browse: {line}", file=sys.stderr, flush=True)

    path, note = prepare_database(url, snapshot, say)
    ds = build_datasette(path, note)
    asyncio.run(ds.invoke_startup())
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"listening on {host}: anyone who can reach this machine can read the database")
    say(f"http://{host}:{port}/{path.stem}/pair_summaries (read-only; Ctrl-C stops)")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
