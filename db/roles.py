"""Least privilege on PostgreSQL: a login role that reads the views and nothing else.

PostgreSQL checks a view's base tables with the view owner's rights, so
granting SELECT on the views alone lets researchers read the parallel text
without any right on the tables; `default_transaction_read_only` is a second
lock against writes. Migrations keep these grants when they recreate views
(`db.views.create_views`). SQLite has no roles: share a copy of the file, or
open it read-only (`sqlite:///file:xlalign.sqlite?mode=ro&uri=true`).
"""
from __future__ import annotations

import re

from sqlalchemy import Engine, text

from xlalign.db.views import VIEW_NAMES
from xlalign.errors import UsageError

_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def readonly_role_sql(role: str, database: str, password: str | None = None) -> list[str]:
    """The statements that create (or re-grant) `role`; also printed in the README cookbook."""
    if not _IDENT.fullmatch(role):
        raise UsageError(f"role name {role!r} is not a plain lower-case SQL identifier: use letters, digits "
                         "and _ (e.g. researcher)")
    login = "LOGIN" if password is None else "LOGIN PASSWORD '" + password.replace("'", "''") + "'"
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} {login}; END IF; END $$",
        *([f"ALTER ROLE {role} {login}"] if password is not None else []),
        f"ALTER ROLE {role} SET default_transaction_read_only = on",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT ON {', '.join(VIEW_NAMES)} TO {role}",
    ]


def grant_readonly(engine: Engine, role: str, password: str | None = None) -> list[str]:
    """Create `role` if missing and let it read exactly the views; returns the SQL run."""
    if engine.dialect.name != "postgresql":
        raise UsageError("read-only roles exist only on PostgreSQL; for SQLite give researchers a copy of the "
                         "file or a read-only URL (sqlite:///file:PATH?mode=ro&uri=true)")
    with engine.begin() as conn:
        statements = readonly_role_sql(role, conn.execute(text("SELECT current_database()")).scalar_one(), password)
        for sql in statements:
            conn.exec_driver_sql(sql)
    return statements
