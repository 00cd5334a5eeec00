"""Full-text search over the parallel text: source sentences, their translations, targets.

The index lives in the database and follows every insert by itself (FTS5
tables with triggers on SQLite, a generated tsvector column with a GIN index
on PostgreSQL; see migration 0002), so search never rebuilds anything. A term matches whole
words (a phrase when it has several), case-insensitively on SQLite and on
PostgreSQL servers with a non-C locale.

Order: best alignment score first, among the newest `candidates` matching
sentences and the newest `candidates` matching translations. For a term rarer
than that (most names and terms a researcher looks up) this is exact; for a
very common word it keeps the latency bounded (a million-pair database answers
in milliseconds instead of sorting tens of thousands of matches), and the SQL
cookbook's LIKE query or a bigger `candidates` gives the exhaustive answer.
"""
from sqlalchemy import Engine, text

from xlalign.errors import UsageError

# The stored column that migration 0002 adds and indexes on PostgreSQL: to_tsvector('simple', text).
PG_TSVECTOR = "tsv"

CANDIDATES = 500

_SQLITE_HITS = """
    SELECT * FROM (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH :q ORDER BY rowid DESC LIMIT :cap)
    UNION
    SELECT t.sentence_id FROM (SELECT rowid AS tid FROM translations_fts WHERE translations_fts MATCH :q
                               ORDER BY rowid DESC LIMIT :cap) f
    JOIN translations t ON t.id = f.tid
"""
_PG_HITS = f"""
    SELECT * FROM (SELECT id FROM sentences WHERE {PG_TSVECTOR} @@ phraseto_tsquery('simple', :q)
                   ORDER BY id DESC LIMIT :cap) s
    UNION
    SELECT t.sentence_id FROM (SELECT id FROM translations WHERE {PG_TSVECTOR} @@ phraseto_tsquery('simple', :q)
                               ORDER BY id DESC LIMIT :cap) f
    JOIN translations t ON t.id = f.id
"""
_TOP_AND_TEXTS = """
    WITH hits(sentence_id) AS ({hits}),
    top AS (
        SELECT a.id, a.score FROM alignments a
        WHERE a.id IN (SELECT x.alignment_id FROM alignment_sentences x JOIN hits h ON h.sentence_id = x.sentence_id)
          AND a.src_positions <> '[]' AND a.tgt_positions <> '[]'
        ORDER BY a.score DESC NULLS LAST, a.id LIMIT :limit
    )
    SELECT p.* FROM parallel_sentences p JOIN top ON top.id = p.alignment_id
    ORDER BY p.score DESC NULLS LAST, p.alignment_id
"""


def fts5_phrase(term: str) -> str:
    """The term as one FTS5 phrase, so that user text is never parsed as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def search_pairs(engine: Engine, term: str, *, limit: int = 20, candidates: int = CANDIDATES) -> list[dict]:
    """Aligned pairs with `term` in the source, its translation or the target, best score first."""
    term = " ".join(term.split())
    if not term:
        raise UsageError("the search term is empty: give a word or phrase, e.g. xlalign search Plovdiv")
    if engine.dialect.name == "postgresql":
        sql, q = _TOP_AND_TEXTS.format(hits=_PG_HITS), term
    else:
        sql, q = _TOP_AND_TEXTS.format(hits=_SQLITE_HITS), fts5_phrase(term)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), {"q": q, "limit": limit, "cap": candidates})]


def format_hit(row: dict) -> str:
    """Four lines per pair: score and provenance, then source, translation, target."""
    score = "n/a" if row["score"] is None else f"{row['score']:.3f}"
    lines = [f"{score}  {row['src_lang']}→{row['tgt_lang']}  {row['kind']}  {row['method']}  {row['model'] or ''}",
             f"  {row['src_lang']}: {row['src_text']}"]
    if row.get("mt_text"):
        lines.append(f"  mt: {row['mt_text']}")
    lines += [f"  {row['tgt_lang']}: {row['tgt_text']}",
              f"  sources: {row['src_source']} (v{row.get('src_version', 1)}) ↔ "
              f"{row['tgt_source']} (v{row.get('tgt_version', 1)})"]
    return "\n".join(lines)
