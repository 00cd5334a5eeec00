"""Frozen copy of the views at schema version 1 (revision 0001): never edit.

SQL views for researchers: the parallel text without reading the code.

The group texts are aggregated in SQL (not stored twice), in group order. The
aggregate differs by dialect: PostgreSQL orders inside `string_agg`, SQLite
(before 3.44) aggregates an ordered sub-select.
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


def view_definitions(dialect: str) -> dict[str, str]:
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
                   a.src_positions, a.tgt_positions, a.run_id, a.created_at
            FROM alignments a
            JOIN document_pairs p ON p.id = a.pair_id
            JOIN documents sd ON sd.id = p.src_document_id
            JOIN documents td ON td.id = p.tgt_document_id
            WHERE a.src_positions <> '[]' AND a.tgt_positions <> '[]'
        """,
        # Sentences of paired documents that no group matched (1-0 / 0-1 groups).
        "unaligned_sentences": """
            SELECT d.id AS document_id, d.source, d.lang, s.position, s.text,
                   CASE WHEN x.side = 'src' THEN 'source' ELSE 'target' END AS side,
                   a.pair_id, a.method, a.signature
            FROM alignments a
            JOIN alignment_sentences x ON x.alignment_id = a.id
            JOIN sentences s ON s.id = x.sentence_id
            JOIN documents d ON d.id = s.document_id
            WHERE a.src_positions = '[]' OR a.tgt_positions = '[]'
        """,
    }


def create_views(conn: Connection) -> None:
    for name, body in view_definitions(conn.dialect.name).items():
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
        conn.execute(text(f"CREATE VIEW {name} AS {body}"))
