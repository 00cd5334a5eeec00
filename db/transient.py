"""Which database errors are temporary: the database blinking, not a bad article.

A task that fails because PostgreSQL restarted or SQLite was locked for a
moment will succeed if it simply runs again, and every write in `db.store` is
idempotent, so a retry adds nothing twice. A bug or a bad input fails the same
way every time: retrying it only delays the run (and a bad article never
raises anyway: `xlalign.stages.ingest.ingest_file` returns it as a recorded failure).
"""
from __future__ import annotations

from sqlalchemy import exc as sa_exc

_TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,  # connection refused/lost, server shutting down, SQLite "database is locked"
    sa_exc.InterfaceError,  # the DBAPI connection was already closed under us
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # the connection pool had no free connection in time
    ConnectionError,
    TimeoutError,
)


def is_transient(error: BaseException | None) -> bool:
    """True if `error`, or anything it was raised from, is a temporary loss of the database."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, _TRANSIENT_TYPES):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False
