"""Document pairing: which target documents a source document goes with, and how.

Two questions per (source, target) pair of documents:

1. Same story? The cosine of the documents' mean sentence embeddings
   (e5 cosines are compressed: the seed articles about one event score
   0.95, unrelated FLORES documents 0.89-0.94), or at least a couple of
   sentence pairs confident beyond chance (stricter than the miner: among
   n x m unrelated pairs the best one easily reaches z = 3).
2. Translation or comparable text? A translation has confident sentence
   pairs for most sentences of the shorter document, in order, and both
   documents have similar numbers of sentences: then the monotone aligner
   is right ("parallel"). A rewrite or related coverage has a few pairs, in
   any order: the miner is right ("comparable").

Every number the decision used is kept in `PairDecision.params`.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from xlalign.records import DocText, PairDecision

from . import embeddings as emb_mod
from .methods import usable_signals
from .miner import combined_z, mine_pairs, similarity_matrices
from .params import VERSION, MinerParams, PairingParams


def _doc_vector(sentences: Sequence[str]) -> np.ndarray:
    if not sentences:
        return np.zeros(emb_mod.DIM, dtype=np.float32)
    v = emb_mod.embed(list(sentences)).mean(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-9)


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


def pair_evidence(src: DocText, tgt: DocText, method: str, p: PairingParams) -> dict[str, float]:
    """Sentence-level evidence for one document pair (miner scores)."""
    src_s, tgt_s = list(src.sentences), list(tgt.sentences)
    if not src_s or not tgt_s:
        return {"pairs": 0, "coverage": 0.0, "monotone": 0.0}
    mats = similarity_matrices(src_s, tgt_s, list(src.mt) if src.mt is not None else None, method)
    miner = MinerParams.for_method(method)
    z = combined_z(mats, miner)
    # stricter than the miner: the best of n x m unrelated pairs reaches about
    # sqrt(2 ln(n m)) standard deviations by chance (3.8 for 40 x 40), and here
    # a stray pair would link two unrelated documents
    chance = float(np.sqrt(2.0 * np.log(max(2, len(src_s) * len(tgt_s)))))
    strict = miner.with_changes(z_min=max(miner.z_min, chance + p.evidence_z_over_chance),
                                margin_min=max(miner.margin_min, p.evidence_margin))
    pairs = mine_pairs(z, None, strict)
    ordered = [j for _, js, _ in sorted(pairs) for j in js[:1]]
    n_pairs = len(pairs)
    shorter = min(len(src_s), len(tgt_s))
    return {
        "pairs": n_pairs,
        "coverage": round(n_pairs / shorter, 4),
        "monotone": round(longest_increasing(ordered) / n_pairs, 4) if n_pairs else 0.0,
    }


def candidate_targets(sims: np.ndarray, sims_mt: np.ndarray | None, k: int | None,
                      same_story_cos: float) -> list[int]:
    """Targets worth the sentence-level evidence: the k closest by document cosine, plus any past the threshold.

    Why: evidence costs a few milliseconds per document pair, and a database
    of a thousand sources and three thousand targets has three million pairs.
    The document cosine (cross-lingual, and with MT monolingual too) ranks a
    source's same-story targets first (same story >= 0.95, unrelated
    0.89-0.94), so only the top of that ranking needs the expensive look.
    k None: every target.
    """
    score = sims if sims_mt is None else np.maximum(sims, sims_mt)
    if k is None or k >= len(score):
        return list(range(len(score)))
    top = set(np.argsort(-score, kind="stable")[:k].tolist())
    top |= set(np.nonzero(sims >= same_story_cos)[0].tolist())
    return sorted(top)


def pair_documents(
    sources: Sequence[DocText], targets: Sequence[DocText], *, params: PairingParams | None = None
) -> list[PairDecision]:
    """Decisions for every (source, target) pair judged to be the same story.

    Sorted by source key, then by score (best first). A source document
    with no same-story target gets no decision. Only each source's
    `params.candidates` closest targets by document cosine are examined
    closely (`candidate_targets`); None examines all.
    """
    p = params or PairingParams()
    if not sources or not targets:
        return []
    src_vecs = np.stack([_doc_vector(list(d.mt) if d.mt is not None else list(d.sentences)) for d in sources])
    src_xl = np.stack([_doc_vector(list(d.sentences)) for d in sources])
    tgt_vecs = np.stack([_doc_vector(list(d.sentences)) for d in targets])
    # cross-lingual document similarity (source text itself) and, where MT exists, monolingual
    sims = src_xl @ tgt_vecs.T
    sims_mt = src_vecs @ tgt_vecs.T
    out: list[PairDecision] = []
    for a, src in enumerate(sources):
        mt, method, _ = usable_signals(src.sentences, list(src.mt) if src.mt is not None else None, "hybrid")
        if mt is None and src.mt is not None:
            src = replace(src, mt=None)
        for b in candidate_targets(sims[a], sims_mt[a] if mt is not None else None, p.candidates, p.same_story_cos):
            tgt = targets[b]
            sim = float(sims[a, b])
            ev = pair_evidence(src, tgt, method, p)
            same = ev["pairs"] >= p.min_pairs or sim >= p.same_story_cos
            if not same:
                continue
            n, m = len(src.sentences), len(tgt.sentences)
            ratio = max(n, m) / max(1, min(n, m))
            parallel = (
                ev["coverage"] >= p.parallel_coverage
                and ev["monotone"] >= p.parallel_monotone
                and ratio <= p.parallel_length_ratio
            )
            record = {
                "doc_cosine": round(sim, 4),
                "doc_cosine_mt": round(float(sims_mt[a, b]), 4) if src.mt is not None else None,
                "sentence_pairs": ev["pairs"],
                "coverage": ev["coverage"],
                "monotone": ev["monotone"],
                "length_ratio": round(ratio, 3),
                "thresholds": p.as_dict(),
                "miner": MinerParams.for_method(method).as_dict(),
                "candidates_per_source": p.candidates,
                "embedding_model": emb_mod.MODEL_NAME,
                "version": VERSION,
            }
            mode = "parallel" if parallel else "comparable"
            out.append(PairDecision(src.key, tgt.key, round(sim, 4), mode, method, record))
    out.sort(key=lambda d: (d.src_key, d.mode != "parallel", -d.score))
    return out
