"""Least privilege on PostgreSQL: a login role that reads the views and can change nothing.

PostgreSQL checks a view's base tables with the view owner's rights, so
granting SELECT on the views alone lets researchers read the parallel text
without any right on the tables. What makes the role read-only is what it
lacks, not its session default (`default_transaction_read_only`, which every
role may turn off for itself, `ALTER ROLE ... SET` included, in PostgreSQL 15):

- no right on any table, sequence or schema beyond USAGE of `public` and
  SELECT on the views; NOINHERIT, no membership of any other role;
- no temporary tables: TEMPORARY on the database is revoked from PUBLIC
  (and granted to the role running this, so xlalign's own loading keeps it);
- no large objects: EXECUTE on the functions that create them (`lo_creat`,
  `lo_create`, `lo_from_bytea`, `lo_import`) is revoked from PUBLIC, and
  without one of its own a role can write none (with `lo_compat_privileges`
  off, as by default; `grant_readonly` refuses to go on if it is on);
- no hold on xlalign's locks: migrations and versioning lock rows of
  `xlalign_locks`, on which the role has no right (`db.locks`).

Every statement is composed with psycopg's `sql.Identifier` / `sql.Literal`;
a password is hashed (SCRAM-SHA-256) on this side, so neither the server's
log nor an error message ever holds it. Migrations keep the view grants when
they recreate views (`db.views.create_views`). SQLite has no roles: share a
copy of the file, or open it read-only (`sqlite:///file:xlalign.sqlite?mode=ro&uri=true`).
"""
from __future__ import annotations

import re

from psycopg import sql
from sqlalchemy import Engine

from xlalign.db.views import VIEW_NAMES
from xlalign.errors import UsageError, UserError

_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")
LARGE_OBJECT_CREATORS = ("lo_creat(integer)", "lo_create(oid)", "lo_from_bytea(oid, bytea)", "lo_import(text)",
                         "lo_import(text, oid)")
ROLE_OPTIONS = "LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def _check_role(role: str) -> None:
    if not _IDENT.fullmatch(role):
        raise UsageError(f"role name {role!r} is not a plain lower-case SQL identifier: use letters, digits "
                         "and _ (e.g. researcher)")


def readonly_role_statements(role: str, database: str, *, exists: bool,
                             password: str | None = None) -> list[sql.Composed]:
    """The statements that create (or re-grant) `role`; `password` is the (hashed) password to set, if any."""
    _check_role(role)
    r, db = sql.Identifier(role), sql.Identifier(database)
    login: sql.Composable = sql.SQL(ROLE_OPTIONS)
    if password is not None:
        login = sql.SQL("{} PASSWORD {}").format(login, sql.Literal(password))
    views = sql.SQL(", ").join(sql.Identifier(v) for v in VIEW_NAMES)
    return [
        sql.SQL("ALTER ROLE {} {}" if exists else "CREATE ROLE {} {}").format(r, login),
        sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(r),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(r),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(r),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(r),
        sql.SQL("GRANT SELECT ON {} TO {}").format(views, r),
        sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(db),
        sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM {}").format(db, r),
        sql.SQL("GRANT TEMPORARY ON DATABASE {} TO CURRENT_USER").format(db),
        *[sql.SQL("REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC").format(sql.SQL(f)) for f in LARGE_OBJECT_CREATORS],
    ]


def readonly_role_sql(role: str, database: str, password: str | None = None) -> list[str]:
    """The statements as text, a password shown as '***' (for the README and the command's output)."""
    return [s.as_string(None) for s in readonly_role_statements(role, database, exists=False,
                                                                 password=None if password is None else "***")]


def grant_readonly(engine: Engine, role: str, password: str | None = None) -> list[str]:
    """Create `role` if missing and let it read exactly the views; returns the SQL run (password masked)."""
    if engine.dialect.name != "postgresql":
        raise UsageError("read-only roles exist only on PostgreSQL; for SQLite give researchers a copy of the "
                         "file or a read-only URL (sqlite:///file:PATH?mode=ro&uri=true)")
    _check_role(role)
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute("SELECT current_database(), current_setting('lo_compat_privileges')")
            database, lo_compat = cur.fetchone() or ("", "off")
            if lo_compat == "on":
                raise UserError("lo_compat_privileges is on in this server, which lets every role write large "
                                "objects: turn it off (ALTER SYSTEM SET lo_compat_privileges = off; SELECT "
                                "pg_reload_conf()) and run grant-readonly again")
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,))
            found = cur.fetchone()
            if found and found[0]:
                raise UserError(f"role {role} exists and is a superuser: it cannot be made read-only; choose "
                                "another name")
            cur.execute("SELECT b.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                        "JOIN pg_roles b ON b.oid = m.roleid WHERE r.rolname = %s", (role,))
            groups = [g for (g,) in cur.fetchall()]
            if groups:
                raise UserError(f"role {role} is a member of {', '.join(groups)}, whose rights it can use: "
                                f"revoke that (REVOKE {groups[0]} FROM {role}) or choose another name")
            hashed = None
            if password is not None:
                hashed = raw.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
            for statement in readonly_role_statements(role, database, exists=found is not None, password=hashed):
                cur.execute(statement)
    return readonly_role_sql(role, database, password)
