"""The monotone aligner for translations: features -> band -> DP -> groups.

Split in two so that tuning can compute the candidate features once and
re-run only the (cheap) scoring and DP with different weights:
`candidates` builds the band and the features of every candidate group in
it; `decode` combines them with a parameter set and runs the DP.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import params as P
from .band import Band
from .clauses import EdgeClauses
from .dp import NEG, Step, run_dp, valid_nodes
from .ngrams import hashed_dense
from .search import find_band
from .similarity import BandDots, PairFeatures


def group_types(max_group: int, many_max: int = P.MANY_TO_MANY_MAX) -> list[tuple[int, int]]:
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


def candidates(f: PairFeatures, max_group: int, width: int) -> Candidates:
    n, m = len(f.src), len(f.tgt)
    if n and m:
        vx, vy = coarse_vectors(f)
        band = find_band(vx, vy, width)
    else:
        band = Band.full(n, m)
    dots = f.pair_dots(band) if (f.use_mt and n and m) else None
    edges = EdgeClauses.compute(f.src_mt, f.tgt, band, f.max_size) if dots is not None else None
    types = group_types(max_group)
    all_i, all_j = band.nodes()
    nodes, feats = [], []
    for a, b in types:
        idx = valid_nodes(band, a, b)
        nodes.append(idx)
        feats.append(f.group_features(a, b, all_i[idx], all_j[idx], dots, edges) if len(idx) else {})
    return Candidates(band, types, nodes, feats, n, m, f.src_junk1, f.tgt_junk1, dots, edges)


FEATURES = ("mt", "mt_nb", "emb", "emb_nb", "embmt", "embmt_nb", "mt_cos", "emb_cos", "cl")


def group_score(feats: dict[str, np.ndarray], a: int, b: int, p: dict) -> np.ndarray:
    """Score of candidate groups, before the per-type bias: higher is better.

    A weighted sum of the normalised signals (`w_<feature>` in `p`); the
    length term is a penalty.
    """
    s = 0.0
    for name in FEATURES:
        w = p.get("w_" + name, 0.0)
        if w and name in feats:
            s = s + w * feats[name]
    return s - p["w_len"] * feats["len"] - p.get("w_junk", 0.0) * feats["junk"]


def type_bias(a: int, b: int, p: dict) -> float:
    """Extra cost of a group beyond 1-1: grows with its size, more for many-to-many."""
    extra = 0.0
    if min(a, b) == 1 and max(a, b) == 2:
        extra = p.get("bias_12", 0.0)
    elif min(a, b) == 1 and max(a, b) > 2:
        extra = p.get("bias_13", 0.0)
    elif a == b == 2:
        extra = p.get("bias_22", 0.0)
    elif min(a, b) > 1:
        extra = p.get("bias_23", 0.0)
    if max(a, b) >= 5:
        extra += p.get("bias_big", 0.0)
    return p["bias_size"] * (a + b - 2) + (p["bias_many"] if min(a, b) > 1 else 0.0) + extra


def decode(c: Candidates, p: dict) -> list[Step]:
    scores = []
    for (a, b), idx, ft in zip(c.types, c.nodes, c.feats):
        s = np.full(c.band.size, NEG)
        if len(idx):
            raw = group_score(ft, a, b, p)
            sat = p.get("sat", 0.0)
            if sat:  # diminishing returns: a very good 1-1 is not worth two merges
                raw = sat * np.tanh(raw / sat)
            s[idx] = (0.5 * (a + b)) ** p.get("gamma", 0.0) * (raw - type_bias(a, b, p))
        scores.append(s)
    del_src, ins_tgt = skip_scores(c, scores, p)
    return run_dp(c.band, c.types, scores, del_src, ins_tgt)


def skip_scores(c: Candidates, scores: list[np.ndarray], p: dict) -> tuple[np.ndarray, np.ndarray]:
    """Score of leaving each source / target sentence unaligned (negative).

    A constant cost, plus a share of the sentence's best 1-1 score nearby:
    a sentence that clearly translates something should not be dropped to
    save a merge, while a caption or a note that matches nothing is cheap
    to leave out. Lines without words cost `skip_junk`.
    """
    kappa = p.get("kappa", 0.0)
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
    skip_junk = p.get("skip_junk", p["skip"])
    del_src = np.where(c.src_junk > 0, -skip_junk, -p["skip"] - kappa * best_src)
    ins_tgt = np.where(c.tgt_junk > 0, -skip_junk, -p["skip"] - kappa * best_tgt)
    return del_src, ins_tgt
