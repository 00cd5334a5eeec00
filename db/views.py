"""SQL views for researchers: the parallel text without reading the code.

The group texts are aggregated in SQL (not stored twice), in group order. The
aggregate differs by dialect: PostgreSQL orders inside `string_agg`, SQLite
(before 3.44) aggregates an ordered sub-select.

These are the definitions as of the newest revision that (re)creates views
(0007: only current document pairs, `is_latest` alignments). Migrations are frozen history: when you
change a view, copy the current definitions into `db/migrations/` (as `views_v1.py` keeps 0001's),
point the revision that used them there, and add a revision that calls
`create_views`. Views are the researchers' interface (the read-only role can
read nothing else), so columns are only ever added, never renamed.
"""
from __future__ import annotations

from sqlalchemy import Connection, text


def _group_text(dialect: str, side: str, translated: bool = False) -> str:
    joins = "JOIN sentences s ON s.id = x.sentence_id"
    value = "s.text"
    if translated:
        joins += " JOIN translations t ON t.sentence_id = s.id AND t.model = a.mt_model"
        value = "t.text"
    where = f"x.alignment_id = a.id AND x.side = '{side}'"
    if dialect == "postgresql":
        return f"(SELECT string_agg({value}, ' ' ORDER BY x.ord) FROM alignment_sentences x {joins} WHERE {where})"
    return (f"(SELECT group_concat(v, ' ') FROM (SELECT {value} AS v FROM alignment_sentences x {joins} "
            f"WHERE {where} ORDER BY x.ord))")


# 1 when the group belongs to the pair's newest alignment (pair_alignments: one row per alignment made, in order);
# an older alignment of the same pair (another method, MT model or parameter set) stays, with 0
_IS_LATEST = """CASE WHEN a.signature = (SELECT pa.signature FROM pair_alignments pa WHERE pa.pair_id = a.pair_id
                                     ORDER BY pa.id DESC LIMIT 1) THEN 1 ELSE 0 END"""


def view_definitions(dialect: str) -> dict[str, str]:
    """Only current pairs: a pair a later pairing decision dropped (`document_pairs.is_current`) keeps its rows
    in the tables, but is no longer parallel text."""
    return {
        # One row per aligned group with sentences on both sides.
        "parallel_sentences": f"""
            SELECT a.id AS alignment_id, p.id AS pair_id,
                   sd.lang AS src_lang, {_group_text(dialect, 'src')} AS src_text,
                   {_group_text(dialect, 'src', translated=True)} AS mt_text,
                   td.lang AS tgt_lang, {_group_text(dialect, 'tgt')} AS tgt_text,
                   a.score, a.kind, a.method, a.mode,
                   COALESCE(a.mt_model, a.embedding_model) AS model,
                   a.mt_model, a.embedding_model, a.signature,
                   sd.source AS src_source, td.source AS tgt_source,
                   sd.title AS src_title, td.title AS tgt_title,
                   sd.id AS src_document_id, td.id AS tgt_document_id,
                   a.src_positions, a.tgt_positions, a.run_id, a.created_at,
                   sd.version AS src_version, td.version AS tgt_version,
                   sd.url AS src_url, td.url AS tgt_url, sd.published AS src_published,
                   td.published AS tgt_published, sd.outlet AS src_outlet, td.outlet AS tgt_outlet,
                   {_IS_LATEST} AS is_latest
            FROM alignments a
            JOIN document_pairs p ON p.id = a.pair_id
            JOIN documents sd ON sd.id = p.src_document_id
            JOIN documents td ON td.id = p.tgt_document_id
            WHERE a.src_positions <> '[]' AND a.tgt_positions <> '[]' AND p.is_current
        """,
        # Sentences of paired documents that no group matched (1-0 / 0-1 groups).
        "unaligned_sentences": f"""
            SELECT d.id AS document_id, d.source, d.lang, s.position, s.text,
                   CASE WHEN x.side = 'src' THEN 'source' ELSE 'target' END AS side,
                   a.pair_id, a.method, a.signature, {_IS_LATEST} AS is_latest
            FROM alignments a
            JOIN document_pairs p ON p.id = a.pair_id
            JOIN alignment_sentences x ON x.alignment_id = a.id
            JOIN sentences s ON s.id = x.sentence_id
            JOIN documents d ON d.id = s.document_id
            WHERE (a.src_positions = '[]' OR a.tgt_positions = '[]') AND p.is_current
        """,
        # Every stored version of every input file; is_latest marks the newest per source.
        "document_versions": """
            SELECT d.id AS document_id, d.source, d.version, d.supersedes_id, d.sha256, d.lang, d.title,
                   d.fmt, d.n_bytes, d.ingested_at, d.run_id,
                   CASE WHEN EXISTS (SELECT 1 FROM documents n WHERE n.supersedes_id = d.id)
                        THEN 0 ELSE 1 END AS is_latest,
                   (SELECT count(*) FROM sentences s WHERE s.document_id = d.id) AS n_sentences,
                   d.url, d.published, d.outlet
            FROM documents d
        """,
        # Every group of every alignment in document order, unmatched sentences (1-0, 0-1) included:
        # what the pair page of `xlalign browse` shows side by side.
        "alignment_groups": f"""
            SELECT a.id AS alignment_id, a.pair_id, a.position, a.kind, a.score, a.method, a.mode,
                   a.signature, a.src_positions, a.tgt_positions,
                   {_group_text(dialect, 'src')} AS src_text,
                   {_group_text(dialect, 'src', translated=True)} AS mt_text,
                   {_group_text(dialect, 'tgt')} AS tgt_text,
                   a.mt_model, a.embedding_model, a.run_id, a.created_at
            FROM alignments a
        """,
        # One row per document pair: what it joins, how it was aligned, how many groups matched.
        "pair_summaries": """
            SELECT p.id AS pair_id, p.mode, p.score AS pair_score, sd.lang AS src_lang, td.lang AS tgt_lang,
                   sd.title AS src_title, td.title AS tgt_title, sd.source AS src_source, td.source AS tgt_source,
                   sd.outlet AS src_outlet, td.outlet AS tgt_outlet, sd.published AS src_published,
                   td.published AS tgt_published,
                   (SELECT count(*) FROM alignments a WHERE a.pair_id = p.id
                    AND a.src_positions <> '[]' AND a.tgt_positions <> '[]') AS aligned_groups,
                   (SELECT count(*) FROM alignments a WHERE a.pair_id = p.id
                    AND (a.src_positions = '[]' OR a.tgt_positions = '[]')) AS unmatched_groups,
                   (SELECT avg(a.score) FROM alignments a WHERE a.pair_id = p.id
                    AND a.src_positions <> '[]' AND a.tgt_positions <> '[]') AS mean_score,
                   (SELECT max(a.method) FROM alignments a WHERE a.pair_id = p.id) AS method,
                   sd.id AS src_document_id, td.id AS tgt_document_id, p.run_id, p.created_at
            FROM document_pairs p
            JOIN documents sd ON sd.id = p.src_document_id
            JOIN documents td ON td.id = p.tgt_document_id
            WHERE p.is_current
        """,
    }


VIEW_NAMES = ("parallel_sentences", "unaligned_sentences", "document_versions", "alignment_groups", "pair_summaries")


def create_views(conn: Connection, definitions: dict[str, str] | None = None) -> None:
    """(Re)create the views, keeping the SELECT grants a read-only role had on them.

    PostgreSQL drops a view's grants with the view, so a migration that
    recreates views would silently lock researchers out; the grantees are read
    first and granted again.
    """
    definitions = definitions if definitions is not None else view_definitions(conn.dialect.name)
    for name, body in definitions.items():
        grantees: list[str] = []
        if conn.dialect.name == "postgresql":
            grantees = list(conn.execute(text(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
                "WHERE table_schema = current_schema() AND table_name = :n AND privilege_type = 'SELECT' "
                "AND grantee <> current_user"), {"n": name}).scalars())
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
        conn.execute(text(f"CREATE VIEW {name} AS {body}"))
        for grantee in grantees:
            target = "PUBLIC" if grantee == "PUBLIC" else f'"{grantee}"'
            conn.execute(text(f"GRANT SELECT ON {name} TO {target}"))
