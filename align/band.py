"""The search space of the monotone aligner: a band of DP nodes.

A node (i, j) means "the first i source and j target sentences are
aligned". Row i of the band holds the nodes j in [lo[i], hi[i]]. A full
band is quadratic; the coarse-to-fine search (`search.py`) hands the final
DP a band of constant width around a path found at half resolution, which is
what keeps the whole aligner linear in document length.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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

    def flat(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Flat index of nodes known to be inside the band."""
        return self.offsets[i] + (j - self.lo[i])

    @staticmethod
    def full(n: int, m: int) -> "Band":
        return Band(n, m, np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    @staticmethod
    def around_path(path: np.ndarray, n: int, m: int, width: int) -> "Band":
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
        from numpy.lib.stride_tricks import sliding_window_view

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
