"""Reads the stages need, as plain values: the only place outside `store` that knows the tables.

A stage asks "which documents are current?", "what has this model already
translated?", never writes SQL itself, so a schema change touches `db/` only.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select

from xlalign.db.schema import (
    alignments,
    document_pairs,
    document_vectors,
    documents,
    input_files,
    pair_alignments,
    pairing_evidence,
    pairing_marks,
    pairing_sources,
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


def partial_translations(engine: Engine, model: str, sentence_ids: Iterable[int]) -> list[tuple[int, str, int, int]]:
    """(document id, source, sentences, translated by `model`) of the documents holding these sentences
    that `model` has not translated completely."""
    ids = sorted(set(sentence_ids))
    docs: set[int] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            docs.update(conn.scalars(select(sentences.c.document_id).distinct()
                                     .where(sentences.c.id.in_(ids[i:i + 500]))))
        out = []
        for doc_id in sorted(docs):
            total = int(conn.scalar(select(func.count()).select_from(sentences)
                                    .where(sentences.c.document_id == doc_id)) or 0)
            done = int(conn.scalar(select(func.count()).select_from(translations)
                                   .join(sentences, sentences.c.id == translations.c.sentence_id)
                                   .where(sentences.c.document_id == doc_id, translations.c.model == model)) or 0)
            if done < total:
                out.append((doc_id, str(conn.scalar(select(documents.c.source).where(documents.c.id == doc_id))),
                            total, done))
    return out


# --- pairing: the candidate index (migration 0006) ---

def _superseded():
    """A subquery of the ids of documents that a newer version has superseded."""
    return select(documents.c.supersedes_id).where(documents.c.supersedes_id.is_not(None))


def _has_sentences():
    return select(sentences.c.id).where(sentences.c.document_id == documents.c.id).exists()


def newest_ids(engine: Engine) -> tuple[int, int]:
    """(newest document id, newest translation id): what a pairing pass has seen once it finishes."""
    with engine.connect() as conn:
        return (int(conn.scalar(select(func.coalesce(func.max(documents.c.id), 0))) or 0),
                int(conn.scalar(select(func.coalesce(func.max(translations.c.id), 0))) or 0))


def marks(engine: Engine, names: Iterable[str]) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.name: r.value for r in conn.execute(
            select(pairing_marks.c.name, pairing_marks.c.value).where(pairing_marks.c.name.in_(list(names))))}


def current_documents_by_side(engine: Engine, target_lang: str) -> tuple[list[int], list[int]]:
    """(source ids, target ids) of the current documents that have sentences, oldest first."""
    query = (select(documents.c.id, documents.c.lang)
             .where(documents.c.id.not_in(_superseded()), _has_sentences()).order_by(documents.c.id))
    sources: list[int] = []
    targets: list[int] = []
    with engine.connect() as conn:
        for doc_id, lang in conn.execute(query):
            (targets if lang == target_lang else sources).append(doc_id)
    return sources, targets


def documents_without_vector(engine: Engine, embedding_model: str) -> list[int]:
    """Current documents with sentences but no stored vector of their own text for this embedding model."""
    stored = select(document_vectors.c.id).where(
        document_vectors.c.document_id == documents.c.id, document_vectors.c.embedding_model == embedding_model,
        document_vectors.c.mt_model == "").exists()
    with engine.connect() as conn:
        return list(conn.scalars(select(documents.c.id).where(
            documents.c.id.not_in(_superseded()), _has_sentences(), ~stored).order_by(documents.c.id)))


def document_vectors_of(engine: Engine, embedding_model: str, wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], bytes]:
    """(document id, MT model or "") -> stored vector bytes, for the wanted keys that have one."""
    keys = set(wanted)
    ids = sorted({d for d, _ in keys})
    found: dict[tuple[int, str], bytes] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            for doc_id, mt_model, vector in conn.execute(
                    select(document_vectors.c.document_id, document_vectors.c.mt_model, document_vectors.c.vector)
                    .where(document_vectors.c.document_id.in_(ids[i:i + 500]),
                           document_vectors.c.embedding_model == embedding_model)):
                if (doc_id, mt_model) in keys:
                    found[(doc_id, mt_model)] = vector
    return found


def target_vectors(engine: Engine, embedding_model: str, target_lang: str) -> list[tuple[int, bytes]]:
    """(id, vector) of every current target-language document with a stored vector: the candidate index."""
    query = (select(documents.c.id, document_vectors.c.vector)
             .join(document_vectors, document_vectors.c.document_id == documents.c.id)
             .where(documents.c.lang == target_lang, documents.c.id.not_in(_superseded()),
                    document_vectors.c.embedding_model == embedding_model, document_vectors.c.mt_model == "")
             .order_by(documents.c.id))
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(query)]


def decided_source_vectors(engine: Engine, embedding_model: str, config: str,
                           target_lang: str) -> list[tuple[int, bytes, bytes | None, float]]:
    """(id, vector, vector of the MT it was decided with or None, k-th candidate score) of every current
    source decided under `config`: what a new target is compared with."""
    mt_vec = document_vectors.alias("mt_vec")
    query = (select(documents.c.id, document_vectors.c.vector, mt_vec.c.vector, pairing_sources.c.kth_score)
             .join(pairing_sources, pairing_sources.c.src_document_id == documents.c.id)
             .join(document_vectors, document_vectors.c.document_id == documents.c.id)
             .outerjoin(mt_vec, (mt_vec.c.document_id == documents.c.id)
                        & (mt_vec.c.embedding_model == embedding_model)
                        & (mt_vec.c.mt_model == pairing_sources.c.mt_model))
             .where(documents.c.lang != target_lang, documents.c.id.not_in(_superseded()),
                    pairing_sources.c.config == config,
                    document_vectors.c.embedding_model == embedding_model, document_vectors.c.mt_model == "")
             .order_by(documents.c.id))
    with engine.connect() as conn:
        return [(r[0], r[1], r[2], float(r[3])) for r in conn.execute(query)]


def undecided_sources(engine: Engine, config: str, target_lang: str) -> list[int]:
    """Current source documents (with sentences) that have no decision under `config`: new ones, or all of
    them after the configuration changed."""
    decided = select(pairing_sources.c.id).where(
        pairing_sources.c.src_document_id == documents.c.id, pairing_sources.c.config == config).exists()
    with engine.connect() as conn:
        return list(conn.scalars(select(documents.c.id).where(
            documents.c.lang != target_lang, documents.c.id.not_in(_superseded()), _has_sentences(), ~decided)
            .order_by(documents.c.id)))


def pairing_state(engine: Engine, source_ids: Iterable[int], config: str) -> dict[int, dict]:
    """Each source's stored decision under `config`: signature, method, mt_model, candidates, decision."""
    ids = sorted(set(source_ids))
    out: dict[int, dict] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            for r in conn.execute(select(pairing_sources).where(
                    pairing_sources.c.config == config, pairing_sources.c.src_document_id.in_(ids[i:i + 500]))):
                out[r.src_document_id] = {
                    "signature": r.signature, "signature_sha": r.signature_sha, "method": r.method,
                    "mt_model": r.mt_model, "candidates": json.loads(r.candidates), "kth_score": r.kth_score,
                    "decision": json.loads(r.decision)}
    return out


def pair_evidence_of(engine: Engine, src_document_id: int, signature_sha: str) -> dict[int, dict]:
    """Target id -> stored evidence (JSON) of the pairs this source examined under this signature."""
    with engine.connect() as conn:
        return {r.tgt_document_id: json.loads(r.evidence) for r in conn.execute(
            select(pairing_evidence.c.tgt_document_id, pairing_evidence.c.evidence).where(
                pairing_evidence.c.src_document_id == src_document_id,
                pairing_evidence.c.signature_sha == signature_sha))}


def sources_examining(engine: Engine, target_ids: Iterable[int], config: str) -> set[int]:
    """Sources whose current decision under `config` examined one of these targets."""
    ids = sorted(set(target_ids))
    found: set[int] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            found.update(conn.scalars(
                select(pairing_evidence.c.src_document_id).distinct()
                .join(pairing_sources, (pairing_sources.c.src_document_id == pairing_evidence.c.src_document_id)
                      & (pairing_sources.c.signature_sha == pairing_evidence.c.signature_sha))
                .where(pairing_sources.c.config == config, pairing_evidence.c.tgt_document_id.in_(ids[i:i + 500]))))
    return found


def documents_translated_after(engine: Engine, translation_id: int) -> set[int]:
    """Documents with a translation row newer than `translation_id` (an import, a new model)."""
    with engine.connect() as conn:
        return set(conn.scalars(select(sentences.c.document_id).distinct()
                                .join(translations, translations.c.sentence_id == sentences.c.id)
                                .where(translations.c.id > translation_id)))


def superseded_after(engine: Engine, document_id: int) -> list[int]:
    """Documents superseded by a version stored after `document_id`."""
    with engine.connect() as conn:
        return sorted(conn.scalars(select(documents.c.supersedes_id).where(
            documents.c.id > document_id, documents.c.supersedes_id.is_not(None))))


def current_pairs(engine: Engine, target_lang: str) -> list[tuple[int, int, int, str]]:
    """(pair id, source id, target id, mode) of every current pair of current documents."""
    src, tgt = documents.alias("src"), documents.alias("tgt")
    query = (select(document_pairs.c.id, document_pairs.c.src_document_id, document_pairs.c.tgt_document_id,
                    document_pairs.c.mode)
             .join(src, src.c.id == document_pairs.c.src_document_id)
             .join(tgt, tgt.c.id == document_pairs.c.tgt_document_id)
             .where(document_pairs.c.is_current.is_(True), tgt.c.lang == target_lang,
                    src.c.id.not_in(_superseded()), tgt.c.id.not_in(_superseded()))
             .order_by(document_pairs.c.id))
    with engine.connect() as conn:
        return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]
