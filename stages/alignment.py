"""The pair and align stages: which documents to align, then their sentences, with work proportional to what is new.

Pairing (`align.pairing`) judges each source document against its closest
target documents, and the database keeps what that needs (migration 0006):
every document's vector (the candidate index), every source's decision and
candidates, and the sentence-level evidence of every pair it examined. A run
then does, and only does:

* a vector for each document seen for the first time;
* a decision for each source that has none under the current configuration
  (a new document; every source after a parameter change), or whose MT
  changed (an import, a new model): against its `candidates` closest targets;
* for each new target, a decision again for the stored sources it would be a
  candidate of (at most `candidates` of them), reusing their stored evidence,
  so only the new pair is computed; likewise for the sources whose candidate
  was replaced by a new version of its file;
* the alignment of the pairs decided now, planned first
  (`align.plan_alignment`: method after fallbacks, parameters, MT model,
  signature) and skipped when the pair already has one with that signature.
  When the alignment configuration itself changed (`align.alignment_config`:
  a parameter such as the miner's prior, the version), every current pair is
  planned again, so the change is seen.

A run that adds nothing reads a few marks and ids and does nothing else. A
pair that a re-decision drops stops being current (`document_pairs.is_current`);
its row and alignments stay.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from xlalign import cancel
from xlalign.align import embeddings, plan_alignment, run_plan
from xlalign.align.api import alignment_config
from xlalign.align.index import VectorIndex, candidate_rows, null_rows, touched_sources
from xlalign.align.pairing import (
    Candidate,
    Evidence,
    WorkCounts,
    config_signature,
    decide,
    doc_null,
    doc_vector,
    pairing_signature,
    source_method,
)
from xlalign.align.params import PairingParams
from xlalign.db import queries, store
from xlalign.ingest.langid import detect_language
from xlalign.records import DocText

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
NO_KTH = -2.0  # below any cosine: a source with fewer candidates than `candidates` takes any new target
Progress = Callable[[int, int], None]
EMBED_CHUNK = 256


@dataclass(frozen=True)
class AlignOutcome:
    pairs: int = 0  # pairs decided in this run (a source decided again counts its pairs again)
    alignments_added: int = 0
    skipped_existing: int = 0
    notes: tuple[str, ...] = ()
    vectors_computed: int = 0  # documents seen for the first time
    sources_decided: int = 0
    evidence_computed: int = 0  # document pairs whose sentence-level evidence was computed
    evidence_reused: int = 0
    path_checks: int = 0  # aligner looks that judged a translation
    alignments_planned: int = 0  # pairs whose alignment was planned (then made or found present)


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


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


@dataclass
class _Documents:
    """Texts, MT and vectors of the documents a run touches, each read once."""

    engine: Engine
    target_lang: str
    notes: list[str] = field(default_factory=list)
    _rows: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    _sources: dict[int, tuple[DocText, str | None]] = field(default_factory=dict)
    _vectors: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)
    vectors_computed: int = 0

    def rows(self, doc_id: int) -> list[tuple[int, str]]:
        if doc_id not in self._rows:
            with self.engine.connect() as conn:
                self._rows[doc_id] = queries.document_sentences(conn, doc_id)
        return self._rows[doc_id]

    def ids(self, doc_id: int) -> list[int]:
        return [sid for sid, _ in self.rows(doc_id)]

    def target(self, doc_id: int) -> DocText:
        return DocText(key=str(doc_id), lang=self.target_lang, sentences=[t for _, t in self.rows(doc_id)], mt=None)

    def source(self, doc_id: int) -> tuple[DocText, str | None]:
        """The source with the MT that pairing and alignment can use, and that MT's model (None: no MT)."""
        if doc_id not in self._sources:
            rows = self.rows(doc_id)
            with self.engine.connect() as conn:
                model = queries.latest_translation_model(conn, doc_id)
                translated = queries.translations_of(conn, doc_id, model) if model else {}
            mt = [translated[sid] for sid, _ in rows] if model and len(translated) == len(rows) else None
            if mt is not None and model and (problem := mt_language_problem(mt, self.target_lang, model, doc_id)):
                self.notes.append(problem)
                mt = None
            doc, method = source_method(DocText(key=str(doc_id), lang="source", sentences=[t for _, t in rows], mt=mt))
            self._sources[doc_id] = (doc, model if doc.mt is not None and method != "embed" else None)
        return self._sources[doc_id]

    def compute_vectors(self, doc_ids: list[int]) -> None:
        """Vectors of the documents' own text, stored in one write."""
        rows = []
        for doc_id in doc_ids:
            v = doc_vector([t for _, t in self.rows(doc_id)])
            self._vectors[(doc_id, "")] = v
            rows.append(dict(document_id=doc_id, embedding_model=embeddings.MODEL_NAME, mt_model="", dim=len(v),
                             vector=v.astype("<f4").tobytes()))
        store.save_document_vectors(self.engine, rows)
        self.vectors_computed += len(rows)

    def preload_vectors(self, wanted: Iterable[tuple[int, str]]) -> None:
        missing = [k for k in wanted if k not in self._vectors]
        for key, blob in queries.document_vectors_of(self.engine, embeddings.MODEL_NAME, missing).items():
            self._vectors[key] = _vec(blob)

    def vector(self, doc_id: int, mt_model: str = "") -> np.ndarray:
        """The stored vector of a document's text ("") or of its MT by `mt_model`; computed and stored if missing."""
        key = (doc_id, mt_model)
        if key not in self._vectors:
            self.preload_vectors([key])
        if key not in self._vectors:
            if mt_model:
                doc, _ = self.source(doc_id)
                texts = list(doc.mt or [])
            else:
                texts = [t for _, t in self.rows(doc_id)]
            v = doc_vector(texts)
            store.save_document_vectors(self.engine, [dict(
                document_id=doc_id, embedding_model=embeddings.MODEL_NAME, mt_model=mt_model, dim=len(v),
                vector=v.astype("<f4").tobytes())])
            self.vectors_computed += 1
            self._vectors[key] = v
        return self._vectors[key]


@dataclass
class _Pass:
    """One pairing pass: the configuration, the candidate index, and what was done."""

    engine: Engine
    docs: _Documents
    params: PairingParams
    config: str
    target_lang: str
    run_id: int | None
    index: VectorIndex
    sample: np.ndarray
    method: str  # the alignment method the run asks for
    align_progress: Progress | None = None
    counts: WorkCounts = field(default_factory=WorkCounts)
    aligned: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # pair id -> (src, tgt, mode)
    pairs: int = 0
    added: int = 0
    skipped: int = 0

    def _rank(self, c: Candidate, has_mt: bool) -> float:
        return max(c.cosine, c.cosine_mt) if has_mt and c.cosine_mt is not None else c.cosine

    def decide(self, src_id: int, stored: dict | None = None, new_targets: Iterable[int] = ()) -> None:
        """Decide one source: from the whole index (`stored` None), or again from its stored candidates
        plus `new_targets`, reusing its stored evidence."""
        src, mt_model = self.docs.source(src_id)
        _, method = source_method(src)
        signature = pairing_signature(self.params, method=method, mt_model=mt_model)
        sig_sha = _sha(signature)
        vec = self.docs.vector(src_id)
        mt_vec = self.docs.vector(src_id, mt_model) if mt_model else None
        rows = self.index.row_of()
        xl_null = self.index.vectors[self.sample] @ vec
        k = self.params.candidates
        cache = {str(t): Evidence.from_dict(ev) for t, ev in queries.pair_evidence_of(self.engine, src_id, sig_sha).items()}
        if stored is None or stored["signature_sha"] != sig_sha:
            xl = self.index.vectors @ vec
            mt = self.index.vectors @ mt_vec if mt_vec is not None else None
            cands = [Candidate(self.index.keys[b], float(xl[b]), float(mt[b]) if mt is not None else None)
                     for b in candidate_rows(xl, mt, k)]
        else:
            kept = [Candidate(str(t), float(c), cm) for t, c, cm in stored["candidates"] if str(t) in rows]
            seen = {c.key for c in kept}
            for t in new_targets:
                if str(t) in rows and str(t) not in seen:
                    tv = self.index.vectors[rows[str(t)]]
                    kept.append(Candidate(str(t), float(tv @ vec), float(tv @ mt_vec) if mt_vec is not None else None))
            kept.sort(key=lambda c: (-self._rank(c, mt_vec is not None), c.key))
            cands = kept[:k] if k is not None else kept
        decided = decide(src, cands, doc_null(xl_null, self.params), self.params,
                         lambda key: self.docs.target(int(key)), cache=cache, counts=self.counts, mt_model=mt_model)
        # pairs (and the evidence computed) first, then their alignments, then the source's state: a run
        # that stops in between leaves the source undecided, and the next run decides and aligns it again
        pair_ids = store.save_pairs(
            self.engine, src_document_id=src_id, signature_sha=sig_sha,
            decisions=[dict(tgt_document_id=int(d.tgt_key), score=d.score, mode=d.mode, method=d.method,
                            params=d.params) for d in decided.decisions],
            evidence={int(key): decided.evidence[key].as_dict() for key in decided.computed},
            target_lang=self.target_lang, run_id=self.run_id)
        mine = {pair_ids[int(d.tgt_key)]: (src_id, int(d.tgt_key), d.mode) for d in decided.decisions}
        added, skipped = _align(self.engine, self.docs, mine, method=self.method, run_id=self.run_id)
        self.added += added
        self.skipped += skipped
        self.aligned.update(mine)
        full = k is not None and len(cands) >= k
        store.save_source_state(
            self.engine, src_document_id=src_id, config=self.config, signature=signature, signature_sha=sig_sha,
            method=decided.method, mt_model=mt_model,
            candidates=[[int(c.key), round(c.cosine, 6), None if c.cosine_mt is None else round(c.cosine_mt, 6)]
                        for c in cands],
            kth_score=min(self._rank(c, mt_vec is not None) for c in cands) if full and cands else NO_KTH,
            decision=[[int(d.tgt_key), d.mode] for d in decided.decisions], run_id=self.run_id)
        self.pairs += len(decided.decisions)


def _pair(engine: Engine, docs: _Documents, params: PairingParams, *, target_lang: str, method: str,
          run_id: int | None, source_ids: list[int], target_ids: list[int], doc_mark: int, tr_mark: int,
          newest_tr: int, embed_progress: Progress | None = None,
          align_progress: Progress | None = None) -> _Pass | None:
    """Decide what is new (see the module doc); None when there was nothing to decide."""
    config = _sha(f"{config_signature(params)}|tgt:{target_lang}")
    todo = set(queries.undecided_sources(engine, config, target_lang))
    sources = set(source_ids)
    if tr_mark < newest_tr:  # translations arrived: sources whose usable MT changed are decided again
        changed = (queries.documents_translated_after(engine, tr_mark) & sources) - todo
        for src_id, state in queries.pairing_state(engine, changed, config).items():
            if docs.source(src_id)[1] != state["mt_model"]:
                todo.add(src_id)
    again: dict[int, set[int]] = {}
    new_targets = [t for t in target_ids if t > doc_mark]
    if new_targets and len(sources) > len(todo):
        decided = queries.decided_source_vectors(engine, embeddings.MODEL_NAME, config, target_lang)
        src_index = VectorIndex.build([(str(i), _vec(v), _vec(m) if m is not None else None)
                                       for i, v, m, _ in decided])
        kth = {str(i): k for i, _, _, k in decided}
        skip = {str(s) for s in todo}
        docs.preload_vectors((t, "") for t in new_targets)
        for t in new_targets:
            for key, _, _ in touched_sources(src_index, docs.vector(t), params.candidates, kth, skip):
                again.setdefault(int(key), set()).add(t)
    gone = queries.superseded_after(engine, doc_mark) if new_targets else []
    if gone:
        for src_id in queries.sources_examining(engine, gone, config) - todo:
            again.setdefault(src_id, set())
    again = {s: ts for s, ts in again.items() if s in sources and s not in todo}
    if not todo and not again:
        return None
    index = VectorIndex.build([(str(i), _vec(v), None)
                               for i, v in queries.target_vectors(engine, embeddings.MODEL_NAME, target_lang)])
    run = _Pass(engine, docs, params, config, target_lang, run_id, index, null_rows(index.keys, params.null_sample),
                method, align_progress)
    docs.preload_vectors((s, "") for s in todo)
    _embed_with_progress(docs, sorted(todo | set(again)), embed_progress)
    states = queries.pairing_state(engine, again, config)
    work: list[tuple[int, dict | None, set[int]]] = [(s, None, set()) for s in sorted(todo)]
    work += [(s, states.get(s), again[s]) for s in sorted(again)]
    for done, (src_id, stored, new) in enumerate(work):
        cancel.check()  # between sources: what is stored is complete, the rest is the next run's
        if align_progress is not None:
            align_progress(done, len(work))
        run.decide(src_id, stored, new)
    if align_progress is not None and work:
        align_progress(len(work), len(work))
    return run


def _embed_with_progress(docs: _Documents, source_ids: list[int], progress: Progress | None) -> None:
    """Embed the sentences (and MT) of the sources to decide up front, so a bar can show it; pairing then
    finds them cached. Targets' sentences are embedded when their evidence is first computed."""
    texts: list[str] = []
    for src_id in source_ids:
        doc, _ = docs.source(src_id)
        texts.extend(doc.sentences)
        texts.extend(doc.mt or ())
    texts = list(dict.fromkeys(texts))
    if not texts or not embeddings.available():
        return
    for start in range(0, len(texts), EMBED_CHUNK):
        cancel.check()
        embeddings.embed(texts[start:start + EMBED_CHUNK])
        if progress is not None:
            progress(min(start + EMBED_CHUNK, len(texts)), len(texts))


def pair_and_align(engine: Engine, *, target_lang: str, method: str, run_id: int | None,
                   params: PairingParams | None = None, embed_progress: Progress | None = None,
                   align_progress: Progress | None = None) -> AlignOutcome:
    """Pair what is new with what is stored, align the pairs decided now (or all, after a configuration change).

    Stops between sources when a stop is requested (`cancel.Stopped`): every pair and alignment stored so
    far is complete, and the marks are not advanced, so the next run decides the rest.
    """
    params = params or PairingParams()
    source_ids, target_ids = queries.current_documents_by_side(engine, target_lang)
    if not source_ids or not target_ids:
        return AlignOutcome()
    newest_doc, newest_tr = queries.newest_ids(engine)  # read first: what arrives later is the next run's
    names = {"documents": f"documents:{target_lang}", "translations": f"translations:{target_lang}",
             "align": f"align:{method}:{target_lang}"}
    marks = queries.marks(engine, names.values())
    align_cfg = _sha(alignment_config(method))
    doc_mark, tr_mark = int(marks.get(names["documents"], 0)), int(marks.get(names["translations"], 0))
    nothing_new = doc_mark >= newest_doc and tr_mark >= newest_tr and marks.get(names["align"]) == align_cfg
    config = _sha(f"{config_signature(params)}|tgt:{target_lang}")
    if nothing_new and not queries.undecided_sources(engine, config, target_lang):
        return AlignOutcome()
    embeddings.use_default_disk_cache()
    docs = _Documents(engine, target_lang)
    docs.compute_vectors(queries.documents_without_vector(engine, embeddings.MODEL_NAME))
    run = _pair(engine, docs, params, target_lang=target_lang, method=method, run_id=run_id, source_ids=source_ids,
                target_ids=target_ids, doc_mark=doc_mark, tr_mark=tr_mark, newest_tr=newest_tr,
                embed_progress=embed_progress, align_progress=align_progress)
    planned = dict(run.aligned) if run else {}
    added, skipped = (run.added, run.skipped) if run else (0, 0)
    if marks.get(names["align"]) != align_cfg:  # a new alignment configuration: every current pair is planned
        rest = {pair_id: (src_id, tgt_id, mode) for pair_id, src_id, tgt_id, mode
                in queries.current_pairs(engine, target_lang) if pair_id not in planned}
        more, already = _align(engine, docs, rest, method=method, run_id=run_id)
        added, skipped = added + more, skipped + already
        planned.update(rest)
    store.save_marks(engine, {names["documents"]: str(newest_doc), names["translations"]: str(newest_tr),
                              names["align"]: align_cfg}, run_id)
    for note in docs.notes:
        log.warning("%s", note)
    counts = run.counts if run else WorkCounts()
    return AlignOutcome(pairs=run.pairs if run else 0, alignments_added=added, skipped_existing=skipped,
                        notes=tuple(dict.fromkeys(docs.notes)), vectors_computed=docs.vectors_computed,
                        sources_decided=counts.sources_decided, evidence_computed=counts.evidence_computed,
                        evidence_reused=counts.evidence_reused, path_checks=counts.path_checks,
                        alignments_planned=len(planned))


def _align(engine: Engine, docs: _Documents, to_align: dict[int, tuple[int, int, str]], *, method: str,
           run_id: int | None) -> tuple[int, int]:
    """Align each pair once per signature: (groups added, alignments already present)."""
    added = skipped = 0
    for pair_id, (src_id, tgt_id, mode) in sorted(to_align.items()):
        cancel.check()
        src, mt_model = docs.source(src_id)
        if method == "mt" and src.mt is None:  # --method mt asks for MT; without it there is nothing to align by
            note = (f"--method mt: document {src_id} has no usable machine translation, so its pairs were not "
                    "aligned; install a translation model (`xlalign models install FROM en`), import one "
                    "(`xlalign translations import`), or use --method hybrid")
            if note not in docs.notes:
                docs.notes.append(note)
            continue
        tgt = docs.target(tgt_id)
        plan = plan_alignment(src.sentences, tgt.sentences, src_mt=src.mt, method=method, mode=mode,
                              mt_model=mt_model)
        if queries.has_alignment(engine, pair_id, plan.signature):
            skipped += 1
            continue
        result = run_plan(plan)
        added += store.save_alignment(
            engine, pair_id=pair_id, groups=result.groups, src_ids=docs.ids(src_id), tgt_ids=docs.ids(tgt_id),
            method=result.method, mode=result.mode, signature=result.signature, params=result.params,
            mt_model=result.params.get("mt_model"),
            embedding_model=result.params.get("embedding_model") if result.method != "mt" else None,
            run_id=run_id)
        for note in result.notes:
            if note not in docs.notes:
                docs.notes.append(note)
    return added, skipped
