"""Document versions, full-text search, and the views that show both.

- documents.version / documents.supersedes_id: a changed file (same source,
  new sha256) becomes version n+1 pointing at version n; existing rows are
  numbered by id per source.
- Full-text search kept in sync by the database itself: FTS5 external-content
  tables plus triggers on SQLite; on PostgreSQL a generated column
  `tsv = to_tsvector('simple', text)` (stored, so checking a row never
  re-parses its text; an expression index made a common term cost 1.5 s on a
  million pairs) with a GIN index. 'simple' = no stemming, so a Bulgarian and
  an English term are treated alike.
- Views: parallel_sentences gains src_version/tgt_version; new document_versions.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op

from xlalign.db.migrations.views_v2 import create_views

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS_TABLES = {"sentences": "sentences_fts", "translations": "translations_fts"}


def upgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    # Plain ALTER TABLE ... ADD COLUMN on both, never SQLite batch mode: a table rebuild drops
    # `documents`, and with foreign_keys=ON that cascades into every sentence.
    op.execute("ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    op.execute("ALTER TABLE documents ADD COLUMN supersedes_id INTEGER "
               "CONSTRAINT fk_documents_supersedes_id_documents REFERENCES documents (id)")
    op.execute("""UPDATE documents SET
        version = (SELECT count(*) FROM documents d2 WHERE d2.source = documents.source AND d2.id <= documents.id),
        supersedes_id = (SELECT max(d2.id) FROM documents d2
                         WHERE d2.source = documents.source AND d2.id < documents.id)""")
    op.execute("CREATE INDEX ix_documents_source_version ON documents (source, version)")

    if dialect == "sqlite":
        for table, fts in FTS_TABLES.items():
            op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(text, content='{table}', content_rowid='id', "
                       "tokenize='unicode61 remove_diacritics 2')")
            op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                       f"INSERT INTO {fts}(rowid, text) VALUES (new.id, new.text); END")
            op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, text) VALUES ('delete', old.id, old.text); END")
            op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF text ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, text) VALUES ('delete', old.id, old.text); "
                       f"INSERT INTO {fts}(rowid, text) VALUES (new.id, new.text); END")
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    else:
        for table, fts in FTS_TABLES.items():
            op.execute(f"ALTER TABLE {table} ADD COLUMN tsv tsvector "
                       "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED")
            op.execute(f"CREATE INDEX ix_{fts} ON {table} USING gin (tsv)")

    create_views(conn)


def downgrade() -> None:
    from xlalign.db.migrations import views_v1

    conn = op.get_bind()
    op.execute("DROP VIEW IF EXISTS document_versions")
    for table, fts in FTS_TABLES.items():
        if conn.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{fts}")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS tsv")
    views_v1.create_views(conn)
    op.execute("DROP INDEX IF EXISTS ix_documents_source_version")
    op.execute("ALTER TABLE documents DROP COLUMN supersedes_id")
    op.execute("ALTER TABLE documents DROP COLUMN version")
