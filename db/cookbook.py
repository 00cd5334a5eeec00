"""The README's SQL cookbook, kept here so that the README and the tests read the same queries.

`render_markdown()` is the text between the README's cookbook markers
(tests/test_db_cookbook.py fails when they drift apart), and every query runs
unchanged on SQLite and PostgreSQL against the example names used below.
"""
from __future__ import annotations

from dataclasses import dataclass

from xlalign.db.roles import readonly_role_sql
from xlalign.db.views import VIEW_NAMES


@dataclass(frozen=True)
class Recipe:
    question: str
    sql: str


RECIPES: tuple[Recipe, ...] = (
    Recipe("All Bulgarian–English pairs above the recommended score of their method (README: Scores), from one file",
           """SELECT src_text, mt_text, tgt_text, score, method, tgt_source
FROM parallel_sentences
WHERE src_lang = 'bg' AND tgt_lang = 'en'
  AND score >= CASE method WHEN 'embed' THEN 0.65 WHEN 'mt' THEN 0.9 ELSE 0.95 END
  AND src_source = 'examples/tram-report.bg.md'
ORDER BY score DESC;"""),
    Recipe("Sentences of a document that have no counterpart on the other side",
           """SELECT side, position, text, method
FROM unaligned_sentences
WHERE source = 'examples/tram-report.en.txt'
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
    Recipe("Every alignment made with one model version (the embedding model; mt_model names the MT, if any)",
           """SELECT src_text, mt_text, tgt_text, score, method, mt_model, signature
FROM parallel_sentences
WHERE embedding_model = 'e5-small-q4'
ORDER BY src_source, alignment_id;"""),
    Recipe("Every version of a changed file, newest last (older versions keep their alignments)",
           """SELECT version, document_id, supersedes_id, sha256, is_latest, n_sentences, ingested_at
FROM document_versions
WHERE source = 'examples/tram-report.bg.md'
ORDER BY version;"""),
    Recipe("Where each article comes from: the URL, date and outlet its page states",
           """SELECT source, title, url, published, outlet
FROM document_versions
WHERE url IS NOT NULL AND is_latest = 1
ORDER BY published, source;"""),
    Recipe("The parallel text as it stands: each pair's newest alignment only (a re-run with new MT or "
           "parameters adds an alignment; the older one stays, with is_latest = 0)",
           """SELECT pair_id, src_text, tgt_text, score, method, signature
FROM parallel_sentences
WHERE is_latest = 1
ORDER BY pair_id, alignment_id;"""),
)

INTRO = """### SQL cookbook

Queries a researcher asks, runnable as they are in `sqlite3 xlalign.sqlite` and `psql`, and
each one returns rows on the database `scripts/demo.sh` makes (tests run every one on the demo
database, on SQLite and on PostgreSQL); `xlalign browse` offers them as canned queries.
`xlalign search TERM` answers the term question with the full-text index (FTS5 on SQLite, a
generated `tsvector` column with a GIN index on PostgreSQL) instead of `LIKE`: whole words or a
phrase, a word ending in `*` as a prefix (`трамва*` finds трамвай, трамвайна, трамваи), or with
`--substring` anywhere inside words (trigram tables on SQLite, `ILIKE` with a `pg_trgm` index on
PostgreSQL); `--lang`, `--source TEXT` and `--json` as with the other commands. Case-insensitive
(on PostgreSQL as far as the server's locale folds case: a `C`-locale server folds only ASCII
letters).
The view `document_versions` lists every stored version of every input file: a changed file
(same path, new content) becomes version n+1 with `supersedes_id` pointing at version n, and
the older version's sentences and alignments stay where they were (`src_version`/`tgt_version`
in `parallel_sentences` say which version a pair comes from).

Schema changes are Alembic revisions shipped in `db/migrations/versions/` (0001: the first
schema; 0002: document versions, full-text search; 0003: `pair_alignments`; 0004: run statuses up to
32 characters, `pid`/`host`/`heartbeat_at` on `runs`, the lock table `xlalign_locks`; 0005: document
metadata, substring search, the `alignment_groups` and `pair_summaries` views; 0006: the candidate
index (stored document vectors and pairing state, `document_pairs.is_current`); 0007: the views show
current pairs only, with `is_latest` on each pair's newest alignment). Every command
that writes migrates the database it opens, and `xlalign db upgrade` does only that, for any older
xlalign database; concurrent processes wait for each other (a row of `xlalign_locks` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite), for at most `XLALIGN_LOCK_TIMEOUT` seconds (120), then stop with a sentence."""

ROLE_INTRO = ("""**Read-only access for researchers (PostgreSQL only: SQLite has no roles; on SQLite, share the
file or `xlalign browse`).** `xlalign db grant-readonly ROLE [--password-stdin]` creates a login role
that can `SELECT` from the views (""" + ", ".join(f"`{v}`" for v in VIEW_NAMES) + """) and nothing
else. What makes it read-only is what it lacks, since PostgreSQL lets every role turn its own
`default_transaction_read_only` off (even with `ALTER ROLE ... SET`): no right on any table or
sequence, no membership of other roles (NOINHERIT), no temporary tables (TEMPORARY is revoked from
PUBLIC and kept for the role that runs the command), no large objects (the functions that create them
are revoked from PUBLIC; the command refuses to run while `lo_compat_privileges` is on), and no hold on
xlalign's locks (rows of `xlalign_locks`, on which it has no right, instead of advisory keys any role
can take). A password is hashed (SCRAM-SHA-256) before it is sent and never printed. It runs, in
`psql` (not `sqlite3`):""")

EXPORT_NOTE = """**Exports** stream rows, so they work on databases of any size:
`xlalign export --format tmx OUT.tmx` (TMX 1.4b: the header's `srclang` is the export's source
language, each `<tu>` names its own `srclang` and `creationdate`, `xml:lang` on each `<tuv>`; the
machine translation as a `<note>` and `<prop type="x-mt">`; score, method, models, signature,
sources and URLs as `<prop type="x-…">`), `--format xces OUT.xml` (what OPUS tools read: an XCES
`cesAlign` file with the score as each link's `certainty`, and OPUS "raw" sentence files
`bg/ID.xml`, `en/ID.xml` beside it: `opus_read -d xlalign -s bg -t en -p raw -af OUT.xml -dl
DIR`), `--format moses OUT` (line-parallel `OUT.bg` + `OUT.en`; with several language pairs
`OUT.bg-en.bg` + `OUT.bg-en.en` per pair), `--format jsonl` / `--format tsv` (one pair per
line/row, TSV quoted by the `csv` module, with `alignment_id, src_lang, tgt_lang, src_text,
mt_text, tgt_text, score, kind, method, mode, model, mt_model, embedding_model, signature,
src_source, tgt_source, src_version, tgt_version, pair_id, run_id, created_at, src_url, tgt_url,
src_published, tgt_published, src_outlet, tgt_outlet`). OUT `-` writes to standard output (TMX,
JSONL, TSV). Filters: `--min-score X`, `--lang bg`, `--tgt-lang en`, `--kind 1-1` (repeatable),
`--max-group N`, `--mode`, `--method`, `--run ID`, `--since`/`--until YYYY-MM-DD`."""


def render_markdown() -> str:
    """The cookbook section of README.md, markers excluded."""
    parts = [INTRO]
    for i, recipe in enumerate(RECIPES, 1):
        parts.append(f"{i}. {recipe.question}:\n\n```sql\n{recipe.sql}\n```")
    role_sql = ";\n".join(readonly_role_sql("researcher", "xlalign")) + ";"
    parts.append(f"{ROLE_INTRO}\n\n```sql\n{role_sql}\n```")
    parts.append(EXPORT_NOTE)
    return "\n\n".join(parts)
