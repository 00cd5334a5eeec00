"""What the database holds, in the numbers a user checks after a run."""
from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from xlalign.db.schema import alignments, document_pairs, documents, input_files, sentences, translations

EXAMPLE_QUERY = """SELECT src_lang, tgt_lang, kind, round(CAST(score AS numeric), 3) AS score, src_text, mt_text, tgt_text
FROM parallel_sentences ORDER BY score DESC NULLS LAST LIMIT 3"""


def database_summary(engine: Engine) -> dict:
    with engine.connect() as conn:
        def count(table, *where):
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

        return {
            "documents": count(documents),
            "documents_per_language": {lang: n for lang, n in conn.execute(
                select(documents.c.lang, func.count()).group_by(documents.c.lang).order_by(documents.c.lang))},
            "sentences": count(sentences),
            "translations": count(translations),
            "document_pairs": count(document_pairs),
            "alignment_groups": count(alignments),
            "aligned_pairs": conn.execute(text("SELECT count(*) FROM parallel_sentences")).scalar_one(),
            "failed_files": count(input_files, input_files.c.status == "failed"),
        }


def format_summary(summary: dict) -> str:
    langs = ", ".join(f"{lang}: {n}" for lang, n in summary["documents_per_language"].items()) or "none"
    return "\n".join([
        f"documents       {summary['documents']} ({langs})",
        f"sentences       {summary['sentences']}",
        f"translations    {summary['translations']}",
        f"document pairs  {summary['document_pairs']}",
        f"aligned pairs   {summary['aligned_pairs']} (of {summary['alignment_groups']} groups incl. unmatched)",
        f"failed files    {summary['failed_files']}",
    ])


def example_rows(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(EXAMPLE_QUERY))]
