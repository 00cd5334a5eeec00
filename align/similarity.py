"""Similarity of candidate groups: MT n-grams, embeddings, length.

Every signal is normalised per document pair so that one set of weights
works across documents (and one threshold means the same thing in a short
news story and in a yearbook):

* MT: cosine of character n-gram vectors (`ngrams.py`) between the MT of
  the source group and the target group, minus the mean cosine each side
  has with random sentences of the other document, in units of the spread
  of random-pair cosines. Subtracting the random baseline is what makes a
  short title and a long paragraph comparable.
* Embeddings: cosine of the e5 embedding of the concatenated source group
  and of the concatenated target group (embedded as one text, as Vecalign
  does), normalised the same way. Raw e5 cosines sit in a narrow band
  (unrelated sentences score ~0.75) and vary by sentence, so the per-unit
  baseline matters more here than for MT.
* Length: |log| of the ratio between target length and source length
  times the document's overall ratio.

Group scores for the DP come from `combine`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from . import embeddings as emb_mod
from .band import Band
from .ngrams import SparseRows, block_dots, featurise, self_dots

RANDOM_SAMPLE = 48  # sentences of the other side used as the random baseline
BLOCK = 64


def _run_sums(values: np.ndarray, size: int) -> np.ndarray:
    """(size, n): out[a-1, i] = sum(values[i-a+1 .. i]) (0 where it would start before 0)."""
    n = len(values)
    c = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    out = np.zeros((size, n))
    for a in range(1, size + 1):
        i = np.arange(a - 1, n)
        out[a - 1, i] = c[i + 1] - c[i + 1 - a]
    return out


def _run_sqnorms(sd: np.ndarray, size: int) -> np.ndarray:
    """(size, n) squared norms of sums of consecutive vectors, from `self_dots` output."""
    n = sd.shape[1]
    out = np.zeros((size, n))
    for a in range(1, size + 1):
        # sum over pairs (k, k+d) with k >= i-a+1 and k+d <= i
        tot = np.zeros(n)
        for d in range(a):
            c = np.concatenate([[0.0], np.cumsum(sd[d])])
            i = np.arange(a - 1, n)
            start = i - a + 1
            stop = i - d  # k in [start, stop]
            s = c[stop + 1] - c[start]
            tot[i] += s if d == 0 else 2 * s
        out[a - 1] = tot
    return out


@dataclass
class PairFeatures:
    """Everything the aligner knows about one document pair, computed once."""

    src: Sequence[str]
    tgt: Sequence[str]
    src_mt: Sequence[str] | None
    use_mt: bool
    use_emb: bool
    max_size: int
    seed: int = 0
    # filled by prepare()
    x: SparseRows | None = None  # MT n-gram vectors of source sentences
    y: SparseRows | None = None  # target n-gram vectors
    x_norm2: np.ndarray | None = None  # (A, n) squared norms of runs
    y_norm2: np.ndarray | None = None
    ex: np.ndarray | None = None  # (A, n, d) embeddings of runs
    ey: np.ndarray | None = None
    src_len: np.ndarray | None = None  # (A, n) characters
    tgt_len: np.ndarray | None = None
    len_ratio: float = 1.0
    stats: dict = field(default_factory=dict)
    mt_base_x: np.ndarray | None = None  # (A, n) mean cosine with random target sentences
    mt_base_y: np.ndarray | None = None
    emb_base_x: np.ndarray | None = None
    emb_base_y: np.ndarray | None = None

    def prepare(self) -> "PairFeatures":
        n, m, A = len(self.src), len(self.tgt), self.max_size
        rng = np.random.default_rng(self.seed)
        sl = np.array([len(s) for s in self.src], dtype=np.float64)
        tl = np.array([len(s) for s in self.tgt], dtype=np.float64)
        self.src_len = _run_sums(sl, A)
        self.tgt_len = _run_sums(tl, A)
        self.len_ratio = float((tl.sum() + 1.0) / (sl.sum() + 1.0))
        samp_y = np.sort(rng.choice(m, size=min(m, RANDOM_SAMPLE), replace=False)) if m else np.zeros(0, int)
        samp_x = np.sort(rng.choice(n, size=min(n, RANDOM_SAMPLE), replace=False)) if n else np.zeros(0, int)
        if self.use_mt:
            assert self.src_mt is not None
            self.x, self.y = featurise([self.src_mt, self.tgt])
            self.x_norm2 = _run_sqnorms(self_dots(self.x, A), A)
            self.y_norm2 = _run_sqnorms(self_dots(self.y, A), A)
            self.mt_base_x, self.mt_base_y, self.stats["mt_sd"] = self._mt_baselines(samp_x, samp_y)
        if self.use_emb:
            self.ex = emb_mod.overlap_embeddings(self.src, A)
            self.ey = emb_mod.overlap_embeddings(self.tgt, A)
            self.emb_base_x, self.emb_base_y, self.stats["emb_sd"] = self._emb_baselines(samp_x, samp_y)
        return self

    # --- random-pair baselines -------------------------------------------------
    def _mt_baselines(self, samp_x: np.ndarray, samp_y: np.ndarray):
        A = self.max_size
        n, m = self.x.n, self.y.n
        ny1 = np.maximum(self.y_norm2[0], 1e-9)
        nx1 = np.maximum(self.x_norm2[0], 1e-9)
        # dots of every source sentence with the sampled target sentences (and vice versa)
        dx = np.zeros((n, len(samp_y)))
        ysub = _subset(self.y, samp_y)
        for s in range(0, n, 256):
            dx[s : min(n, s + 256)] = block_dots(self.x, ysub, range(s, min(n, s + 256)), range(len(samp_y)))
        dy = np.zeros((m, len(samp_x)))
        xsub = _subset(self.x, samp_x)
        for s in range(0, m, 256):
            dy[s : min(m, s + 256)] = block_dots(self.y, xsub, range(s, min(m, s + 256)), range(len(samp_x)))
        base_x = np.zeros((A, n))
        base_y = np.zeros((A, m))
        for a in range(1, A + 1):
            run_dx = _run_sums_2d(dx, a)  # (n, S)
            cos = run_dx / np.sqrt(np.maximum(self.x_norm2[a - 1], 1e-9))[:, None] / np.sqrt(ny1[samp_y])[None, :]
            base_x[a - 1] = cos.mean(axis=1) if cos.shape[1] else 0.0
            run_dy = _run_sums_2d(dy, a)
            cos = run_dy / np.sqrt(np.maximum(self.y_norm2[a - 1], 1e-9))[:, None] / np.sqrt(nx1[samp_x])[None, :]
            base_y[a - 1] = cos.mean(axis=1) if cos.shape[1] else 0.0
        # spread of random 1-1 cosines
        c1 = dx / np.sqrt(nx1)[:, None] / np.sqrt(ny1[samp_y])[None, :]
        sd = float(np.std(c1)) if c1.size > 1 else 0.05
        return base_x, base_y, max(sd, 0.01)

    def _emb_baselines(self, samp_x: np.ndarray, samp_y: np.ndarray):
        A = self.max_size
        sy = self.ey[0, samp_y]  # (S, d)
        sx = self.ex[0, samp_x]
        base_x = np.einsum("and,sd->ans", self.ex, sy).mean(axis=2) if len(samp_y) else np.zeros(self.ex.shape[:2])
        base_y = np.einsum("and,sd->ans", self.ey, sx).mean(axis=2) if len(samp_x) else np.zeros(self.ey.shape[:2])
        c1 = self.ex[0] @ sy.T
        sd = float(np.std(c1)) if c1.size > 1 else 0.02
        return base_x, base_y, max(sd, 0.005)

    # --- features of candidate groups ------------------------------------------
    def pair_dots(self, band: Band) -> "BandDots":
        """x_k . y_l for every sentence pair any group in the band can contain."""
        return BandDots.compute(self.x, self.y, band, self.max_size)

    def group_features(
        self, a: int, b: int, i: np.ndarray, j: np.ndarray, dots: "BandDots | None"
    ) -> dict[str, np.ndarray]:
        """Normalised features of groups src[i-a:i] x tgt[j-b:j] (arrays of node ends)."""
        out: dict[str, np.ndarray] = {}
        if self.use_mt:
            r = dots.rect(i, j, a, b)
            nx = self.x_norm2[a - 1, i - 1]
            ny = self.y_norm2[b - 1, j - 1]
            cos = r / np.sqrt(np.maximum(nx * ny, 1e-12))
            base = 0.5 * (self.mt_base_x[a - 1, i - 1] + self.mt_base_y[b - 1, j - 1])
            out["mt"] = (cos - base) / self.stats["mt_sd"]
            out["mt_cos"] = cos
        if self.use_emb:
            cos = np.einsum("kd,kd->k", self.ex[a - 1, i - 1], self.ey[b - 1, j - 1])
            base = 0.5 * (self.emb_base_x[a - 1, i - 1] + self.emb_base_y[b - 1, j - 1])
            out["emb"] = (cos - base) / self.stats["emb_sd"]
            out["emb_cos"] = cos
        ls = self.src_len[a - 1, i - 1] * self.len_ratio
        lt = self.tgt_len[b - 1, j - 1]
        out["len"] = np.abs(np.log((lt + 20.0) / (ls + 20.0)))
        return out


def _run_sums_2d(d: np.ndarray, a: int) -> np.ndarray:
    """Row-wise run sums: out[i] = sum(d[i-a+1 .. i]) (rows before 0 count as 0)."""
    c = np.concatenate([np.zeros((1, d.shape[1])), np.cumsum(d, axis=0)])
    i = np.arange(d.shape[0])
    return c[i + 1] - c[np.maximum(i + 1 - a, 0)]


def _subset(x: SparseRows, rows: np.ndarray) -> SparseRows:
    parts_ids, parts_vals, indptr = [], [], [0]
    for k in rows:
        ids, vals = x.row(int(k))
        parts_ids.append(ids)
        parts_vals.append(vals)
        indptr.append(indptr[-1] + len(ids))
    return SparseRows(
        np.array(indptr, dtype=np.int64),
        np.concatenate(parts_ids) if parts_ids else np.zeros(0, np.int64),
        np.concatenate(parts_vals) if parts_vals else np.zeros(0, np.float32),
    )


@dataclass
class BandDots:
    """Sentence-pair dot products inside a band, stored row by row with offsets."""

    plo: np.ndarray  # (n,) first target sentence stored for source sentence k
    vals: np.ndarray  # (n, W)
    width: int

    @staticmethod
    def compute(x: SparseRows, y: SparseRows, band: Band, max_size: int) -> "BandDots":
        n, m = band.n, band.m
        A = max_size
        # source sentence k belongs to groups ending at rows k+1 .. k+A
        lo_ext = np.concatenate([band.lo[1:], np.full(A, band.lo[-1])])
        hi_ext = np.concatenate([band.hi[1:], np.full(A, band.hi[-1])])
        from numpy.lib.stride_tricks import sliding_window_view

        plo = np.clip(sliding_window_view(lo_ext, A).min(axis=1)[:n] - A, 0, max(m - 1, 0))
        phi = np.clip(sliding_window_view(hi_ext, A).max(axis=1)[:n] - 1, 0, max(m - 1, 0))
        width = int((phi - plo + 1).max()) if n else 1
        vals = np.zeros((n, max(width, 1)), dtype=np.float32)
        if m == 0:
            return BandDots(plo, vals, width)
        for s in range(0, n, BLOCK):
            e = min(n, s + BLOCK)
            c0, c1 = int(plo[s:e].min()), int(phi[s:e].max()) + 1
            d = block_dots(x, y, range(s, e), range(c0, c1))
            for k in range(s, e):
                w = phi[k] - plo[k] + 1
                vals[k, :w] = d[k - s, plo[k] - c0 : plo[k] - c0 + w]
        return BandDots(plo, vals, width)

    def get(self, k: np.ndarray, l: np.ndarray) -> np.ndarray:
        col = l - self.plo[k]
        ok = (col >= 0) & (col < self.width)
        out = np.zeros(len(k), dtype=np.float64)
        out[ok] = self.vals[k[ok], col[ok]]
        return out

    def rect(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """Sum of x_k . y_l over k in [i-a, i), l in [j-b, j)."""
        tot = np.zeros(len(i), dtype=np.float64)
        for da in range(1, a + 1):
            for db in range(1, b + 1):
                tot += self.get(i - da, j - db)
        return tot
