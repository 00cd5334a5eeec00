"""The SQL behind `xlalign browse` (Datasette on an SQLite file): canned queries and the pair page.

Kept in db/ with the rest of the SQL. Canned queries are the README's
cookbook (so the web page and the README ask the same questions) plus a
full-text search form; the pair page reads the `pair_summaries` and
`alignment_groups` views.
"""
from __future__ import annotations

import re

from xlalign.db.cookbook import RECIPES

SEARCH_SQL = """SELECT p.score, p.src_text, p.mt_text, p.tgt_text, p.kind, p.method, p.src_source, p.tgt_source,
       p.pair_id
FROM parallel_sentences p
WHERE p.alignment_id IN (
    SELECT x.alignment_id FROM alignment_sentences x
    WHERE x.sentence_id IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH :q)
       OR x.sentence_id IN (SELECT t.sentence_id FROM translations t
                            WHERE t.id IN (SELECT rowid FROM translations_fts WHERE translations_fts MATCH :q)))
ORDER BY p.score DESC
LIMIT 200"""

PAIR_SUMMARY_SQL = "SELECT * FROM pair_summaries WHERE pair_id = :pair_id"
PAIR_DOCUMENTS_SQL = """SELECT id, source, version, title, lang, url, published, outlet
FROM documents WHERE id IN (:src, :tgt)"""
# The newest alignment of the pair, every group in order (unmatched sentences included).
PAIR_GROUPS_SQL = """SELECT position, kind, score, src_positions, tgt_positions, src_text, mt_text, tgt_text,
       method, mode, signature, mt_model, embedding_model, run_id
FROM alignment_groups
WHERE pair_id = :pair_id
  AND signature = (SELECT signature FROM pair_alignments WHERE pair_id = :pair_id ORDER BY id DESC LIMIT 1)
ORDER BY position"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:48]


def canned_queries() -> dict[str, dict[str, str]]:
    """Datasette canned queries: every cookbook recipe, and a full-text search over the parallel text."""
    queries = {
        "search_pairs": {
            "title": "Search the parallel text",
            "description": "Full-text search over source sentences, their machine translation and the targets "
                           "(SQLite FTS5 syntax: трамва* for a prefix, \"two words\" for a phrase). "
                           "The command line has more: xlalign search --substring, --lang, --source.",
            "sql": SEARCH_SQL,
        }
    }
    for i, recipe in enumerate(RECIPES, 1):
        queries[f"cookbook_{i}_{_slug(recipe.question)}"] = {
            "title": f"Cookbook {i}: {recipe.question}",
            "description": "From the README's SQL cookbook; edit the SQL to ask about your own files.",
            "sql": recipe.sql.rstrip().rstrip(";"),
        }
    return queries
