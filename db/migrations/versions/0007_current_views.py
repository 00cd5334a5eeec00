"""The views show current pairs only, and mark each pair's newest alignment.

A pair that a later pairing decision dropped (`document_pairs.is_current`, 0006) kept appearing in
`parallel_sentences`, `unaligned_sentences`, `pair_summaries` and so in search and exports, as if it
were still believed; now it does not (its rows stay in the tables). `parallel_sentences` and
`unaligned_sentences` gain `is_latest`: 1 for the groups of the pair's newest alignment, 0 for the
older ones (another method, MT model or parameter set), which stay queryable by signature. The
views of 0005 are frozen in `db/migrations/views_v3.py`.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from alembic import op

from xlalign.db.views import create_views

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_views(op.get_bind())  # keeps the grants a read-only role had on each view


def downgrade() -> None:
    from xlalign.db.migrations import views_v3

    views_v3.create_views(op.get_bind())
