"""Cross-process locks on PostgreSQL that give up with a sentence, and that only xlalign can take.

Two things must not run twice at once: migrating a database, and numbering a
new version of one source file. Both lock a row of `xlalign_locks` (migration
0004) with `SELECT ... FOR UPDATE SKIP LOCKED`, polled until a deadline:

- the read-only role has no right on that table, so it cannot hold the lock
  (an advisory lock key can be taken by any role that can connect);
- the wait is bounded (`XLALIGN_LOCK_TIMEOUT`, 120 s by default) and ends in
  `LockTimeout`, one sentence, instead of waiting for ever;
- polling from Python keeps the process responsive to Ctrl-C and SIGTERM,
  where a blocking lock wait inside the server would not be.

A database older than 0004 has no lock table yet: its first migration locks
the advisory key xlalign used before. On SQLite `BEGIN IMMEDIATE` already
serialises writers (with the engine's busy timeout), so these are no-ops there.
"""
from __future__ import annotations

import hashlib
import os
import time

from sqlalchemy import Connection, select, text

from xlalign import cancel
from xlalign.db.schema import LOCK_BUCKETS, locks
from xlalign.errors import UserError

ENV_TIMEOUT = "XLALIGN_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_S = 120.0
MIGRATION_BUCKET = -1
# The advisory key of xlalign before 0004 ("xlalign" in ASCII, recognisable in pg_locks).
LEGACY_ADVISORY_KEY = 0x786C616C69676E


class LockTimeout(UserError):
    """Another process held a lock xlalign needs for longer than the lock timeout."""


def lock_timeout_s() -> float:
    """`$XLALIGN_LOCK_TIMEOUT` in seconds, else 120."""
    raw = os.environ.get(ENV_TIMEOUT, "").strip()
    try:
        return max(0.1, float(raw)) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise UserError(f"{ENV_TIMEOUT}={raw!r} is not a number of seconds; set it to e.g. 120") from None


def source_bucket(source: str) -> int:
    return int.from_bytes(hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()[:4], "big") % LOCK_BUCKETS


def _poll(attempt, what: str, timeout_s: float | None) -> None:
    """Call `attempt()` until it returns True, backing off to 0.25 s; LockTimeout at the deadline."""
    limit = lock_timeout_s() if timeout_s is None else timeout_s
    deadline = time.monotonic() + limit
    pause = 0.005
    while not attempt():
        cancel.check()  # Ctrl-C / SIGTERM: stop waiting (Stopped), the transaction rolls back
        if time.monotonic() >= deadline:
            raise LockTimeout(f"gave up after waiting {limit:g} s for {what}, which another process holds (another "
                              f"xlalign run, or a session left open on the database); try again when it is done, "
                              f"or raise {ENV_TIMEOUT} (seconds)")
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _row_lock(conn: Connection, bucket: int) -> bool:
    query = select(locks.c.bucket).where(locks.c.bucket == bucket).with_for_update(skip_locked=True)
    return conn.execute(query).first() is not None


def lock_source(conn: Connection, source: str, *, timeout_s: float | None = None) -> None:
    """Serialise versioning of `source` across processes, until the transaction ends."""
    if conn.dialect.name != "postgresql":
        return
    bucket = source_bucket(source)
    _poll(lambda: _row_lock(conn, bucket), f"the lock on versions of {source}", timeout_s)


def lock_migrations(conn: Connection, *, timeout_s: float | None = None) -> None:
    """Serialise schema migrations across processes, until the transaction ends."""
    if conn.dialect.name != "postgresql":
        return
    if conn.execute(text("SELECT to_regclass('xlalign_locks')")).scalar() is not None:
        _poll(lambda: _row_lock(conn, MIGRATION_BUCKET), "the migration lock", timeout_s)
    else:
        _poll(lambda: bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                        {"k": LEGACY_ADVISORY_KEY}).scalar()), "the migration lock", timeout_s)
    # DDL waits on table locks too (a reader's long query holds one): bounded the same way.
    limit_ms = int(1000 * (lock_timeout_s() if timeout_s is None else timeout_s))
    conn.execute(text(f"SET LOCAL lock_timeout = {limit_ms}"))
