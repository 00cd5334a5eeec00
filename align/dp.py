"""Monotone alignment by dynamic programming over a band of nodes.

Maximises the sum of group scores. Groups with sentences on both sides
come from a fixed list of types (a, b); deletions (1-0) and insertions
(0-1) have a score per sentence. The DP is vectorised per row: every group
type is one gather from an earlier row; runs of insertions inside the row
(0-1 steps, which depend on the node to the left) are resolved in one pass
with a running maximum over prefix sums, so no Python loop touches a node.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .band import Band

NEG = -1e18


@dataclass(frozen=True)
class Step:
    """One group on the best path: src[i-a:i] with tgt[j-b:j]."""

    a: int
    b: int
    i: int
    j: int
    score: float


def valid_nodes(band: Band, a: int, b: int) -> np.ndarray:
    """Flat indices of the nodes (i, j) whose predecessor (i-a, j-b) is in the band."""
    i, j = band.nodes()
    ok = (i >= a) & (j >= b)
    ok[ok] = band.contains(i[ok] - a, j[ok] - b)
    return np.nonzero(ok)[0]


def run_dp(
    band: Band,
    types: Sequence[tuple[int, int]],
    scores: Sequence[np.ndarray],
    del_src: np.ndarray,
    ins_tgt: np.ndarray,
) -> list[Step]:
    """Best monotone path from (0, 0) to (n, m).

    types[t] = (a, b) with a, b >= 1; scores[t] has one entry per band node
    (NEG where the type cannot end there). del_src[k] is the score of
    leaving source sentence k unaligned, ins_tgt[l] that of target l.
    """
    n, m = band.n, band.m
    off = band.offsets
    lo, hi = band.lo, band.hi
    total = np.full(band.size, NEG)
    back = np.full(band.size, -1, dtype=np.int16)  # type index, -2 = 1-0, -3 = start
    chain = np.zeros(band.size, dtype=np.int64)  # j where the run of 0-1 steps into this node starts
    ins_c = np.concatenate([[0.0], np.cumsum(ins_tgt, dtype=np.float64)])
    typ = [(t, a, b) for t, (a, b) in enumerate(types)]
    for i in range(n + 1):
        js = np.arange(lo[i], hi[i] + 1)
        best = np.full(len(js), NEG)
        arg = np.full(len(js), -1, dtype=np.int16)
        if i == 0:
            best[0] = 0.0 if lo[0] == 0 else NEG
            arg[0] = -3
        else:
            for t, a, b in [(-2, 1, 0)] + typ:
                pi = i - a
                if pi < 0:
                    continue
                pj = js - b
                ok = (pj >= lo[pi]) & (pj <= hi[pi])
                if not ok.any():
                    continue
                prev = total[off[pi] + pj[ok] - lo[pi]]
                if t == -2:
                    cand = prev + del_src[i - 1]
                else:
                    cand = prev + scores[t][off[i] + np.nonzero(ok)[0]]
                cur = best[ok]
                better = cand > cur
                if better.any():
                    idx = np.nonzero(ok)[0][better]
                    best[idx] = cand[better]
                    arg[idx] = t
        # runs of insertions: total[j] = max_k<=j best[k] + C[j] - C[k]
        c = ins_c[js]
        v = best - c
        run = np.maximum.accumulate(v)
        pos = np.where(v >= run, np.arange(len(js)), 0)
        pos = np.maximum.accumulate(pos)
        total[off[i] : off[i + 1]] = run + c
        back[off[i] : off[i + 1]] = arg[pos]
        chain[off[i] : off[i + 1]] = js[pos]
    # traceback
    steps: list[Step] = []
    i, j = n, m
    if total[off[n] + m - lo[n]] <= NEG / 2:
        raise RuntimeError("no path through the band")
    while i > 0 or j > 0:
        node = off[i] + j - lo[i]
        k = int(chain[node])
        for jj in range(j, k, -1):
            steps.append(Step(0, 1, i, jj, float(ins_tgt[jj - 1])))
        j = k
        node = off[i] + j - lo[i]
        t = int(back[node])
        if t == -3:
            break
        if t == -2:
            steps.append(Step(1, 0, i, j, float(del_src[i - 1])))
            i -= 1
            continue
        a, b = types[t]
        steps.append(Step(a, b, i, j, float(scores[t][node])))
        i, j = i - a, j - b
    steps.reverse()
    return steps
