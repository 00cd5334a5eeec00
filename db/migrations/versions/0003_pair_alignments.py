"""One row per alignment made, including alignments that found no pairs.

`alignments` has one row per group, so an alignment that produced no groups
(a comparable pair where mining found nothing confident) left no trace, and
every re-run computed it again. `pair_alignments` records each (pair,
signature) with its method, mode and number of groups; the pipeline checks it
before aligning. Existing alignments are copied in from `alignments`.

The table is written out here rather than imported from db.schema, so that a
later change to the schema cannot change what this revision creates.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pair_alignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pair_id", sa.Integer, sa.ForeignKey("document_pairs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("groups", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("pair_id", "signature"),
    )
    op.execute("""INSERT INTO pair_alignments (pair_id, signature, method, mode, groups, run_id)
                  SELECT pair_id, signature, min(method), min(mode), count(*), min(run_id)
                  FROM alignments GROUP BY pair_id, signature""")


def downgrade() -> None:
    op.drop_table("pair_alignments")
