"""The pair and align stages: which documents to align, then their sentences.

Every current (not superseded by a newer version of its file) source-language
document is offered every current target-language document in the database; `align.pair_documents` decides which belong to the
same story and whether they are translations (monotone alignment) or
comparable coverage (mining). The alignment is planned first
(`align.plan_alignment`: method after fallbacks, parameters, MT model,
signature) and skipped before any similarity is computed when the pair already
has one with that signature, so re-runs add nothing and cost little, while a
new MT model, method or parameter set adds a new, separately filterable
alignment.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlalign import cancel
from xlalign.align import embeddings, pair_documents, plan_alignment, run_plan
from xlalign.db import queries, store
from xlalign.ingest.langid import detect_language
from xlalign.records import DocText

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignOutcome:
    pairs: int = 0
    alignments_added: int = 0
    skipped_existing: int = 0
    notes: tuple[str, ...] = ()


MIN_MT_CHARS_TO_JUDGE = 40  # language ID of shorter text is too unreliable to reject an MT on


def mt_language_problem(mt: list[str], target_lang: str, model: str, doc_id: int) -> str | None:
    """Why a document's stored MT cannot serve as the MT signal, or None.

    A broken or untrained model can produce varied nonsense that passes the
    aligner's degenerate-output check (`align.methods.degenerate_mt`) yet would
    drown the embedding signal; nonsense is not identified as the target
    language, real translations are.
    """
    joined = " ".join(mt)
    if len(joined) < MIN_MT_CHARS_TO_JUDGE:
        return None
    lang, prob = detect_language(joined)
    if lang == target_lang:
        return None
    return (f"MT of document {doc_id} by {model} does not read as {target_lang} (language ID: {lang}, "
            f"p={prob:.2f}): aligned without it; check or replace that translation model")


def _load_doc_texts(
    engine: Engine, target_lang: str
) -> tuple[list[DocText], list[DocText], dict[str, list[int]], dict[str, str | None], list[str]]:
    """Source and target documents with their sentences (and usable MT), sentence ids per key, notes."""
    sources: list[DocText] = []
    targets: list[DocText] = []
    ids: dict[str, list[int]] = {}
    mt_models: dict[str, str | None] = {}
    notes: list[str] = []
    with engine.connect() as conn:
        for doc_id, lang in queries.current_documents(conn):
            rows = queries.document_sentences(conn, doc_id)
            if not rows:
                continue
            key = str(doc_id)
            ids[key] = [sid for sid, _ in rows]
            texts = [text for _, text in rows]
            if lang == target_lang:
                targets.append(DocText(key=key, lang=lang, sentences=texts, mt=None))
                continue
            mt_model = queries.latest_translation_model(conn, doc_id)
            mt = None
            if mt_model:
                translated = queries.translations_of(conn, doc_id, mt_model)
                if len(translated) == len(rows):
                    mt = [translated[sid] for sid, _ in rows]
            if mt is not None and mt_model and (problem := mt_language_problem(mt, target_lang, mt_model, doc_id)):
                notes.append(problem)
                mt = None
            mt_models[key] = mt_model if mt else None
            sources.append(DocText(key=key, lang=lang, sentences=texts, mt=mt))
    return sources, targets, ids, mt_models, notes


Progress = Callable[[int, int], None]
EMBED_CHUNK = 256


def _embed_with_progress(docs: list[DocText], progress: Progress | None) -> None:
    """Embed every sentence (and MT) once up front, so pairing finds them cached and a bar can show it."""
    texts = list(dict.fromkeys(t for d in docs for t in (*d.sentences, *(d.mt or ()))))
    if not texts or not embeddings.available():
        return
    for start in range(0, len(texts), EMBED_CHUNK):
        cancel.check()
        embeddings.embed(texts[start:start + EMBED_CHUNK])
        if progress is not None:
            progress(min(start + EMBED_CHUNK, len(texts)), len(texts))


def pair_and_align(engine: Engine, *, target_lang: str, method: str, run_id: int | None,
                   embed_progress: Progress | None = None, align_progress: Progress | None = None) -> AlignOutcome:
    """Pair every source document with its target documents and align each pair once.

    Stops between pairs when a stop is requested (`cancel.Stopped`): every
    alignment stored so far is complete, the rest is made by the next run.
    """
    sources, targets, ids, mt_models, notes = _load_doc_texts(engine, target_lang)
    for note in notes:
        log.warning("%s", note)
    if not sources or not targets:
        return AlignOutcome(notes=tuple(notes))
    embeddings.use_default_disk_cache()
    _embed_with_progress(sources + targets, embed_progress)
    by_key = {d.key: d for d in sources + targets}
    decisions = pair_documents(sources, targets)
    added = skipped = 0
    without_mt: list[str] = []
    for done, decision in enumerate(decisions):
        cancel.check()
        if align_progress is not None:
            align_progress(done, len(decisions))
        src, tgt = by_key[decision.src_key], by_key[decision.tgt_key]
        pair_id = store.save_pair(engine, src_document_id=int(src.key), tgt_document_id=int(tgt.key),
                                  score=decision.score, mode=decision.mode, method=decision.method,
                                  params=decision.params, run_id=run_id)
        if method == "mt" and src.mt is None:
            without_mt.append(src.key)  # --method mt asks for MT; without it there is nothing to align by
            continue
        plan = plan_alignment(src.sentences, tgt.sentences, src_mt=src.mt, method=method, mode=decision.mode,
                              mt_model=mt_models.get(src.key))
        if queries.has_alignment(engine, pair_id, plan.signature):
            skipped += 1
            continue
        result = run_plan(plan)
        added += store.save_alignment(
            engine, pair_id=pair_id, groups=result.groups, src_ids=ids[src.key], tgt_ids=ids[tgt.key],
            method=result.method, mode=result.mode, signature=result.signature, params=result.params,
            mt_model=result.params.get("mt_model"),
            embedding_model=result.params.get("embedding_model") if result.method != "mt" else None,
            run_id=run_id)
        for note in result.notes:
            if note not in notes:
                log.warning("%s", note)
                notes.append(note)
    if align_progress is not None:
        align_progress(len(decisions), len(decisions))
    if without_mt:
        docs = ", ".join(sorted(set(without_mt), key=int))
        note = (f"--method mt: document(s) {docs} have no usable machine translation, so their pairs were not "
                "aligned; install a translation model (`xlalign models install FROM en`) or use --method hybrid")
        log.warning("%s", note)
        notes.append(note)
    return AlignOutcome(pairs=len(decisions), alignments_added=added, skipped_existing=skipped, notes=tuple(notes))
