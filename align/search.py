"""Coarse-to-fine search: where in the (n x m) plane the alignment can be.

As in Vecalign: sentence vectors are averaged in pairs, level after level,
until the document is short enough for a full DP; the path found there,
projected to the next finer level, defines a band of constant width in which
that level's DP runs, and so on down to sentences. Each level costs
O(length x width), and the levels shrink geometrically, so the whole search
is linear in document length. The coarse levels use one cheap dense vector
per sentence (embeddings and/or hashed MT n-grams) and only 1-1, 1-2, 2-1
and skip steps: they only need to find the neighbourhood of the path, the
final DP (`parallel.py`) finds the groups.
"""
from __future__ import annotations

import numpy as np

from .band import Band, BandDots, densify, run_sum_norms
from .dp import NEG, run_dp, valid_nodes
from .params import AlignerParams

_TYPES = [(1, 1), (1, 2), (2, 1)]


def _downsample(v: np.ndarray) -> np.ndarray:
    n = len(v)
    if n <= 1:
        return v.copy()
    pairs = v[: n - n % 2].reshape(n // 2, 2, -1).sum(axis=1)
    if n % 2:
        pairs = np.concatenate([pairs, v[-1:]])
    return pairs / np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-9)


def _level_path(
    vx: np.ndarray, vy: np.ndarray, band: Band, seed: int = 0, prior: float = 0.0
) -> list[tuple[int, int]]:
    """Best path at one level with z-scored cosines; nodes where groups end.

    `prior` charges each group for its distance from the straight diagonal:
    a tie-breaker for text that repeats itself (boilerplate, or a benchmark
    that repeats a document), where a path shifted by one repetition scores
    almost as well as the true one at coarse resolution.
    """
    n, m = len(vx), len(vy)
    rng = np.random.default_rng(seed)
    k = min(2000, n * m)
    ri, rj = rng.integers(0, n, k), rng.integers(0, m, k)
    rc = np.einsum("kd,kd->k", vx[ri], vy[rj])
    mu, sd = float(rc.mean()), max(float(rc.std()), 1e-3)
    # runs are normalised sums: their cosines are rectangle sums of the band's dots over the sums' norms
    dots = BandDots.dense(vx, vy, band, 2)
    norm_x, norm_y = np.maximum(run_sum_norms(vx, 2), 1e-9), np.maximum(run_sum_norms(vy, 2), 1e-9)
    scores = []
    for a, b in _TYPES:
        s = np.full(band.size, NEG)
        idx = valid_nodes(band, a, b)
        i, j = band.nodes()
        i, j = i[idx], j[idx]
        cos = dots.rect(i, j, a, b) / (norm_x[a - 1, i - 1] * norm_y[b - 1, j - 1])
        s[idx] = (cos - mu) / sd - 2.0 - (0.5 if a + b > 2 else 0.0)
        if prior:
            s[idx] -= prior * np.abs(j - i * (m / max(n, 1)))
        scores.append(s)
    steps = run_dp(band, _TYPES, scores, np.full(n, -1.0), np.full(m, -1.0))
    nodes = [(0, 0)] + [(s.i, s.j) for s in steps if s.a and s.b] + [(n, m)]
    return nodes


def find_band(vx: np.ndarray, vy: np.ndarray, p: AlignerParams) -> Band:
    """The band for the final DP over sentences, of half-width `p.band_width`."""
    n, m = len(vx), len(vy)
    if max(n, m) <= p.coarse_max or min(n, m) == 0:
        return Band.full(n, m)
    pyramid = [(vx, vy)]
    while max(len(pyramid[-1][0]), len(pyramid[-1][1])) > p.coarse_max:
        px, py = pyramid[-1]
        pyramid.append((_downsample(px), _downsample(py)))
    cx, cy = pyramid[-1]
    nodes = _level_path(cx, cy, Band.full(len(cx), len(cy)), prior=p.diagonal_prior)
    for level in range(len(pyramid) - 2, -1, -1):
        fx, fy = pyramid[level]
        fine = [(min(2 * i, len(fx)), min(2 * j, len(fy))) for i, j in nodes]
        fine = _dedupe(fine)
        if level == 0:
            return Band.around_path(densify(fine), len(fx), len(fy), p.band_width)
        band = Band.around_path(densify(fine), len(fx), len(fy), p.level_width)
        nodes = _level_path(fx, fy, band, seed=level)
    raise AssertionError("unreachable")


def _dedupe(nodes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = [nodes[0]]
    for nd in nodes[1:]:
        if nd != out[-1]:
            out.append(nd)
    return out
