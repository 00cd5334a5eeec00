"""The tables: what xlalign stores, and the natural keys that make storing idempotent.

Core `Table`s rather than ORM classes: the pipeline inserts in bulk with
`ON CONFLICT DO NOTHING` on natural keys (a document's sha256, a sentence's
position, a translation's (sentence, model)), which is what makes re-runs and
concurrent runs add no rows, and Core says that directly.

Every row that a model or algorithm produced (translations, document pairs,
alignments) carries the model/method, a JSON of its parameters and a
sacrebleu-style signature, so a researcher can filter or reproduce it.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def _created() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("flow_run_id", String(64)),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    # running | completed | completed_with_failures | failed | interrupted | abandoned (migration 0004: 32 chars)
    Column("status", String(32), nullable=False, server_default="running"),
    Column("parameters", Text, nullable=False, server_default="{}"),  # JSON
    Column("versions", Text, nullable=False, server_default="{}"),  # JSON: xlalign, ctranslate2, ...
    Column("summary", Text),  # JSON counts when finished
    # Who runs it, and when it last said it was alive (0004): a `running` row whose process is gone
    # or whose heartbeat stopped is a run that died, and `xlalign summary` says so.
    Column("pid", Integer),
    Column("host", String(255)),
    Column("heartbeat_at", DateTime(timezone=True)),
)

# Row locks that only xlalign's own role can take (0004): the read-only role has no right on this
# table, so unlike an advisory lock key it cannot hold one to stall ingestion or migrations.
# Bucket -1 serialises migrations; buckets 0..LOCK_BUCKETS-1 serialise versioning of one source.
LOCK_BUCKETS = 1024
locks = Table(
    "xlalign_locks", metadata,
    Column("bucket", Integer, primary_key=True, autoincrement=False),
)

input_files = Table(
    "input_files", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # "" when the file could not be read at all
    Column("status", String(16), nullable=False),  # processed | failed | deferred (database lost: try again)
    Column("error", Text),
    Column("document_id", Integer, ForeignKey("documents.id")),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("source", "sha256"),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("lang", String(16), nullable=False),
    Column("lang_confidence", Float, nullable=False),
    Column("fmt", String(8), nullable=False),
    Column("encoding", String(32), nullable=False),
    Column("n_bytes", Integer, nullable=False),
    Column("raw_text", Text, nullable=False),
    Column("clean_text", Text, nullable=False),
    Column("warnings", Text, nullable=False, server_default="[]"),  # JSON list of sentences
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("ingested_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # A changed file (same source, new sha256) is a new row: version counts up per source and
    # supersedes_id points at the previous version, whose sentences and alignments stay as they were.
    Column("version", Integer, nullable=False, server_default="1"),
    Column("supersedes_id", Integer, ForeignKey("documents.id")),
    # What the page itself states (migration 0005): its address, publication date (ISO 8601, as precise
    # as the page is) and outlet; metadata_from says for each where it was read, e.g. {"url": "original-url-line"}.
    Column("url", Text),
    Column("published", String(32)),
    Column("outlet", Text),
    Column("metadata_from", Text, nullable=False, server_default="{}"),  # JSON
    Index(None, "source"),
    Index(None, "source", "version"),
)

paragraphs = Table(
    "paragraphs", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("lang", String(16), nullable=False),
    Column("lang_confidence", Float, nullable=False),
    Column("in_document_lang", Boolean, nullable=False),
    Column("status", String(48), nullable=False),  # kept | <cleaning rule> | other-language:<lang>
    UniqueConstraint("document_id", "position"),
)

sentences = Table(
    "sentences", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("paragraph_position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),  # translation cache key, with the model
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("lang", String(16), nullable=False),
    UniqueConstraint("document_id", "position"),
    Index(None, "text_sha256"),
)

translations = Table(
    "translations", metadata,
    Column("id", Integer, primary_key=True),
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE"), nullable=False),
    Column("model", String(200), nullable=False),  # e.g. argos:translate-bg_en@1.9
    Column("target_lang", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("signature", Text, nullable=False),  # model + decoding settings
    Column("params", Text, nullable=False, server_default="{}"),  # JSON
    Column("reused_from", Integer),  # translation id this was copied from (same text, same model)
    Column("run_id", Integer, ForeignKey("runs.id")),
    _created(),
    UniqueConstraint("sentence_id", "model"),
    Index(None, "source_sha256", "model"),
)

document_pairs = Table(
    "document_pairs", metadata,
    Column("id", Integer, primary_key=True),
    Column("src_document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("tgt_document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("mode", String(16), nullable=False),  # parallel | comparable
    Column("method", String(64), nullable=False),
    Column("params", Text, nullable=False, server_default="{}"),
    Column("run_id", Integer, ForeignKey("runs.id")),
    _created(),
    # false once the source was decided again and this target is no longer among its partners (0006);
    # the row and its alignments stay, as every stored result does
    Column("is_current", Boolean, nullable=False, server_default=true()),
    UniqueConstraint("src_document_id", "tgt_document_id"),
)

pair_alignments = Table(  # one row per alignment made, also when it found no groups (migration 0003)
    "pair_alignments", metadata,
    Column("id", Integer, primary_key=True),
    Column("pair_id", Integer, ForeignKey("document_pairs.id", ondelete="CASCADE"), nullable=False),
    Column("signature", Text, nullable=False),
    Column("method", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("groups", Integer, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id")),
    _created(),
    UniqueConstraint("pair_id", "signature"),
)

alignments = Table(
    "alignments", metadata,
    Column("id", Integer, primary_key=True),
    Column("pair_id", Integer, ForeignKey("document_pairs.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # order of the group within its alignment
    Column("src_positions", Text, nullable=False),  # Vecalign style: "[0, 1]"
    Column("tgt_positions", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # 1-1, 2-1, 1-0, ...
    Column("score", Float),
    Column("method", String(16), nullable=False),  # hybrid | mt | embed (the one actually used)
    Column("mode", String(16), nullable=False),
    Column("mt_model", String(200)),  # translation model whose output was used, if any
    Column("embedding_model", String(200)),
    Column("signature", Text, nullable=False),
    Column("params", Text, nullable=False, server_default="{}"),
    Column("run_id", Integer, ForeignKey("runs.id")),
    _created(),
    UniqueConstraint("pair_id", "signature", "position"),
)

alignment_sentences = Table(
    "alignment_sentences", metadata,
    Column("alignment_id", Integer, ForeignKey("alignments.id", ondelete="CASCADE"), primary_key=True),
    Column("side", String(3), primary_key=True),  # src | tgt
    Column("ord", Integer, primary_key=True),
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE"), nullable=False),
    Index(None, "sentence_id"),
)

# --- the candidate index (migration 0006): what pairing needs to do work proportional to new documents ---

document_vectors = Table(  # a document's mean e5 sentence embedding, and its MT's, stored when first seen
    "document_vectors", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("embedding_model", String(200), nullable=False),
    Column("mt_model", String(200), nullable=False, server_default=""),  # "": the document's own text
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, little-endian
    _created(),
    UniqueConstraint("document_id", "embedding_model", "mt_model"),
)

pairing_sources = Table(  # a source's current pairing decision under one configuration
    "pairing_sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("src_document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("config", String(64), nullable=False),  # sha256 of align.pairing.config_signature + target language
    Column("signature", Text, nullable=False),  # the source's own: method, MT model, every parameter
    Column("signature_sha", String(64), nullable=False),  # sha256 of it: the key of its pairing_evidence rows
    Column("method", String(16), nullable=False),
    Column("mt_model", String(200)),
    Column("candidates", Text, nullable=False),  # JSON [[target id, cosine, MT cosine or null], ...]
    Column("kth_score", Float, nullable=False),  # a new target closer than this enters the candidates
    Column("decision", Text, nullable=False),  # JSON [[target id, mode], ...]
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("src_document_id", "config"),
)

pairing_evidence = Table(  # sentence-level evidence of one examined (source, target) pair, reused on re-decisions
    "pairing_evidence", metadata,
    Column("id", Integer, primary_key=True),
    Column("src_document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("tgt_document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("signature_sha", String(64), nullable=False),  # sha256 of the source's pairing signature
    Column("evidence", Text, nullable=False),  # JSON of align.pairing.Evidence
    UniqueConstraint("src_document_id", "tgt_document_id", "signature_sha"),
    Index(None, "tgt_document_id"),
)

pairing_marks = Table(  # how far pairing has got: the newest document and translation it has seen, per target language
    "pairing_marks", metadata,
    Column("name", String(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
