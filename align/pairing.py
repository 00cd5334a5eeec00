"""Document pairing by comparison: which target documents a source goes with, and how.

No absolute similarity threshold decides anything here: e5 cosines are
compressed and move with topic and length (the seed articles about one event
score 0.95, unrelated FLORES documents 0.89-0.94, an 11-line FLORES
translation 0.92-0.97), so the same number means different things in
different collections. Each decision compares instead:

1. Candidates. A source's `candidates` closest targets by document cosine
   (mean sentence embedding; with MT also the monolingual cosine), and only
   those: the work per source is bounded whatever the collection holds, a
   collection about one story included (index.py keeps the vectors).
2. Sentence evidence per candidate, calibrated on the document pair itself
   (miner.pair_scores: every signal standardised by the pair's own unrelated
   sentence pairs, combined for their correlation, plus shared numbers, dates
   and names without MT). Two summaries:
   * anchors: the pairs the miner would keep, with stricter bars (a stray
     pair would link two unrelated documents);
   * mutual-best pairs: each the best of its row and its column, above the
     chance level of a row; their longest monotone chain says how much of
     the two documents lines up in order.
3. Translation ("parallel"): what a translation looks like, read off the
   monotone aligner's own path (`align_sentences(mode="parallel")`, what a
   parallel decision stores): it keeps mutual-best pairs, in order, for most
   of the longer document, from its first third to its last. A rewrite
   shares sentences in another order, a related article a few facts: neither
   covers the other in order. Only the best chains get that look
   (`path_checks`); among those that pass the best is the translation (a
   second one only when nearly as good: a duplicate).
4. Same story ("comparable"): at least `anchor_min` anchors, or more
   mutual-best pairs than chance gives documents of that size (`mutual_bar`,
   without MT: a rewrite's sentences are each other's best match without
   standing out from the whole matrix), or a document cosine that stands
   out from the source's null: its cosines with a fixed sample of the
   collection (most pairs of a collection are unrelated),
   shrunk towards the values of unrelated FLORES articles when the collection
   is too small to say (`doc_null`). A source that has a translation is paired
   with it alone (`comparable_beside_parallel`).

Every number a decision used is kept in `PairDecision.params`. The evidence
of a pair does not depend on the other candidates, so `decide` takes a cache
of it: deciding a source again when a new target arrives computes the new
pair only (stages.alignment keeps the cache in the database).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from xlalign.records import DocText, PairDecision
from xlalign.signatures import format_signature

from . import embeddings as emb_mod
from .index import candidate_rows, null_rows
from .methods import usable_signals
from .miner import mine_pairs, pair_scores, thresholds
from .params import METHODS, VERSION, MinerParams, PairingParams


def doc_vector(sentences: Sequence[str]) -> np.ndarray:
    """A document's vector: the normalised mean of its sentence embeddings (zeros for no sentences)."""
    if not sentences:
        return np.zeros(emb_mod.DIM, dtype=np.float32)
    v = emb_mod.embed(list(sentences)).mean(axis=0)
    return (v / max(float(np.linalg.norm(v)), 1e-9)).astype(np.float32)


def pairing_signature(params: PairingParams, *, method: str, mt_model: str | None) -> str:
    """What a source's decision depends on: the pairing and miner parameters, the models, the version.

    A source decided under another signature (other parameters, a new MT for
    it) is decided again; one decided under this signature is not, until a
    new target comes close to it.
    """
    head = [("pair", method), ("emb", emb_mod.MODEL_NAME), ("mtmodel", mt_model or "none")]
    miner = MinerParams.for_method(method).signature_items()
    return format_signature(head + [("miner", ",".join(f"{k}={v}" for k, v in miner))], params, VERSION)


def config_signature(params: PairingParams) -> str:
    """The part of every source's signature that does not depend on the source (all methods' miners)."""
    items = [("emb", emb_mod.MODEL_NAME)] + [
        (f"miner.{m}", ",".join(f"{k}={v}" for k, v in MinerParams.for_method(m).signature_items())) for m in METHODS]
    return format_signature(items, params, VERSION)


def longest_increasing(values: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for v in values:
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
        else:
            tails[k] = v
    return len(tails)


def increasing_chain(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of pairs increasing in both coordinates (pairs sorted by source index)."""
    if not pairs:
        return []
    best = [1] * len(pairs)
    prev = [-1] * len(pairs)
    for b in range(len(pairs)):
        for a in range(b):
            if pairs[a][0] < pairs[b][0] and pairs[a][1] < pairs[b][1] and best[a] + 1 > best[b]:
                best[b], prev[b] = best[a] + 1, a
    k = max(range(len(pairs)), key=best.__getitem__)
    out = []
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    return out[::-1]


def mutual_best(z: np.ndarray) -> list[tuple[int, int]]:
    """Cells that are the best of their row and of their column, above a row's chance level.

    sqrt(2 ln max(n, m)): what the best of a row (or column) of unrelated
    pairs reaches by chance, so the bar moves with the documents' size.
    """
    n, m = z.shape
    if not n or not m:
        return []
    bar = float(np.sqrt(2.0 * np.log(max(2, n, m))))
    rb = np.argmax(z, axis=1)
    cb = np.argmax(z, axis=0)
    return [(i, int(rb[i])) for i in range(n) if cb[rb[i]] == i and z[i, rb[i]] >= bar]


MUTUAL_BAR_MAX_CELLS = 1_000_000  # beyond 1,000 x 1,000 sentences the simulation costs seconds: anchors decide alone


@lru_cache(maxsize=4096)
def _mutual_bar(short: int, long_: int, alpha: float) -> int:
    rng = np.random.default_rng(20261201)  # fixed: the same sizes always get the same bar
    trials = int(max(100, min(4 / alpha, 16_000_000 // (short * long_))))
    counts = [len(mutual_best(rng.standard_normal((short, long_)))) for _ in range(trials)]
    return int(np.quantile(counts, 1.0 - alpha, method="higher"))


def mutual_bar(n: int, m: int, alpha: float) -> float:
    """The count of mutual-best pairs that n x m unrelated sentence pairs exceed with chance `alpha`.

    Each sentence of a rewrite that comes from the target is the best match
    of its partner and the other way round, while its z-scores may stay
    below the chance level of the whole n x m matrix that an anchor must
    beat. How many mutual-best pairs chance alone gives grows with the
    documents' length (about 0.4 for 10 x 10 unrelated FLORES articles, 3
    for 45 x 45), so the bar is simulated for the pair's own size: the
    (1 - alpha) quantile of the count in independent standard normal
    matrices. Without MT these have more mutual-best pairs than real
    unrelated pairs do (their z-scores share row and column effects), so
    the bar errs strict; the MT signals' tails are heavier than normal, which
    is why only `PairingParams.mutual_methods` use it.
    """
    if not n or not m or n * m > MUTUAL_BAR_MAX_CELLS:
        return float("inf")
    return float(_mutual_bar(min(n, m), max(n, m), alpha))


def _mutual_bar_of(ev: Evidence, method: str, params: PairingParams) -> float:
    """The pair's mutual-best bar, inf where the method does not use it (`PairingParams.mutual_methods`)."""
    return mutual_bar(ev.n, ev.m, params.mutual_alpha) if method in params.mutual_methods else float("inf")


def _finite(x: float) -> float | None:
    return x if np.isfinite(x) else None  # JSON (and PostgreSQL's jsonb) has no Infinity


@dataclass(frozen=True)
class Evidence:
    """Sentence-level evidence for one (source, target) document pair; `path` once the aligner looked."""

    n: int
    m: int
    anchors: int  # pairs the miner would keep, with pairing's stricter bars
    mutual: tuple[tuple[int, int], ...]  # mutual-best pairs above a row's chance level
    chain: int  # longest monotone chain of `mutual`
    path: dict[str, Any] | None = None  # path_check's result

    @property
    def chain_coverage(self) -> float:
        return self.chain / max(1, min(self.n, self.m))

    @property
    def length_ratio(self) -> float:
        return max(self.n, self.m) / max(1, min(self.n, self.m))

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "m": self.m, "anchors": self.anchors, "mutual": [list(p) for p in self.mutual],
                "chain": self.chain, "path": self.path}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(int(d["n"]), int(d["m"]), int(d["anchors"]), tuple((int(i), int(j)) for i, j in d["mutual"]),
                   int(d["chain"]), d.get("path"))


@dataclass
class WorkCounts:
    """What pairing computed, for tests and benchmarks (work, not seconds)."""

    sources_decided: int = 0
    evidence_computed: int = 0
    evidence_reused: int = 0
    path_checks: int = 0

    def add(self, other: WorkCounts) -> None:
        for name in ("sources_decided", "evidence_computed", "evidence_reused", "path_checks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def pair_evidence(src: DocText, tgt: DocText, method: str, params: PairingParams) -> Evidence:
    """Anchors, mutual-best pairs and their monotone chain (see the module doc)."""
    s, t = list(src.sentences), list(tgt.sentences)
    if not s or not t:
        return Evidence(len(s), len(t), 0, (), 0)
    miner = MinerParams.for_method(method)
    z, _ = pair_scores(s, t, list(src.mt) if src.mt is not None else None, method, miner)
    bars = thresholds(miner, len(s), len(t), z_over_chance=params.anchor_over_chance(method),
                      margin_min=params.anchor_margin, second=False)
    anchors = len(mine_pairs(z, None, bars))
    mb = mutual_best(z)
    chain = longest_increasing([j for _, j in sorted(mb)])
    return Evidence(len(s), len(t), anchors, tuple(mb), chain)


def path_check(src: DocText, tgt: DocText, method: str, ev: Evidence, span: float) -> dict[str, Any]:
    """How much of the longer document the monotone aligner's path matches to mutual-best partners.

    The path is the aligner's own (`align_sentences(mode="parallel")`, what a
    parallel decision stores); a mutual-best pair counts when one of the
    path's groups holds it (one order where a many-to-many group holds two
    crossing pairs), and the share is of the longer document: a document that
    translates half of a longer one is not its translation. `path_spans`:
    those pairs reach from the first `span` of each document to its last.
    """
    from .api import align_sentences

    r = align_sentences(src.sentences, tgt.sentences, src_mt=src.mt, method=method, mode="parallel")
    mutual = set(ev.mutual)
    kept = increasing_chain(sorted((i, j) for g in r.groups for i in g.src for j in g.tgt if (i, j) in mutual))
    n, m = ev.n, ev.m
    spans = False
    if kept:
        si = [i for i, _ in kept]
        tj = [j for _, j in kept]
        spans = (min(si) < max(1.0, span * n) and max(si) >= min(n - 1.0, (1 - span) * n - 1)
                 and min(tj) < max(1.0, span * m) and max(tj) >= min(m - 1.0, (1 - span) * m - 1))
    return {"path_coverage": round(len(kept) / max(1, n, m), 4), "path_spans": spans, "path_groups": len(r.groups)}


@dataclass(frozen=True)
class Null:
    """A source's null: median and spread of its document cosines with unrelated documents, and their number."""

    median: float
    spread: float
    size: int


def doc_null(cosines: np.ndarray, params: PairingParams) -> Null:
    """The source's cosines with a sample of the collection (most pairs unrelated), shrunk for small ones.

    Long documents and documents on a crowded topic score higher with
    everything, so each source has its own null. A small collection has too
    few documents for one: its statistics are shrunk towards `doc_prior`
    (unrelated FLORES articles) with the weight of `doc_prior_weight`
    documents, as the miner does for short documents.
    """
    c = np.asarray(cosines, dtype=np.float64)
    med = float(np.median(c)) if c.size else 0.0
    mad = float(np.median(np.abs(c - med))) * 1.4826 if c.size else 0.0
    w = params.doc_prior_weight / (params.doc_prior_weight + c.size)
    pm, ps = params.doc_prior
    return Null((1 - w) * med + w * pm, max((1 - w) * mad + w * ps, 1e-4), int(c.size))


@dataclass(frozen=True)
class Candidate:
    """A target among a source's closest (by key: its text is loaded only when evidence is computed)."""

    key: str
    cosine: float  # cross-lingual document cosine: the source's own text
    cosine_mt: float | None = None  # monolingual: the source's MT, where there is one


@dataclass
class Decided:
    """`decide`'s answer: the decisions, and the evidence it used per target key (to keep)."""

    decisions: list[PairDecision]
    method: str
    evidence: dict[str, Evidence] = field(default_factory=dict)
    computed: set[str] = field(default_factory=set)  # keys whose evidence was computed (not reused) now


def source_method(src: DocText) -> tuple[DocText, str]:
    """The source with the MT pairing can use (a degenerate one dropped), and the method that follows."""
    mt, method, _ = usable_signals(src.sentences, list(src.mt) if src.mt is not None else None, "hybrid")
    return (src if mt is not None or src.mt is None else replace(src, mt=None)), method


def decide(src: DocText, candidates: Sequence[Candidate], null: Null, params: PairingParams,
           load: Callable[[str], DocText], *, cache: MutableMapping[str, Evidence] | None = None,
           counts: WorkCounts | None = None, mt_model: str | None = None) -> Decided:
    """The decisions for one source, given its candidates and its null (see the module doc).

    `load(key)` gives a target's text, asked for only where the evidence is
    not in `cache` (target key -> Evidence, for this source and its MT, what
    an earlier decision computed; what is computed now is added to it).
    `mt_model` names the source's MT, for the recorded signature.
    """
    src, method = source_method(src)
    cache = {} if cache is None else cache
    counts = counts if counts is not None else WorkCounts()
    counts.sources_decided += 1
    has_mt = src.mt is not None

    def rank(c: Candidate) -> float:
        return max(c.cosine, c.cosine_mt) if has_mt and c.cosine_mt is not None else c.cosine

    order = sorted(candidates, key=lambda c: (-rank(c), c.key))
    out = Decided([], method)
    for c in order:
        key = c.key
        if key in cache:
            counts.evidence_reused += 1
        else:
            cache[key] = pair_evidence(src, load(key), method, params)
            counts.evidence_computed += 1
            out.computed.add(key)
        out.evidence[key] = cache[key]
    evs = out.evidence
    doc_z = {c.key: (c.cosine - null.median) / null.spread for c in order}
    # translation: judged on the aligner's path, for the candidates whose mutual-best pairs line up best
    eligible = [c for c in order if evs[c.key].chain_coverage >= params.prefilter_chain
                and evs[c.key].length_ratio <= params.parallel_length_ratio]
    eligible = sorted(eligible, key=lambda c: (-evs[c.key].chain_coverage, -rank(c)))[: params.path_checks]
    for c in eligible:
        key = c.key
        if evs[key].path is None:
            evs[key] = cache[key] = replace(evs[key], path=path_check(src, load(key), method, evs[key],
                                                                      params.parallel_span))
            counts.path_checks += 1
            out.computed.add(key)
    parallel_ok = {c.key: float(evs[c.key].path["path_coverage"])  # type: ignore[index]
                   for c in eligible if evs[c.key].path is not None
                   and evs[c.key].path["path_coverage"] >= params.parallel_coverage  # type: ignore[index]
                   and evs[c.key].path["path_spans"]}  # type: ignore[index]
    best_cov = max(parallel_ok.values(), default=0.0)
    parallel = {k for k, cov in parallel_ok.items() if cov >= params.duplicate_parallel * best_cov}
    why: dict[str, str] = {}
    for c in order:
        key = c.key
        if key in parallel:
            why[key] = "translation"
        elif evs[key].anchors >= params.anchor_min:
            why[key] = "anchors"
        elif len(evs[key].mutual) > _mutual_bar_of(evs[key], method, params):
            why[key] = "mutual-best pairs"
        elif doc_z[key] >= params.doc_z_min:
            why[key] = "document cosine"
    if parallel and not params.comparable_beside_parallel:
        why = {k: w for k, w in why.items() if k in parallel}
    miner = MinerParams.for_method(method).as_dict()
    for rank_no, c in enumerate(order, 1):
        key = c.key
        if key not in why:
            continue
        ev = evs[key]
        other = next((o for o in order if o.key != key), None)
        record: dict[str, Any] = {
            "reason": why[key],
            "doc_cosine": round(c.cosine, 4),
            "doc_cosine_mt": round(c.cosine_mt, 4) if has_mt and c.cosine_mt is not None else None,
            "doc_z": round(doc_z[key], 3),
            "doc_null": [round(null.median, 4), round(null.spread, 4), null.size],
            "doc_rank": rank_no,
            "doc_margin": round(rank(c) - rank(other), 4) if other is not None else None,
            "anchors": ev.anchors,
            "mutual_best": len(ev.mutual),
            "mutual_bar": _finite(_mutual_bar_of(ev, method, params)),
            "chain": ev.chain,
            "chain_coverage": round(ev.chain_coverage, 4),
            "length_ratio": round(ev.length_ratio, 3),
            **(ev.path or {}),
            "parallel_candidates": len(parallel_ok),
            "candidates_examined": len(order),
            "thresholds": params.as_dict(),
            "miner": miner,
            "signature": pairing_signature(params, method=method, mt_model=mt_model if has_mt else None),
            "embedding_model": emb_mod.MODEL_NAME,
            "version": VERSION,
        }
        mode = "parallel" if key in parallel else "comparable"
        out.decisions.append(PairDecision(src.key, key, round(c.cosine, 4), mode, method, record))
    out.decisions.sort(key=lambda d: (d.mode != "parallel", -d.score))
    return out


def pair_documents(sources: Sequence[DocText], targets: Sequence[DocText], *,
                   params: PairingParams | None = None, counts: WorkCounts | None = None) -> list[PairDecision]:
    """Decisions for every (source, target) pair judged to belong together, all in memory.

    Sorted by source key, parallel first, then by score. A source with no
    partner gets no decision. The pipeline decides the same way from stored
    vectors and evidence (stages.alignment), one new document at a time.
    """
    p = params or PairingParams()
    if not sources or not targets:
        return []
    by_key = {d.key: d for d in targets}
    tgt_vecs = np.stack([doc_vector(d.sentences) for d in targets])
    sample = null_rows([d.key for d in targets], p.null_sample)
    out: list[PairDecision] = []
    for src in sources:
        src_ok, _ = source_method(src)
        xl = tgt_vecs @ doc_vector(src.sentences)
        mt = tgt_vecs @ doc_vector(src_ok.mt) if src_ok.mt is not None else None
        rows = candidate_rows(xl, mt, p.candidates)
        cands = [Candidate(targets[b].key, float(xl[b]), float(mt[b]) if mt is not None else None) for b in rows]
        out.extend(decide(src, cands, doc_null(xl[sample], p), p, by_key.__getitem__, counts=counts).decisions)
    out.sort(key=lambda d: (d.src_key, d.mode != "parallel", -d.score))
    return out
