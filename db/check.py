"""Is this database URL usable? Answered in a second, before Prefect or a model starts.

`xlalign run` used to find out about a typo in `--db` after 12-28 s of start-up,
as a 100-line traceback, and `xlalign summary --db sqlite:///typo.sqlite`
silently created an empty database. `check_database` parses the URL, imports
its driver, opens the database and, for commands that only read, checks that
it exists and holds xlalign's tables; each problem is one `UserError`
sentence that names the database (never its password) and what to do.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from xlalign.db.engine import PG_CONNECT_TIMEOUT_S, describe
from xlalign.db.transient import describe_error
from xlalign.errors import UserError

URL_HINT = "sqlite:///PATH or postgresql+psycopg://USER@HOST:5432/DBNAME (--db or $XLALIGN_DB)"


def check_database(url: str, *, must_exist: bool) -> None:
    """Raise `UserError` unless `url` names a database xlalign can open (and, if `must_exist`, has data in)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"{url!r} is not a database URL; give {URL_HINT}", exit_code=2) from None
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise UserError(f"unknown kind of database {parsed.drivername!r} in the URL; xlalign works with "
                        f"{URL_HINT}", exit_code=2) from None
    except ImportError as exc:
        raise UserError(f"the database driver for {parsed.drivername} is not installed ({exc.name or exc}); "
                        "install it (e.g. pip install 'psycopg[binary]') or use postgresql+psycopg://",
                        exit_code=2) from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed, must_exist)
    _check_open(url, parsed, must_exist)


def _sqlite_file(parsed: URL) -> Path | None:
    database = parsed.database or ""
    if not database or database == ":memory:" or parsed.query.get("uri") or database.startswith("file:"):
        return None
    return Path(database)


def _check_sqlite_path(parsed: URL, must_exist: bool) -> None:
    database = parsed.database or ""
    if not database or database == ":memory:":
        raise UserError("an in-memory SQLite database disappears with the process and is not shared between its "
                        "threads; name a file, e.g. sqlite:///xlalign.sqlite", exit_code=2)
    path = _sqlite_file(parsed)
    if path is None:
        return
    if path.is_dir():
        raise UserError(f"{path} is a folder, not an SQLite database file; name a file, e.g. "
                        f"sqlite:///{path / 'xlalign.sqlite'}")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise UserError(f"cannot read the SQLite database {path}: permission denied")
        return
    if must_exist:
        raise UserError(f"there is no database at {path}: check the path (--db or $XLALIGN_DB); "
                        "`xlalign run` creates one")
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise UserError(f"cannot create the SQLite database {path}: {ancestor} is not a folder you can write to")


def _check_open(url: str, parsed: URL, must_exist: bool) -> None:
    args = {"connect_timeout": PG_CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    path = _sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    created = path is not None and not path.exists()
    if created and path is not None and not path.absolute().parent.is_dir():
        return  # a new file in a new folder: nothing to open yet, and the folder is creatable (checked above)
    engine = create_engine(url, connect_args=args, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            names = set(inspect(conn).get_table_names())
    except DBAPIError as exc:
        raise UserError(_open_problem(parsed, exc)) from None
    finally:
        engine.dispose()
        if created and path is not None and path.exists() and path.stat().st_size == 0:
            path.unlink()  # the check itself must not leave an empty file behind
    if must_exist and "documents" not in names:
        raise UserError(f"{describe(url)} holds no xlalign data (no documents table): check the URL, or run "
                        "`xlalign run` into it first")


def _open_problem(parsed: URL, exc: DBAPIError) -> str:
    where = describe(parsed.render_as_string(hide_password=False))
    message = str(exc.orig).lower()
    if parsed.get_backend_name() == "sqlite":
        if "not a database" in message:
            return f"{parsed.database} is not an SQLite database (or is damaged): check the path"
        return f"cannot open the SQLite database {parsed.database}: {describe_error(exc)}"
    host = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if "password authentication failed" in message or "no password supplied" in message:
        return (f"PostgreSQL at {host} refused the login of user {parsed.username!r} (wrong or missing "
                "password): put it in the URL, $XLALIGN_DB or $XLALIGN_DB_PASSWORD")
    if "database" in message and "does not exist" in message:
        return (f"the database {parsed.database!r} does not exist on the PostgreSQL server at {host}: create it "
                f"(createdb {parsed.database}) or fix the URL")
    if "role" in message and "does not exist" in message:
        return f"the PostgreSQL server at {host} has no user {parsed.username!r}: fix the URL"
    if any(word in message for word in ("connection refused", "could not connect", "timeout", "timed out",
                                        "could not translate host name", "no route", "connection failed")):
        return (f"cannot reach the PostgreSQL server at {host} ({describe_error(exc)}); is it running, and is "
                f"the URL {where} right?")
    return f"cannot open {where}: {describe_error(exc)}"


def holds_translations_into(url: str, target_lang: str) -> bool:
    """Whether the database already holds translations into `target_lang` (imported, or made by an earlier run).

    `--method mt` needs MT, not an installed model: translations imported with
    `xlalign translations import` serve as well. A database that does not exist
    yet, or has no xlalign tables, holds none.
    """
    parsed = make_url(url)
    path = _sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is not None and not path.exists():
        return False
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("translations"):
                return False
            row = conn.execute(text("SELECT 1 FROM translations WHERE target_lang = :lang LIMIT 1"),
                               {"lang": target_lang}).first()
            return row is not None
    except DBAPIError:
        return False
    finally:
        engine.dispose()
