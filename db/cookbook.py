"""The README's SQL cookbook, kept here so that the README and the tests read the same queries.

`render_markdown()` is the text between the README's cookbook markers
(tests/test_db_cookbook.py fails when they drift apart), and every query runs
unchanged on SQLite and PostgreSQL against the example names used below.
"""
from __future__ import annotations

from dataclasses import dataclass

from xlalign.db.roles import readonly_role_sql


@dataclass(frozen=True)
class Recipe:
    question: str
    sql: str


RECIPES: tuple[Recipe, ...] = (
    Recipe("All Bulgarian–English pairs above a score, from one source file",
           """SELECT src_text, mt_text, tgt_text, score, tgt_source
FROM parallel_sentences
WHERE src_lang = 'bg' AND tgt_lang = 'en' AND score >= 0.5
  AND src_source = 'news/plovdiv-tram.bg.txt'
ORDER BY score DESC;"""),
    Recipe("Sentences of a document that have no counterpart on the other side",
           """SELECT side, position, text, method
FROM unaligned_sentences
WHERE source = 'news/plovdiv-tram.en.txt'
ORDER BY position;"""),
    Recipe("Pairs mentioning a term on either side (or in the machine translation)",
           """SELECT src_text, tgt_text, score, src_source, tgt_source
FROM parallel_sentences
WHERE src_text LIKE '%Пловдив%' OR mt_text LIKE '%Plovdiv%' OR tgt_text LIKE '%Plovdiv%'
ORDER BY score DESC;"""),
    Recipe("How many pairs per language pair and method, and how good",
           """SELECT src_lang, tgt_lang, method, count(*) AS pairs, avg(score) AS mean_score
FROM parallel_sentences
GROUP BY src_lang, tgt_lang, method
ORDER BY pairs DESC;"""),
    Recipe("Every alignment made with one translation model version",
           """SELECT src_text, mt_text, tgt_text, score, signature
FROM parallel_sentences
WHERE mt_model = 'argos:translate-bg_en@1.9'
ORDER BY src_source, alignment_id;"""),
    Recipe("Every version of a changed file, newest last (older versions keep their alignments)",
           """SELECT version, document_id, supersedes_id, sha256, is_latest, n_sentences, ingested_at
FROM document_versions
WHERE source = 'news/plovdiv-tram.bg.txt'
ORDER BY version;"""),
)

INTRO = """### SQL cookbook

Queries a researcher asks, runnable as they are in `sqlite3 xlalign.sqlite` and `psql`
(tests run each one on both). `xlalign search TERM` answers the term question with the
full-text index (FTS5 on SQLite, a generated `tsvector` column with a GIN index on PostgreSQL)
instead of `LIKE`:
whole words or a phrase, case-insensitive (on PostgreSQL as far as the server's locale folds
case: a `C`-locale server folds only ASCII letters).
The view `document_versions` lists every stored version of every input file: a changed file
(same path, new content) becomes version n+1 with `supersedes_id` pointing at version n, and
the older version's sentences and alignments stay where they were (`src_version`/`tgt_version`
in `parallel_sentences` say which version a pair comes from).

Schema changes are Alembic revisions shipped in `db/migrations/versions/` (0001: the first
schema; 0002: document versions, full-text search; 0003: `pair_alignments`; 0004: run statuses up to
32 characters, `pid`/`host`/`heartbeat_at` on `runs`, the lock table `xlalign_locks`). Every command
that writes migrates the database it opens, and `xlalign db upgrade` does only that, for any older
xlalign database; concurrent processes wait for each other (a row of `xlalign_locks` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite), for at most `XLALIGN_LOCK_TIMEOUT` seconds (120), then stop with a sentence."""

ROLE_INTRO = """**Read-only access for researchers (PostgreSQL).** `xlalign db grant-readonly ROLE [--password-stdin]`
creates a login role that can `SELECT` from the views (`parallel_sentences`,
`unaligned_sentences`, `document_versions`) and nothing else. What makes it read-only is what it
lacks, since PostgreSQL lets every role turn its own `default_transaction_read_only` off (even with
`ALTER ROLE ... SET`): no right on any table or sequence, no membership of other roles (NOINHERIT), no
temporary tables (TEMPORARY is revoked from PUBLIC and kept for the role that runs the command), no
large objects (the functions that create them are revoked from PUBLIC; the command refuses to run
while `lo_compat_privileges` is on), and no hold on xlalign's locks (rows of `xlalign_locks`, on
which it has no right, instead of advisory keys any role can take). A password is hashed
(SCRAM-SHA-256) before it is sent and never printed. It runs:"""

EXPORT_NOTE = """**Exports** stream rows, so they work on databases of any size:
`xlalign export --format tmx OUT.tmx` (TMX 1.4b, one `<tu>` per pair with `xml:lang` on each
`<tuv>` and score, method, model, signature and sources as `<prop type="x-…">`),
`--format moses OUT` (line-parallel `OUT.bg` + `OUT.en`; with several language pairs
`OUT.bg-en.bg` + `OUT.bg-en.en` per pair), `--format jsonl` / `--format tsv` (one pair per
line/row with `alignment_id, src_lang, tgt_lang, src_text, mt_text, tgt_text, score, kind,
method, mode, model, mt_model, embedding_model, signature, src_source, tgt_source,
src_version, tgt_version, pair_id, run_id`). `--min-score X` and `--lang bg` filter."""


def render_markdown() -> str:
    """The cookbook section of README.md, markers excluded."""
    parts = [INTRO]
    for i, recipe in enumerate(RECIPES, 1):
        parts.append(f"{i}. {recipe.question}:\n\n```sql\n{recipe.sql}\n```")
    role_sql = ";\n".join(readonly_role_sql("researcher", "xlalign")) + ";"
    parts.append(f"{ROLE_INTRO}\n\n```sql\n{role_sql}\n```")
    parts.append(EXPORT_NOTE)
    return "\n\n".join(parts)
