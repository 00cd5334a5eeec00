"""Baseline: the version-1 schema (tables and views) as xlalign 0.1 created them.

Built from frozen copies (`db/migrations/schema_v1.py`, `views_v1.py`) rather
than from `db.schema`, so that later changes to the current tables can never
change what this revision creates.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

from alembic import op

from xlalign.db.migrations import schema_v1, views_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    schema_v1.metadata.create_all(conn)
    views_v1.create_views(conn)


def downgrade() -> None:
    conn = op.get_bind()
    for name in views_v1.view_definitions(conn.dialect.name):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    schema_v1.metadata.drop_all(conn)
