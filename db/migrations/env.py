"""Alembic environment: always handed an open connection by `db.migrate`.

There is no alembic.ini and no URL here: `db.migrate.upgrade` opens the
connection, takes the cross-process lock and passes the connection in
`config.attributes["connection"]`, so the migration runs inside that locked
transaction and a second process waiting on the lock finds the work done.
"""
from __future__ import annotations

from alembic import context

from xlalign.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("xlalign migrations run through db.migrate.upgrade(engine) or `xlalign db upgrade`, "
                       "which pass an open connection; offline (--sql) mode is not supported")

context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
