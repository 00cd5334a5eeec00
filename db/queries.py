"""Reads the stages need, as plain values: the only place outside `store` that knows the tables.

A stage asks "which documents are current?", "what has this model already
translated?", never writes SQL itself, so a schema change touches `db/` only.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, func, select

from xlalign.db.schema import documents, input_files, pair_alignments, sentences, translations


def recorded_inputs(engine: Engine) -> set[tuple[str, str]]:
    """(source, sha256) of every input file already processed or failed."""
    with engine.connect() as conn:
        return {(r.source, r.sha256) for r in conn.execute(select(input_files.c.source, input_files.c.sha256))}


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


def sentences_by_text_sha(engine: Engine, hashes: Iterable[str], lang: str | None = None) -> dict[str, list[int]]:
    """sha256 of a sentence's text -> ids of the stored sentences with that text (in `lang`, if given)."""
    wanted = sorted(set(hashes))
    found: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            query = (select(sentences.c.text_sha256, sentences.c.id)
                     .where(sentences.c.text_sha256.in_(wanted[i:i + 500])).order_by(sentences.c.id))
            if lang:
                query = query.where(sentences.c.lang == lang)
            for sha, sid in conn.execute(query):
                found.setdefault(sha, []).append(sid)
    return found


def translated_by(engine: Engine, model: str, sentence_ids: Iterable[int]) -> set[int]:
    """Which of these sentences `model` has already translated."""
    ids = sorted(set(sentence_ids))
    done: set[int] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            done.update(conn.scalars(select(translations.c.sentence_id).where(
                translations.c.model == model, translations.c.sentence_id.in_(ids[i:i + 500]))))
    return done
