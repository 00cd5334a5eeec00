"""Full-text search over the parallel text: source sentences, their translations, targets.

The indexes live in the database and follow every insert by themselves (see
migrations 0002 and 0005), so search never rebuilds anything:

- words (default): whole words, a phrase when there are several, case-insensitive;
  a word ending in `*` is a prefix (`трамва*` finds "трамвай", "трамвайна", "трамваи").
  SQLite: FTS5 (unicode61, diacritics folded); PostgreSQL: the stored
  `to_tsvector('simple', text)` column ('simple': no stemming, so a Bulgarian and an
  English term are treated alike), queried with `to_tsquery` and `:*` prefixes.
- substring: the text anywhere inside words (`трамва` finds all of the above, and
  "Plovdiv's"); for Bulgarian's many endings this is the practical stand-in for
  stemming. SQLite: FTS5 trigram tables (3 characters at least); PostgreSQL: ILIKE,
  indexed by pg_trgm where the server allowed the extension.

User text is never parsed as query syntax: words are quoted, `*` is the only operator.
Case folding on PostgreSQL goes as far as the server's locale does (a `C`-locale
server folds only ASCII letters).

Order: best alignment score first, among the newest `candidates` matching
sentences and the newest `candidates` matching translations. For a term rarer
than that (most names and terms a researcher looks up) this is exact; for a
very common word it keeps the latency bounded, and the SQL cookbook's LIKE
query or a bigger `candidates` gives the exhaustive answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

from xlalign.errors import UsageError

# The stored column that migration 0002 adds and indexes on PostgreSQL: to_tsvector('simple', text).
PG_TSVECTOR = "tsv"
CANDIDATES = 500
MODES = ("words", "substring")
# A search term is a word or a phrase. Far longer "terms" (a pasted article) make PostgreSQL's
# tsquery fail and cost minutes on SQLite; they are refused with a sentence instead.
MAX_TERM_WORDS = 32
MAX_TERM_CHARS = 400
TRIGRAM = 3


@dataclass(frozen=True)
class SearchFilter:
    """Which pairs a hit may come from: its source language, a part of either file's name."""

    lang: str | None = None
    source: str | None = None


_HITS = {
    ("sqlite", "words"): """
        SELECT * FROM (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH :q ORDER BY rowid DESC LIMIT :cap)
        UNION
        SELECT t.sentence_id FROM (SELECT rowid AS tid FROM translations_fts WHERE translations_fts MATCH :q
                                   ORDER BY rowid DESC LIMIT :cap) f
        JOIN translations t ON t.id = f.tid""",
    ("sqlite", "substring"): """
        SELECT * FROM (SELECT rowid FROM sentences_trigram WHERE sentences_trigram MATCH :q
                       ORDER BY rowid DESC LIMIT :cap)
        UNION
        SELECT t.sentence_id FROM (SELECT rowid AS tid FROM translations_trigram WHERE translations_trigram MATCH :q
                                   ORDER BY rowid DESC LIMIT :cap) f
        JOIN translations t ON t.id = f.tid""",
    ("postgresql", "words"): f"""
        SELECT * FROM (SELECT id FROM sentences WHERE {PG_TSVECTOR} @@ to_tsquery('simple', :q)
                       ORDER BY id DESC LIMIT :cap) s
        UNION
        SELECT t.sentence_id FROM (SELECT id FROM translations WHERE {PG_TSVECTOR} @@ to_tsquery('simple', :q)
                                   ORDER BY id DESC LIMIT :cap) f
        JOIN translations t ON t.id = f.id""",
    ("postgresql", "substring"): r"""
        SELECT * FROM (SELECT id FROM sentences WHERE text ILIKE :q ESCAPE '\' ORDER BY id DESC LIMIT :cap) s
        UNION
        SELECT t.sentence_id FROM (SELECT id FROM translations WHERE text ILIKE :q ESCAPE '\'
                                   ORDER BY id DESC LIMIT :cap) f
        JOIN translations t ON t.id = f.id""",
}
_TOP_AND_TEXTS = """
    WITH hits(sentence_id) AS ({hits}),
    top AS (
        SELECT a.id, a.score FROM alignments a
        JOIN document_pairs dp ON dp.id = a.pair_id
        JOIN documents sd ON sd.id = dp.src_document_id
        JOIN documents td ON td.id = dp.tgt_document_id
        WHERE a.id IN (SELECT x.alignment_id FROM alignment_sentences x JOIN hits h ON h.sentence_id = x.sentence_id)
          AND a.src_positions <> '[]' AND a.tgt_positions <> '[]'{filters}
        ORDER BY a.score DESC NULLS LAST, a.id LIMIT :limit
    )
    SELECT p.* FROM parallel_sentences p JOIN top ON top.id = p.alignment_id
    ORDER BY p.score DESC NULLS LAST, p.alignment_id
"""


def fts5_phrase(term: str) -> str:
    """The term as one FTS5 phrase, so that user text is never parsed as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _words(term: str) -> list[tuple[str, bool]]:
    """(word, is_prefix) for each word of the term; a trailing `*` makes a prefix."""
    words = []
    for raw in term.split():
        word = raw.rstrip("*")
        if word:
            words.append((word, word != raw))
    if not words:
        raise UsageError("the search term has no letters, only `*`: give a word, or the start of one with `*` "
                         "after it (e.g. трамва*)")
    return words


def fts5_query(term: str) -> str:
    """`трамвайна лин*` -> `"трамвайна" + "лин"*`: an FTS5 phrase whose words may be prefixes."""
    return " + ".join(fts5_phrase(w) + ("*" if prefix else "") for w, prefix in _words(term))


def pg_tsquery(term: str) -> str:
    """`трамвайна лин*` -> `'трамвайна' <-> 'лин':*`: quoted lexemes in order, prefixes marked."""
    def lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return " <-> ".join(lexeme(w) + (":*" if prefix else "") for w, prefix in _words(term))


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_term(term: str) -> str:
    """The term with its spaces normalised, or a UsageError saying why it cannot be searched."""
    words = term.split()
    if not words:
        raise UsageError("the search term is empty: give a word or phrase, e.g. xlalign search Plovdiv")
    if len(words) > MAX_TERM_WORDS or len(term) > MAX_TERM_CHARS:
        raise UsageError(f"the search term has {len(words):,} words and {len(term):,} characters; search takes a "
                         f"word or a phrase of at most {MAX_TERM_WORDS} words and {MAX_TERM_CHARS} characters "
                         "(for a longer passage, search a distinctive phrase of it)")
    return " ".join(words)


def search_pairs(engine: Engine, term: str, *, limit: int = 20, candidates: int = CANDIDATES,
                 mode: str = "words", where: SearchFilter | None = None) -> list[dict]:
    """Aligned pairs with `term` in the source, its translation or the target, best score first."""
    term = check_term(term)
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}: choose one of {', '.join(MODES)}")
    dialect = "postgresql" if engine.dialect.name == "postgresql" else "sqlite"
    if mode == "substring":
        bare = term.replace("*", "")
        if dialect == "sqlite" and len(bare) < TRIGRAM:
            raise UsageError(f"substring search needs at least {TRIGRAM} characters, {term!r} has {len(bare)}; "
                             "search whole words instead (without --substring)")
        q = fts5_phrase(bare) if dialect == "sqlite" else _like_pattern(bare)
    else:
        q = fts5_query(term) if dialect == "sqlite" else pg_tsquery(term)
    params: dict[str, Any] = {"q": q, "limit": limit, "cap": candidates}
    filters = ""
    where = where or SearchFilter()
    if where.lang:
        filters += " AND sd.lang = :lang"
        params["lang"] = where.lang
    if where.source:
        filters += r" AND (sd.source LIKE :source ESCAPE '\' OR td.source LIKE :source ESCAPE '\')"
        params["source"] = _like_pattern(where.source)
    sql = _TOP_AND_TEXTS.format(hits=_HITS[dialect, mode], filters=filters)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


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
