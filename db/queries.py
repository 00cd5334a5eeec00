"""Reads the stages need, as plain values: the only place outside `store` that knows the tables.

A stage asks "which documents are current?", "what has this model already
translated?", never writes SQL itself, so a schema change touches `db/` only.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select

from xlalign.db.schema import (
    alignments,
    document_pairs,
    documents,
    input_files,
    pair_alignments,
    runs,
    sentences,
    translations,
)


def recorded_inputs(engine: Engine) -> set[tuple[str, str]]:
    """(source, sha256) of every input file already processed or failed (not those deferred by an outage)."""
    with engine.connect() as conn:
        return {(r.source, r.sha256) for r in conn.execute(
            select(input_files.c.source, input_files.c.sha256).where(input_files.c.status != "deferred"))}


def run_counts(engine: Engine, run_id: int) -> dict[str, int]:
    """The rows run `run_id` itself inserted, by table: what its summary reports.

    Counted from the rows' run_id, so they stay true when tasks are retried
    (a retry that finds its rows already written adds none) and when runs
    overlap (a row another run inserted first carries that run's id).
    """
    with engine.connect() as conn:
        def count(table, *where) -> int:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

        new_docs = select(documents.c.id).where(documents.c.run_id == run_id)
        return {
            "documents_new": count(documents, documents.c.run_id == run_id),
            "sentences_new": count(sentences, sentences.c.document_id.in_(new_docs)),
            "translated": count(translations, translations.c.run_id == run_id, translations.c.reused_from.is_(None)),
            "translations_reused": count(translations, translations.c.run_id == run_id,
                                         translations.c.reused_from.is_not(None)),
            "document_pairs_new": count(document_pairs, document_pairs.c.run_id == run_id),
            "alignment_groups_added": count(alignments, alignments.c.run_id == run_id),
        }


def stale_runs(engine: Engine, *, older_than_s: float, now: datetime | None = None) -> list[dict]:
    """`running` rows whose heartbeat is older than `older_than_s` (or that never had one): id, pid, host, heartbeat_at, started_at."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=older_than_s)
    with engine.connect() as conn:
        rows = conn.execute(select(runs.c.id, runs.c.pid, runs.c.host, runs.c.heartbeat_at, runs.c.started_at)
                            .where(runs.c.status == "running").order_by(runs.c.id)).all()
    stale = []
    for row in rows:
        last = row.heartbeat_at or row.started_at
        if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
            last = last.replace(tzinfo=UTC)
        if last is None or last < cutoff:
            stale.append(dict(row._mapping))
    return stale


def running_runs(engine: Engine) -> list[dict]:
    """Every `running` row: id, pid, host, heartbeat_at, started_at."""
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(runs.c.id, runs.c.pid, runs.c.host, runs.c.heartbeat_at, runs.c.started_at)
            .where(runs.c.status == "running").order_by(runs.c.id))]


def current_documents(conn: Connection) -> list[tuple[int, str]]:
    """(id, lang) of every document not superseded by a newer version of its file, oldest first."""
    superseded = select(documents.c.supersedes_id).where(documents.c.supersedes_id.is_not(None))
    return [(r.id, r.lang) for r in conn.execute(
        select(documents.c.id, documents.c.lang).where(documents.c.id.not_in(superseded)).order_by(documents.c.id))]


def languages_other_than(engine: Engine, target_lang: str, document_ids: Iterable[int] | None = None) -> list[str]:
    """Languages of the documents (all, or those in `document_ids`) that are not `target_lang`."""
    query = select(documents.c.lang).distinct().where(documents.c.lang != target_lang)
    if document_ids is not None:
        query = query.where(documents.c.id.in_(list(document_ids)))
    with engine.connect() as conn:
        return sorted(conn.scalars(query))


def document_versions(engine: Engine, source: str) -> list[dict]:
    """Every stored version of `source`, oldest first: id, version, supersedes_id, sha256."""
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(documents.c.id, documents.c.version, documents.c.supersedes_id, documents.c.sha256)
            .where(documents.c.source == source).order_by(documents.c.version))]


def document_sentences(conn: Connection, document_id: int) -> list[tuple[int, str]]:
    return [(r.id, r.text) for r in conn.execute(
        select(sentences.c.id, sentences.c.text).where(sentences.c.document_id == document_id)
        .order_by(sentences.c.position))]


def untranslated_sentences(engine: Engine, *, lang: str, model: str,
                           document_ids: Iterable[int] | None = None) -> list[tuple[int, str, str]]:
    """(sentence id, text, text sha256) of `lang` sentences that `model` has not translated."""
    done = select(translations.c.sentence_id).where(translations.c.model == model)
    query = (select(sentences.c.id, sentences.c.text, sentences.c.text_sha256)
             .where(sentences.c.lang == lang, sentences.c.id.not_in(done)).order_by(sentences.c.id))
    if document_ids is not None:
        query = query.where(sentences.c.document_id.in_(list(document_ids)))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def cached_translations(engine: Engine, *, model: str, hashes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """sha256 of a source text -> (translation id, text) already made by `model`."""
    hashes = list(set(hashes))
    found: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for i in range(0, len(hashes), 500):
            rows = conn.execute(select(translations.c.source_sha256, translations.c.id, translations.c.text)
                                .where(translations.c.model == model,
                                       translations.c.source_sha256.in_(hashes[i:i + 500])))
            for sha, tid, text in rows:
                found.setdefault(sha, (tid, text))
    return found


def latest_translation_model(conn: Connection, document_id: int) -> str | None:
    """The model that translated the most of this document's sentences (newest first on ties)."""
    row = conn.execute(
        select(translations.c.model, func.count().label("n"), func.max(translations.c.id).label("last"))
        .join(sentences, sentences.c.id == translations.c.sentence_id)
        .where(sentences.c.document_id == document_id)
        .group_by(translations.c.model).order_by(func.count().desc(), func.max(translations.c.id).desc())
    ).first()
    return row.model if row else None


def translations_of(conn: Connection, document_id: int, model: str) -> dict[int, str]:
    return {r.sentence_id: r.text for r in conn.execute(
        select(translations.c.sentence_id, translations.c.text)
        .join(sentences, sentences.c.id == translations.c.sentence_id)
        .where(sentences.c.document_id == document_id, translations.c.model == model))}


def has_alignment(engine: Engine, pair_id: int, signature: str) -> bool:
    """Whether this pair was already aligned this way (also true when that alignment found nothing)."""
    with engine.connect() as conn:
        return conn.execute(select(pair_alignments.c.id).where(
            pair_alignments.c.pair_id == pair_id, pair_alignments.c.signature == signature)).first() is not None
