"""Run statuses that fit, runs that can be recognised as dead, locks the read-only role cannot take.

- runs.status becomes VARCHAR(32): `completed_with_failures` (23 characters)
  did not fit VARCHAR(16) on PostgreSQL, so every run with one bad file
  failed at its very end. SQLite does not enforce the length, and its
  column is left as it is (changing a type there means rebuilding the table).
- runs.pid, runs.host, runs.heartbeat_at: a `running` row whose process is
  gone, or whose heartbeat stopped, is a run that died (`kill -9`, a lost
  machine); `xlalign summary` reports such runs.
- xlalign_locks: one row per lock bucket. Versioning a source and migrating
  lock a row here (SELECT ... FOR UPDATE) instead of an advisory lock key,
  which any role that can connect could take; the read-only role has no
  right on this table.

The table is written out here rather than imported from db.schema, so that a
later change to the schema cannot change what this revision creates.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCK_BUCKETS = 1024  # as db.schema.LOCK_BUCKETS when this revision was written; bucket -1: migrations


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(32)")
    # Plain ADD COLUMN on both, never SQLite batch mode (a table rebuild with foreign keys on cascades).
    op.execute("ALTER TABLE runs ADD COLUMN pid INTEGER")
    op.execute("ALTER TABLE runs ADD COLUMN host VARCHAR(255)")
    op.execute("ALTER TABLE runs ADD COLUMN heartbeat_at TIMESTAMP" + (" WITH TIME ZONE" if dialect == "postgresql"
                                                                      else ""))
    locks = op.create_table("xlalign_locks", sa.Column("bucket", sa.Integer, primary_key=True, autoincrement=False))
    op.bulk_insert(locks, [{"bucket": b} for b in range(-1, LOCK_BUCKETS)])


def downgrade() -> None:
    op.drop_table("xlalign_locks")
    for column in ("heartbeat_at", "host", "pid"):
        op.execute(f"ALTER TABLE runs DROP COLUMN {column}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(16)")
