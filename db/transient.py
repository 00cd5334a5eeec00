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


# OperationalError also means errors that the same call repeats every time: SQLite raises it for a
# file it cannot open or a missing table, PostgreSQL for a database or role that does not exist.
_PERMANENT_MESSAGES = ("unable to open database file", "no such table", "file is not a database",
                       "does not exist", "password authentication failed", "no password supplied",
                       "permission denied", "readonly database", "read-only")
_SQLITE_TRANSIENT = ("locked", "busy")


def _permanent(error: BaseException) -> bool:
    if not isinstance(error, sa_exc.DBAPIError) or error.connection_invalidated:
        return False
    message = str(error.orig).lower()
    if type(error.orig).__module__.startswith("sqlite3"):
        return not any(word in message for word in _SQLITE_TRANSIENT)
    return any(word in message for word in _PERMANENT_MESSAGES)


def is_transient(error: BaseException | None) -> bool:
    """True if `error`, or anything it was raised from, is a temporary loss of the database."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _permanent(error):
            return False
        if isinstance(error, _TRANSIENT_TYPES):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def describe_error(error: BaseException, limit: int = 300) -> str:
    """One line for a user: the driver's own message, without SQLAlchemy's SQL and parameters.

    A database error's text holds the whole statement and its parameters (an
    article's text, kilobytes of it); the first line of the driver's message
    says what went wrong.
    """
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        name, message = type(error).__name__, str(error.orig)
    elif isinstance(error, sa_exc.TimeoutError):
        name, message = "TimeoutError", str(error).split(" (Background on this error")[0]
    else:
        name, message = type(error).__name__, str(error)
    line = (message.strip().splitlines() or [""])[0]
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return f"{name}: {line}" if line else name
