"""Row counts of the content tables: what tests and the fault probe compare between two runs."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, func, select

from xlalign.db.schema import (
    alignment_sentences,
    alignments,
    document_pairs,
    documents,
    input_files,
    paragraphs,
    sentences,
    translations,
)

CONTENT_TABLES: tuple[Table, ...] = (documents, paragraphs, sentences, input_files, translations, document_pairs,
                                     alignments, alignment_sentences)


def table_counts(conn: Connection, tables: Sequence[Table] = CONTENT_TABLES) -> dict[str, int]:
    """{table name: rows} for `tables`."""
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
