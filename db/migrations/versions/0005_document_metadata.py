"""Document metadata, search that Datasette and sqlite-utils recognise, substring search, browsing views.

- documents.url / published / outlet / metadata_from: what the page states about itself (an
  "Original url:" line, <meta> tags, a dateline or byline), and where each value was read.
- SQLite: the FTS5 tables of 0002 named their content table as content='sentences'; sqlite-utils
  and Datasette only recognise content="sentences" (or [sentences]) and reported the database as
  "not configured for full-text search". They are recreated with double quotes and rebuilt.
- Substring search (`xlalign search --substring`: "трамва" finds "трамвайна", "трамваи"): FTS5
  tables with the trigram tokenizer on SQLite; on PostgreSQL a pg_trgm GIN index when the server
  lets the database owner create the extension (ILIKE works without it, only slower).
- Views: the metadata columns, plus `alignment_groups` (every group in order, unmatched included)
  and `pair_summaries` (one row per document pair), which `xlalign browse` shows. The views of
  0002 are frozen in `db/migrations/views_v2.py`.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from alembic import op

from xlalign.db.migrations.views_v3 import create_views, view_definitions

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FTS_TABLES = {"sentences": "sentences_fts", "translations": "translations_fts"}
TRIGRAM_TABLES = {"sentences": "sentences_trigram", "translations": "translations_trigram"}
COLUMNS = ("url TEXT", "published VARCHAR(32)", "outlet TEXT", "metadata_from TEXT NOT NULL DEFAULT '{}'")


def _fts5(table: str, fts: str, tokenize: str, quote: str = '"') -> None:
    """An external-content FTS5 table over `table`.text, kept in sync by triggers, filled now.

    `quote` is how the options are quoted: sqlite-utils recognises `content="table"` only with double
    quotes, which is what this migration changes; the downgrade restores 0002's single quotes.
    """
    q = quote
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(text, content={q}{table}{q}, content_rowid={q}id{q}, "
               f"tokenize={q}{tokenize}{q})")
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, text) VALUES (new.id, new.text); END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, text) VALUES ('delete', old.id, old.text); END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF text ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, text) VALUES ('delete', old.id, old.text); "
               f"INSERT INTO {fts}(rowid, text) VALUES (new.id, new.text); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _drop_fts5(fts: str) -> None:
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {fts}")


def _readers(conn) -> list[str]:
    """PostgreSQL roles that may read parallel_sentences: the researchers the new views are for too."""
    if conn.dialect.name != "postgresql":
        return []
    return list(conn.exec_driver_sql(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants WHERE table_schema = current_schema() "
        "AND table_name = 'parallel_sentences' AND privilege_type = 'SELECT' AND grantee <> current_user").scalars())


def upgrade() -> None:
    conn = op.get_bind()
    readers = _readers(conn)
    for name in view_definitions(conn.dialect.name):  # views name documents' columns: out of the way first
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for column in COLUMNS:
        op.execute(f"ALTER TABLE documents ADD COLUMN {column}")
    if conn.dialect.name == "sqlite":
        for table, fts in FTS_TABLES.items():
            _drop_fts5(fts)
            _fts5(table, fts, "unicode61 remove_diacritics 2")
        for table, fts in TRIGRAM_TABLES.items():
            _fts5(table, fts, "trigram")
    else:
        nested = conn.begin_nested()
        try:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # not installed on the server, or not ours to create: search still works, unindexed
            nested.rollback()
        else:
            nested.commit()
            for table, index in TRIGRAM_TABLES.items():
                op.execute(f"CREATE INDEX ix_{index} ON {table} USING gin (text gin_trgm_ops)")
    create_views(conn)
    for role in readers:  # dropping the views dropped their grants; a researcher keeps reading, the new views too
        target = "PUBLIC" if role == "PUBLIC" else f'"{role}"'
        for name in view_definitions(conn.dialect.name):
            op.execute(f"GRANT SELECT ON {name} TO {target}")


def downgrade() -> None:
    from xlalign.db.migrations import views_v2

    conn = op.get_bind()
    for name in view_definitions(conn.dialect.name):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if conn.dialect.name == "sqlite":
        for fts in TRIGRAM_TABLES.values():
            _drop_fts5(fts)
        for table, fts in FTS_TABLES.items():  # back to 0002's spelling
            _drop_fts5(fts)
            _fts5(table, fts, "unicode61 remove_diacritics 2", quote="'")
    else:
        for index in TRIGRAM_TABLES.values():
            op.execute(f"DROP INDEX IF EXISTS ix_{index}")
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE documents DROP COLUMN {column.split()[0]}")
    views_v2.create_views(conn)
