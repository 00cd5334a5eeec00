"""The candidate index: stored document vectors and pairing state, so a run's work grows with its new documents.

- document_vectors: a document's mean e5 sentence embedding (and its MT's, per MT model), stored once;
- pairing_sources: each source's current decision under one pairing configuration (its candidates, the
  score a new target must beat to become one, the partners chosen);
- pairing_evidence: the sentence-level evidence of every examined pair, reused when a source is decided again;
- pairing_marks: the newest document and translation pairing has seen, per target language;
- document_pairs.is_current: false once a re-decision dropped the pair (the row and its alignments stay).

Nothing is filled in here: the next run decides every source once under the new configuration
(the same work as a run before this revision) and from then on only what is new.

The tables are written out here rather than imported from db.schema, so that a later change to the
schema cannot change what this revision creates.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _created(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "document_vectors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("embedding_model", sa.String(200), nullable=False),
        sa.Column("mt_model", sa.String(200), nullable=False, server_default=""),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        _created(),
        sa.UniqueConstraint("document_id", "embedding_model", "mt_model"),
    )
    op.create_table(
        "pairing_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("src_document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("config", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("signature_sha", sa.String(64), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("mt_model", sa.String(200)),
        sa.Column("candidates", sa.Text, nullable=False),
        sa.Column("kth_score", sa.Float, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        _created("updated_at"),
        sa.UniqueConstraint("src_document_id", "config"),
    )
    op.create_table(
        "pairing_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("src_document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tgt_document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signature_sha", sa.String(64), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.UniqueConstraint("src_document_id", "tgt_document_id", "signature_sha"),
    )
    op.create_index("ix_pairing_evidence_tgt_document_id", "pairing_evidence", ["tgt_document_id"])
    op.create_table(
        "pairing_marks",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        _created("updated_at"),
    )
    # plain ADD COLUMN on both databases (SQLite batch mode would rebuild the table and cascade)
    op.execute("ALTER TABLE document_pairs ADD COLUMN is_current BOOLEAN NOT NULL DEFAULT TRUE")


def downgrade() -> None:
    op.execute("ALTER TABLE document_pairs DROP COLUMN is_current")
    for name in ("pairing_marks", "pairing_evidence", "pairing_sources", "document_vectors"):
        op.drop_table(name)
