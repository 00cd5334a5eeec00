"""The search space of the monotone aligner: a band of DP nodes.

A node (i, j) means "the first i source and j target sentences are
aligned". Row i of the band holds the nodes j in [lo[i], hi[i]]. A full
band is quadratic; the coarse-to-fine search (`search.py`) hands the final
DP a band of constant width around a path found at half resolution, which is
what keeps the whole aligner linear in document length.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .ngrams import SparseRows, block_dots

BLOCK = 32  # source sentences per dense block of dot products (speed only: a block costs its size squared)


@dataclass(frozen=True)
class Band:
    n: int
    m: int
    lo: np.ndarray  # (n+1,) int64, non-decreasing, lo[0] == 0
    hi: np.ndarray  # (n+1,) int64, non-decreasing, hi[n] == m, lo <= hi

    @property
    def widths(self) -> np.ndarray:
        return self.hi - self.lo + 1

    @property
    def offsets(self) -> np.ndarray:
        """offsets[i]: flat index of node (i, lo[i]); offsets[n+1]: number of nodes."""
        return np.concatenate([[0], np.cumsum(self.widths)]).astype(np.int64)

    @property
    def size(self) -> int:
        return int(self.widths.sum())

    def nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """All nodes as flat (i, j) arrays, row by row."""
        w = self.widths
        i = np.repeat(np.arange(self.n + 1), w)
        j = np.arange(self.size) - np.repeat(self.offsets[:-1], w) + np.repeat(self.lo, w)
        return i, j

    def contains(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        ok = (i >= 0) & (i <= self.n)
        ic = np.clip(i, 0, self.n)
        return ok & (j >= self.lo[ic]) & (j <= self.hi[ic])

    @staticmethod
    def full(n: int, m: int) -> Band:
        return Band(n, m, np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    @staticmethod
    def around_path(path: np.ndarray, n: int, m: int, width: int) -> Band:
        """Nodes within `width` rows/columns of a monotone path of nodes.

        `path` is (k, 2) with steps of at most one in each coordinate
        (see `densify`). Every node of the path stays inside the band.
        """
        path = np.asarray(path, dtype=np.int64)
        jmin = np.full(n + 1, m, dtype=np.int64)
        jmax = np.zeros(n + 1, dtype=np.int64)
        np.minimum.at(jmin, path[:, 0], path[:, 1])
        np.maximum.at(jmax, path[:, 0], path[:, 1])
        # rows the path skips (cannot happen with a dense path) inherit neighbours
        seen = np.zeros(n + 1, bool)
        seen[path[:, 0]] = True
        if not seen.all():
            idx = np.where(seen, np.arange(n + 1), 0)
            idx = np.maximum.accumulate(idx)
            jmin = np.where(seen, jmin, jmin[idx])
            jmax = np.where(seen, jmax, jmax[idx])
        lo = np.empty(n + 1, dtype=np.int64)
        hi = np.empty(n + 1, dtype=np.int64)
        pad_lo = np.concatenate([np.full(width, jmin[0]), jmin, np.full(width, jmin[-1])])
        pad_hi = np.concatenate([np.full(width, jmax[0]), jmax, np.full(width, jmax[-1])])
        win = 2 * width + 1
        # sliding min/max over rows i-width..i+width
        lo[:] = sliding_window_view(pad_lo, win).min(axis=1) - width
        hi[:] = sliding_window_view(pad_hi, win).max(axis=1) + width
        lo = np.clip(lo, 0, m)
        hi = np.clip(hi, 0, m)
        lo[0] = 0
        hi[n] = m
        lo = np.maximum.accumulate(lo)
        hi = np.minimum.accumulate(hi[::-1])[::-1]
        hi = np.maximum(hi, lo)
        return Band(n, m, lo, hi)


def densify(path_nodes: list[tuple[int, int]]) -> np.ndarray:
    """Turn a path of nodes with arbitrary steps into unit steps.

    Steps of a many-to-many group become an approximately straight line, as
    in Vecalign's search path, so that the band around it covers the
    diagonal of the group rather than one of its corners.
    """
    out = [path_nodes[0]]
    for (i0, j0), (i1, j1) in zip(path_nodes, path_nodes[1:]):
        di, dj = i1 - i0, j1 - j0
        steps = max(di, dj)
        for s in range(1, steps + 1):
            out.append((i0 + round(di * s / steps), j0 + round(dj * s / steps)))
    return np.array(out, dtype=np.int64)


@dataclass
class BandDots:
    """Sentence-pair dot products inside a band, stored row by row with offsets."""

    plo: np.ndarray  # (n,) first target sentence stored for source sentence k
    vals: np.ndarray  # (n, W)
    width: int
    cum: np.ndarray  # (n, W + 1) running sums of each row of vals (float64), for `rect`

    @staticmethod
    def compute(x: SparseRows, y: SparseRows, band: Band, max_size: int) -> BandDots:
        """n-gram vector dot products (ngrams.block_dots) in the band."""
        return BandDots.from_blocks(lambda rows, cols: block_dots(x, y, rows, cols), band, max_size)

    @staticmethod
    def dense(vx: np.ndarray, vy: np.ndarray, band: Band, max_size: int) -> BandDots:
        """Dot products of dense vectors (embeddings, one per sentence) in the band."""
        return BandDots.from_blocks(lambda rows, cols: vx[rows.start : rows.stop] @ vy[cols.start : cols.stop].T,
                                    band, max_size)

    @staticmethod
    def from_blocks(block: Callable[[range, range], np.ndarray], band: Band, max_size: int) -> BandDots:
        """Dot products in the band, `block(rows, cols)` giving a dense block of them at a time."""
        n, m = band.n, band.m
        A = max_size
        # source sentence k belongs to groups ending at rows k+1 .. k+A
        # and is a neighbour of groups ending at row k or starting at row k+1;
        # target neighbours reach one column further on each side
        lo_ext = np.concatenate([band.lo, np.full(A + 1, band.lo[-1])])
        hi_ext = np.concatenate([band.hi, np.full(A + 1, band.hi[-1])])
        plo = np.clip(sliding_window_view(lo_ext, A + 2).min(axis=1)[:n] - A - 1, 0, max(m - 1, 0))
        phi = np.clip(sliding_window_view(hi_ext, A + 2).max(axis=1)[:n], 0, max(m - 1, 0))
        width = int((phi - plo + 1).max()) if n else 1
        vals = np.zeros((n, max(width, 1)), dtype=np.float32)
        for s in range(0, n if m else 0, BLOCK):
            e = min(n, s + BLOCK)
            c0, c1 = int(plo[s:e].min()), int(phi[s:e].max()) + 1
            d = block(range(s, e), range(c0, c1))
            for k in range(s, e):
                w = phi[k] - plo[k] + 1
                vals[k, :w] = d[k - s, plo[k] - c0 : plo[k] - c0 + w]
        cum = np.concatenate([np.zeros((n, 1)), np.cumsum(vals, axis=1, dtype=np.float64)], axis=1)
        return BandDots(plo, vals, width, cum)

    def get(self, k: np.ndarray, l: np.ndarray) -> np.ndarray:
        col = l - self.plo[k]
        ok = (col >= 0) & (col < self.width)
        out = np.zeros(len(k), dtype=np.float64)
        out[ok] = self.vals[k[ok], col[ok]]
        return out

    def rect(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """Sum of x_k . y_l over k in [i-a, i), l in [j-b, j) (pairs outside the band count 0).

        Each row's part is a difference of two of its running sums rather
        than b lookups, one per pair.
        """
        tot = np.zeros(len(i), dtype=np.float64)
        if b == 1:  # one pair per row: read it
            for da in range(1, a + 1):
                tot += self.get(i - da, j - 1)
            return tot
        for da in range(1, a + 1):
            k = i - da
            hi = np.clip(j - self.plo[k], 0, self.width)
            lo = np.clip(j - b - self.plo[k], 0, self.width)
            tot += self.cum[k, hi] - self.cum[k, lo]
        return tot


def run_sum_norms(v: np.ndarray, max_size: int) -> np.ndarray:
    """(A, n): norm of the sum of the a vectors ending at each row (0 where a run would start before row 0).

    With these and a band's dot products (`BandDots.rect`), the cosine of two
    runs' normalised sums is a rectangle sum over two norms: no run vectors.
    """
    n = v.shape[0]
    c = np.concatenate([np.zeros((1, v.shape[1]), np.float64), np.cumsum(v, axis=0, dtype=np.float64)])
    out = np.zeros((max_size, n))
    for a in range(1, max_size + 1):
        ends = np.arange(a - 1, n)
        out[a - 1, ends] = np.linalg.norm(c[ends + 1] - c[ends + 1 - a], axis=1)
    return out
