"""The monotone aligner for translations: features -> band -> candidates -> DP -> groups.

`align_parallel` tells the whole story. It is split at `candidates` so that
tuning (benchmarks/tune_aligner.py) can compute the candidate features once
and re-run only the cheap scoring and DP with other weights (`decode`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xlalign.records import Group

from .band import Band, BandDots
from .clauses import EdgeClauses
from .confidence import confidence
from .dp import NEG, Step, run_dp, valid_nodes
from .ngrams import hashed_dense
from .params import AlignerParams, Weights
from .search import find_band
from .similarity import PairFeatures


def align_parallel(src: list[str], tgt: list[str], mt: list[str] | None, method: str, p: AlignerParams) -> list[Group]:
    """Monotone groups covering every sentence of two documents that translate each other."""
    if not src or not tgt:  # nothing to compare: everything is a deletion or an insertion
        return [Group((k,), (), 0.0) for k in range(len(src))] + [Group((), (k,), 0.0) for k in range(len(tgt))]
    features = PairFeatures.for_method(src, tgt, mt, method, p)
    cand = candidates(features, p, wanted=weighted_features(p.weights))
    steps = decode(cand, p.weights)
    groups = [steps_to_group(s, features, cand, p.weights) for s in steps]
    if not math.isfinite(sum(g.score or 0.0 for g in groups)):
        raise RuntimeError("non-finite alignment scores")
    return groups


def steps_to_group(s: Step, features: PairFeatures, cand: Candidates, w: Weights) -> Group:
    """A DP step as a stored group; its confidence comes from the similarity signals only.

    Length, junk and edge-clause terms decide where groups end but say
    nothing about how sure the pair is, so they are left out of the score.
    """
    src_idx, tgt_idx = tuple(range(s.i - s.a, s.i)), tuple(range(s.j - s.b, s.j))
    if not (s.a and s.b):
        return Group(src_idx, tgt_idx, 0.0)
    weights = {name: getattr(w, "w_" + name) for name in SIMILARITIES if getattr(w, "w_" + name)}
    ft = features.group_features(s.a, s.b, np.array([s.i]), np.array([s.j]), cand.dots if features.use_mt else None,
                                 wanted=frozenset(weights))
    norm = sum(abs(v) for v in weights.values()) or 1.0
    z = sum(v * float(ft[name][0]) for name, v in weights.items() if name in ft) / norm
    return Group(src_idx, tgt_idx, round(float(confidence(z)), 4))


def group_types(max_group: int, many_max: int) -> list[tuple[int, int]]:
    """Types (a, b), a, b >= 1: one sentence against up to `max_group`, and
    many-to-many groups of at most min(max_group + 2, many_max) sentences.

    Why the two bounds: one long sentence rendered as a list of five short
    ones is common (Text+Berg dev has 1-5 groups), while a 2-5 or 3-4 group
    is rare and, allowed, mostly swallows neighbours that align on their own.
    """
    cap = min(max_group + 2, many_max)
    return [
        (a, b)
        for a in range(1, max_group + 1)
        for b in range(1, max_group + 1)
        if min(a, b) == 1 or a + b <= cap
    ]


@dataclass
class Candidates:
    band: Band
    types: list[tuple[int, int]]
    nodes: list[np.ndarray]  # per type: flat node indices
    feats: list[dict[str, np.ndarray]]  # per type: feature arrays aligned with nodes
    n: int
    m: int
    src_junk: np.ndarray  # (n,) 1.0 for lines without words (see similarity.is_junk)
    tgt_junk: np.ndarray
    dots: BandDots | None = None  # sentence-pair n-gram dot products in the band
    edges: EdgeClauses | None = None  # edge-clause cosines in the band (clauses.py)


def coarse_vectors(f: PairFeatures) -> tuple[np.ndarray, np.ndarray]:
    """One dense vector per sentence for the coarse levels of the search."""
    parts_x, parts_y = [], []
    if f.use_emb:
        ex, ey = f.ex[0], f.ey[0]
        # remove the common direction: raw e5 cosines are all high
        mu = np.concatenate([ex, ey]).mean(axis=0)
        ex, ey = ex - mu, ey - mu
        parts_x.append(ex / np.maximum(np.linalg.norm(ex, axis=1, keepdims=True), 1e-9))
        parts_y.append(ey / np.maximum(np.linalg.norm(ey, axis=1, keepdims=True), 1e-9))
    if f.use_mt:
        parts_x.append(hashed_dense(f.x))
        parts_y.append(hashed_dense(f.y))
    vx = np.concatenate(parts_x, axis=1)
    vy = np.concatenate(parts_y, axis=1)
    vx /= np.maximum(np.linalg.norm(vx, axis=1, keepdims=True), 1e-9)
    vy /= np.maximum(np.linalg.norm(vy, axis=1, keepdims=True), 1e-9)
    return vx.astype(np.float32), vy.astype(np.float32)


def weighted_features(w: Weights) -> frozenset[str]:
    """The features `w` gives a weight: the only ones an alignment needs computed."""
    return frozenset(name for name in FEATURES if getattr(w, "w_" + name))


def candidates(f: PairFeatures, p: AlignerParams, wanted: frozenset[str] | None = None) -> Candidates:
    """The band around the coarse path, and the features of every group type at every node in it.

    `wanted` limits the similarity features to those named (`weighted_features`);
    None computes all of them, for tuning, which re-weights the same candidates.
    """
    n, m = len(f.src), len(f.tgt)
    if n and m:
        vx, vy = coarse_vectors(f)
        band = find_band(vx, vy, p)
    else:
        band = Band.full(n, m)
    dots = f.pair_dots(band) if (f.use_mt and n and m) else None
    if n and m:
        f.embedding_dots(band)
    edges = (EdgeClauses.compute(f.src_mt, f.tgt, band, f.max_size, p.min_clause, hashed=f.mt_hashes)
             if dots is not None and f.src_mt is not None and (wanted is None or "cl" in wanted) else None)
    f.mt_hashes = None  # used: free them
    types = group_types(p.max_group, p.many_to_many_max)
    all_i, all_j = band.nodes()
    nodes, feats = [], []
    for a, b in types:
        idx = valid_nodes(band, a, b)
        nodes.append(idx)
        feats.append(f.group_features(a, b, all_i[idx], all_j[idx], dots, edges, wanted) if len(idx) else {})
    return Candidates(band, types, nodes, feats, n, m, f.src_junk1, f.tgt_junk1, dots, edges)


SIMILARITIES = ("mt", "mt_nb", "emb", "emb_nb", "embmt", "embmt_nb")  # features that say how alike a group is
FEATURES = SIMILARITIES + ("cl",)


def group_score(feats: dict[str, np.ndarray], w: Weights) -> np.ndarray:
    """Score of candidate groups, before the per-type bias: higher is better.

    A weighted sum of the normalised signals (`w_<feature>`); the length
    and junk terms are penalties.
    """
    s: np.ndarray | float = 0.0
    for name in FEATURES:
        weight = getattr(w, "w_" + name)
        if weight and name in feats:
            s = s + weight * feats[name]
    return s - w.w_len * feats["len"] - w.w_junk * feats["junk"]


def type_bias(a: int, b: int, w: Weights) -> float:
    """Extra cost of a group beyond 1-1: grows with its size, more for many-to-many."""
    extra = 0.0
    if min(a, b) == 1 and max(a, b) == 2:
        extra = w.bias_12
    elif min(a, b) == 1 and max(a, b) > 2:
        extra = w.bias_13
    elif a == b == 2:
        extra = w.bias_22
    elif min(a, b) > 1:
        extra = w.bias_23
    if max(a, b) >= 5:
        extra += w.bias_big
    return w.bias_size * (a + b - 2) + (w.bias_many if min(a, b) > 1 else 0.0) + extra


def decode(c: Candidates, w: Weights) -> list[Step]:
    """The best monotone path through the candidates with weights `w`."""
    scores = []
    for (a, b), idx, ft in zip(c.types, c.nodes, c.feats):
        s = np.full(c.band.size, NEG)
        if len(idx):
            s[idx] = (0.5 * (a + b)) ** w.gamma * (group_score(ft, w) - type_bias(a, b, w))
        scores.append(s)
    del_src, ins_tgt = skip_scores(c, scores, w)
    return run_dp(c.band, c.types, scores, del_src, ins_tgt)


def skip_scores(c: Candidates, scores: list[np.ndarray], w: Weights) -> tuple[np.ndarray, np.ndarray]:
    """Score of leaving each source / target sentence unaligned (negative).

    A constant cost, plus a share of the sentence's best 1-1 score nearby:
    a sentence that clearly translates something should not be dropped to
    save a merge, while a caption or a note that matches nothing is cheap
    to leave out. Lines without words cost `skip_junk`.
    """
    kappa = w.kappa
    best_src = np.zeros(c.n)
    best_tgt = np.zeros(c.m)
    if kappa and (1, 1) in c.types:
        t = c.types.index((1, 1))
        idx = c.nodes[t]
        if len(idx):
            i, j = c.band.nodes()
            v = scores[t][idx]
            np.maximum.at(best_src, i[idx] - 1, v)
            np.maximum.at(best_tgt, j[idx] - 1, v)
    skip_junk = w.skip if w.skip_junk is None else w.skip_junk
    del_src = np.where(c.src_junk > 0, -skip_junk, -w.skip - kappa * best_src)
    ins_tgt = np.where(c.tgt_junk > 0, -skip_junk, -w.skip - kappa * best_tgt)
    return del_src, ins_tgt
