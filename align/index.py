"""The candidate index: stored document vectors, so that a new document costs work proportional to itself.

Pairing examines a source's `candidates` closest targets, nothing else
(pairing.py). With one vector per document (the mean e5 embedding of its
sentences, and of its MT where it has one), stored when the document is
first seen, the work for a new document is:

* one matrix-vector product with the stored vectors of the other side
  (10,000 x 384 floats: a few milliseconds, the only step that grows with
  the database; a vector index such as HNSW would make it logarithmic);
* sentence-level evidence for its `candidates` closest documents only, and
  the aligner's look for the best of them (`path_checks`): a constant
  number, whatever the database holds, also when it is all about one story;
* its null from a fixed-size sample of the targets (`null_rows`), so "stands
  out from the collection" costs the same at 200 documents and at 10,000.

A new target can also be the partner of stored sources: `touched_sources`
names the sources it is among the closest targets of (at most `candidates`
of them, the nearest), and only those are decided again, each reusing the
evidence it already has. Nothing else is re-examined, so a run that adds
nothing does nothing.

Pure numpy: the vectors come from and go to the database in stages.alignment.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import embeddings as emb_mod


def candidate_rows(cos: np.ndarray, cos_mt: np.ndarray | None, k: int | None) -> list[int]:
    """Rows of the k closest targets by document cosine (the monolingual MT cosine too, where there is MT).

    No target is added past a threshold: in a collection about one story
    every target would be, and the work would grow with the square of the
    collection. k None: all. Closest first.
    """
    score = cos if cos_mt is None else np.maximum(cos, cos_mt)
    if k is not None and k <= 0:
        return []
    top = np.argpartition(-score, k - 1)[:k] if k is not None and k < len(score) else np.arange(len(score))
    return sorted(top.tolist(), key=lambda b: (-float(score[b]), b))


def _rank_key(key: str) -> bytes:
    return hashlib.sha1(key.encode("utf-8")).digest()


def null_rows(keys: Sequence[str], size: int) -> np.ndarray:
    """Rows of a fixed-size, stable sample of the targets: the `size` keys with the smallest hash.

    Stable as documents arrive (a new document enters the sample only when
    its hash is among the smallest, as in a bottom-k sketch), the same in the
    batch and the incremental paths, and independent of storage order.
    """
    if len(keys) <= size:
        return np.arange(len(keys))
    order = sorted(range(len(keys)), key=lambda i: _rank_key(keys[i]))
    return np.array(sorted(order[:size]), dtype=int)


@dataclass
class VectorIndex:
    """One side's stored document vectors (keys and a matrix; rows without an MT vector repeat the text's)."""

    keys: list[str]
    vectors: np.ndarray  # (n, DIM) float32, normalised
    mt_vectors: np.ndarray  # (n, DIM): the MT's vector where the document has one, else its own

    @classmethod
    def build(cls, rows: Sequence[tuple[str, np.ndarray, np.ndarray | None]]) -> VectorIndex:
        keys = [k for k, _, _ in rows]
        if not rows:
            empty = np.zeros((0, emb_mod.DIM), dtype=np.float32)
            return cls(keys, empty, empty)
        vecs = np.stack([v for _, v, _ in rows]).astype(np.float32)
        mts = np.stack([m if m is not None else v for _, v, m in rows]).astype(np.float32)
        return cls(keys, vecs, mts)

    def __len__(self) -> int:
        return len(self.keys)

    def row_of(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}


def touched_sources(sources: VectorIndex, vec: np.ndarray, k: int | None, kth: dict[str, float],
                    skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, float, float]]:
    """Stored sources a new target may change the decision of: (key, cosine, MT cosine).

    The new target's `k` nearest sources (by the better of the cross-lingual
    and the MT cosine), of those the ones it would enter the candidates of:
    closer than their current k-th candidate (`kth`: -inf for a source with
    fewer candidates than k; a source missing from it is not decided yet and
    is left to its own decision). At most k sources, whatever the database holds.
    """
    if not len(sources):
        return []
    cos = sources.vectors @ vec
    cos_mt = sources.mt_vectors @ vec
    score = np.maximum(cos, cos_mt)
    kk = len(score) if k is None else min(k, len(score))
    near = np.argpartition(-score, kk - 1)[:kk] if kk < len(score) else np.arange(len(score))
    out = []
    for a in sorted(near.tolist(), key=lambda r: -float(score[r])):
        key = sources.keys[a]
        bar = kth.get(key)
        if key in skip or bar is None:
            continue
        if float(score[a]) > bar:
            out.append((key, float(cos[a]), float(cos_mt[a])))
    return out
