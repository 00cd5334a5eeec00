"""Similarity of candidate groups: MT n-grams, embeddings, length.

Every signal is normalised per document pair so that one set of weights
works across documents (and one threshold means the same thing in a short
news story and in a yearbook):

* MT: cosine of character n-gram vectors (`ngrams.py`) between the MT of
  the source group and the target group, minus the median cosine each side
  has with random sentences of the other document, in units of the spread
  (MAD) of random-pair cosines. Subtracting the random baseline is what makes a
  short title and a long paragraph comparable.
* Embeddings: cosine of the e5 embeddings of the source group and of the
  target group ("emb", cross-lingual) and of the MT group and the target
  group ("embmt", monolingual), normalised the same way. Raw e5 cosines sit
  in a narrow band (unrelated sentences score ~0.75) and vary by sentence,
  so the per-unit baseline matters more here than for MT. A group's
  embedding is that of its concatenated text for runs up to `embed_runs`
  sentences (Vecalign's overlaps) and the normalised sum of its sentences'
  embeddings beyond; on Text+Berg dev, embedding runs of 2-4 sentences as
  text did not beat the sums (0.902 vs 0.906 strict F1 for hybrid) at ten
  times the embedding cost, so the default embeds sentences only.
* `*_nb`: each cosine minus the cosines with the sentences just outside the
  group (Bertalign's neighbour margin); this is what decides 1-1 vs 1-2.
* Edge clauses ("cl", clauses.py): whether a group's first or last clause
  fits the sentence across its boundary better; what decides 1-1 + 1-1
  against 2-2 where the two translations cut sentences in other places.
* Length: |log| of the ratio between target length and source length
  times the document's overall ratio; lines without words ("junk").

Group scores for the DP are combined in `parallel.group_score`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import embeddings as emb_mod
from .band import Band, BandDots, run_sum_norms
from .clauses import EdgeClauses
from .ngrams import ORDERS, RowHashes, SparseRows, block_dots, featurise, row_hashes, self_dots
from .params import AlignerParams


def robust_spread(values: np.ndarray, default: float) -> float:
    """1.4826 x median absolute deviation: the sd of the unrelated pairs.

    Medians rather than means and sds, because in a short document the
    "random" sample holds the true partners too (in a 10-sentence
    translation, one pair in ten is a match) and would inflate both.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size < 3:
        return default
    return float(np.median(np.abs(v - np.median(v)))) * 1.4826


def is_junk(text: str) -> bool:
    """A "sentence" with (almost) no letters: OCR debris, rules, page furniture.

    Such lines carry nothing to align; conventions (Text+Berg gold included)
    leave them unaligned rather than glued to a neighbour.
    """
    return sum(ch.isalpha() for ch in text) < 4


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


EMPTY_ROWS = SparseRows(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass
class PairFeatures:
    """Everything the aligner knows about one document pair, computed once."""

    src: Sequence[str]
    tgt: Sequence[str]
    src_mt: Sequence[str] | None
    use_mt: bool
    use_emb: bool
    max_size: int
    use_mt_emb: bool = False
    embed_runs: int | None = None  # longest run embedded as one text (None: all)
    ngram_orders: tuple[int, ...] = (1, 2, 3, 4, 5)
    random_sample: int = 48  # sentences of the other side used as the random baseline
    seed: int = 0
    # filled by prepare(); only the arrays of the signals in use are meaningful
    x: SparseRows = field(default_factory=lambda: EMPTY_ROWS)  # MT n-gram vectors of source sentences
    y: SparseRows = field(default_factory=lambda: EMPTY_ROWS)  # target n-gram vectors
    x_norm2: np.ndarray = field(default_factory=_empty)  # (A, n) squared norms of runs
    y_norm2: np.ndarray = field(default_factory=_empty)
    ex: np.ndarray = field(default_factory=_empty)  # (A, n, d) embeddings of runs
    ey: np.ndarray = field(default_factory=_empty)
    src_len: np.ndarray = field(default_factory=_empty)  # (A, n) characters
    tgt_len: np.ndarray = field(default_factory=_empty)
    len_ratio: float = 1.0
    src_junk1: np.ndarray = field(default_factory=_empty)  # (n,) 1.0 for junk lines
    tgt_junk1: np.ndarray = field(default_factory=_empty)
    src_junk: np.ndarray = field(default_factory=_empty)  # (A, n) junk lines in runs
    tgt_junk: np.ndarray = field(default_factory=_empty)
    stats: dict[str, float] = field(default_factory=dict)
    mt_base_x: np.ndarray = field(default_factory=_empty)  # (A, n) mean cosine with random target sentences
    mt_base_y: np.ndarray = field(default_factory=_empty)
    emb_base_x: np.ndarray = field(default_factory=_empty)
    emb_base_y: np.ndarray = field(default_factory=_empty)
    emt: np.ndarray = field(default_factory=_empty)  # (A, n, d) embeddings of MT runs
    embmt_base_x: np.ndarray = field(default_factory=_empty)
    embmt_base_y: np.ndarray = field(default_factory=_empty)
    # filled by embedding_dots(band): sentence-pair embedding dots in the band, and the norms of run sums
    mt_hashes: list[RowHashes] | None = None  # n-gram hashes of MT and target, until the edge clauses use them
    emb_dots: dict[str, BandDots] = field(default_factory=dict)  # "emb": src . tgt, "embmt": MT . tgt
    run_norms: dict[str, np.ndarray] = field(default_factory=dict)  # "src", "tgt", "mt": (A, n)

    @classmethod
    def for_method(
        cls, src: Sequence[str], tgt: Sequence[str], src_mt: Sequence[str] | None, method: str, p: AlignerParams
    ) -> PairFeatures:
        """The prepared features a method uses: hybrid all, mt the n-grams, embed the embeddings."""
        return cls(
            src, tgt, src_mt if method != "embed" else None,
            use_mt=method in ("hybrid", "mt"),
            use_emb=method in ("hybrid", "embed"),
            use_mt_emb=method == "hybrid",
            max_size=p.max_group,
            embed_runs=p.embed_runs,
            ngram_orders=p.ngram_orders,
            random_sample=p.random_sample,
        ).prepare()

    def prepare(self) -> PairFeatures:
        n, m, A = len(self.src), len(self.tgt), self.max_size
        rng = np.random.default_rng(self.seed)
        sl = np.array([len(s) for s in self.src], dtype=np.float64)
        tl = np.array([len(s) for s in self.tgt], dtype=np.float64)
        self.src_len = _run_sums(sl, A)
        self.tgt_len = _run_sums(tl, A)
        self.len_ratio = float((tl.sum() + 1.0) / (sl.sum() + 1.0))
        self.src_junk1 = np.array([is_junk(t) for t in self.src], dtype=np.float64)
        self.tgt_junk1 = np.array([is_junk(t) for t in self.tgt], dtype=np.float64)
        self.src_junk = _run_sums(self.src_junk1, A)
        self.tgt_junk = _run_sums(self.tgt_junk1, A)
        samp_y = np.sort(rng.choice(m, size=min(m, self.random_sample), replace=False)) if m else np.zeros(0, int)
        samp_x = np.sort(rng.choice(n, size=min(n, self.random_sample), replace=False)) if n else np.zeros(0, int)
        if self.use_mt:
            assert self.src_mt is not None
            hashed = [row_hashes(self.src_mt, self.ngram_orders), row_hashes(self.tgt, self.ngram_orders)]
            self.x, self.y = featurise([self.src_mt, self.tgt], self.ngram_orders, hashed=hashed)
            if tuple(self.ngram_orders) == ORDERS:  # what the edge clauses' space (clauses.py) hashes again
                self.mt_hashes = hashed
            self.x_norm2 = _run_sqnorms(self_dots(self.x, A), A)
            self.y_norm2 = _run_sqnorms(self_dots(self.y, A), A)
            self.mt_base_x, self.mt_base_y, self.stats["mt_sd"] = self._mt_baselines(samp_x, samp_y)
        if self.use_emb:
            self.ex = emb_mod.overlap_embeddings(self.src, A, self.embed_runs)
            self.ey = emb_mod.overlap_embeddings(self.tgt, A, self.embed_runs)
            self.emb_base_x, self.emb_base_y, self.stats["emb_sd"] = self._emb_baselines(self.ex, self.ey, samp_x, samp_y)
        if self.use_mt_emb:
            assert self.src_mt is not None
            self.emt = emb_mod.overlap_embeddings(self.src_mt, A, self.embed_runs)
            if not self.use_emb:
                self.ey = emb_mod.overlap_embeddings(self.tgt, A, self.embed_runs)
            self.embmt_base_x, self.embmt_base_y, self.stats["embmt_sd"] = self._emb_baselines(self.emt, self.ey, samp_x, samp_y)
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
            base_x[a - 1] = np.median(cos, axis=1) if cos.shape[1] else 0.0
            run_dy = _run_sums_2d(dy, a)
            cos = run_dy / np.sqrt(np.maximum(self.y_norm2[a - 1], 1e-9))[:, None] / np.sqrt(nx1[samp_x])[None, :]
            base_y[a - 1] = np.median(cos, axis=1) if cos.shape[1] else 0.0
        # spread of random 1-1 cosines
        c1 = dx / np.sqrt(nx1)[:, None] / np.sqrt(ny1[samp_y])[None, :]
        return base_x, base_y, max(robust_spread(c1, 0.05), 0.01)

    def _emb_baselines(self, ex: np.ndarray, ey: np.ndarray, samp_x: np.ndarray, samp_y: np.ndarray):
        sy = ey[0, samp_y]  # (S, d)
        sx = ex[0, samp_x]
        base_x = _median_cosines(ex, sy)
        base_y = _median_cosines(ey, sx)
        c1 = ex[0] @ sy.T
        return base_x, base_y, max(robust_spread(c1, 0.02), 0.005)

    # --- features of candidate groups ------------------------------------------
    def pair_dots(self, band: Band) -> BandDots:
        """x_k . y_l for every sentence pair any group in the band can contain."""
        return BandDots.compute(self.x, self.y, band, self.max_size)

    def embedding_dots(self, band: Band) -> None:
        """Sentence-pair embedding dots in the band, so that group cosines need no run vectors.

        With runs embedded as the normalised sum of their sentences
        (`embed_runs` 1), a group's cosine and its neighbours' are sums of
        sentence-pair dots over a rectangle divided by the norms of the run
        sums, as for the n-gram vectors: a few numbers per candidate where
        gathering two 384-dimensional run vectors per candidate was most of
        the embedding signal's cost. Runs embedded as one text (`embed_runs`
        above 1) keep the vectors.
        """
        if self.embed_runs != 1 or not (self.use_emb or self.use_mt_emb):
            return
        sides = {"tgt": self.ey}
        if self.use_emb:
            sides["src"] = self.ex
        if self.use_mt_emb:
            sides["mt"] = self.emt
        self.run_norms = {k: run_sum_norms(v[0], self.max_size) for k, v in sides.items() if v.size}
        for name, side in (("emb", "src"), ("embmt", "mt")):
            if side in self.run_norms:
                self.emb_dots[name] = BandDots.dense(sides[side][0], self.ey[0], band, self.max_size)

    def group_features(
        self, a: int, b: int, i: np.ndarray, j: np.ndarray, dots: BandDots | None, edges: EdgeClauses | None = None,
        wanted: frozenset[str] | None = None,
    ) -> dict[str, np.ndarray]:
        """Normalised features of groups src[i-a:i] x tgt[j-b:j] (arrays of node ends).

        `wanted` names the similarity features to compute (None: all the
        method has); "len" and "junk" always come.

        `*_nb` features are Bertalign's neighbour margin: the group's cosine
        minus the mean cosine of each side with the sentences just outside
        the other side. A group that should have included its neighbour, or
        that stole one, loses; this is what decides 1-1 against 1-2.
        """
        n, m = len(self.src), len(self.tgt)
        out: dict[str, np.ndarray] = {}
        has_r = i < n  # source sentence i follows the group
        has_l = i - a - 1 >= 0
        has_rt = j < m
        has_lt = j - b - 1 >= 0

        def want(name: str) -> bool:
            return wanted is None or name in wanted

        if self.use_mt and (want("mt") or want("mt_nb")):
            assert dots is not None, "MT features need the band's dot products (pair_dots)"
            r = dots.rect(i, j, a, b)
            nx = np.maximum(self.x_norm2[a - 1, i - 1], 1e-9)
            ny = np.maximum(self.y_norm2[b - 1, j - 1], 1e-9)
            cos = r / np.sqrt(nx * ny)
            base = 0.5 * (self.mt_base_x[a - 1, i - 1] + self.mt_base_y[b - 1, j - 1])
            out["mt"] = (cos - base) / self.stats["mt_sd"]
        if self.use_mt and want("mt_nb"):
            assert dots is not None
            y1 = np.maximum(self.y_norm2[0], 1e-9)
            x1 = np.maximum(self.x_norm2[0], 1e-9)
            jr = np.minimum(j, m - 1)
            jl = np.maximum(j - b - 1, 0)
            c_rt = dots.rect(i, jr + 1, a, 1) / np.sqrt(nx * y1[jr])
            c_lt = dots.rect(i, jl + 1, a, 1) / np.sqrt(nx * y1[jl])
            ir = np.minimum(i, n - 1)
            il = np.maximum(i - a - 1, 0)
            c_rs = dots.rect(ir + 1, j, 1, b) / np.sqrt(ny * x1[ir])
            c_ls = dots.rect(il + 1, j, 1, b) / np.sqrt(ny * x1[il])
            out["mt_nb"] = (cos - 0.5 * (_avg2(c_lt, has_lt, c_rt, has_rt) + _avg2(c_ls, has_l, c_rs, has_r))) / self.stats["mt_sd"]
        nbmask = (has_l, has_r, has_lt, has_rt)
        for name, on, vx, side, bx, by in (("emb", self.use_emb, self.ex, "src", self.emb_base_x, self.emb_base_y),
                                           ("embmt", self.use_mt_emb, self.emt, "mt", self.embmt_base_x,
                                            self.embmt_base_y)):
            if not on or not (want(name) or want(name + "_nb")):
                continue
            nb = nbmask if want(name + "_nb") else None
            if name in self.emb_dots:
                _emb_feature_banded(out, name, self.emb_dots[name], self.run_norms[side], self.run_norms["tgt"], bx, by,
                                    self.stats[name + "_sd"], a, b, i, j, nb)
            else:
                _emb_feature(out, name, vx, self.ey, bx, by, self.stats[name + "_sd"], a, b, i, j, nb)
        if edges is not None and want("cl"):
            out["cl"] = edges.leak(a, b, i, j)
        ls = self.src_len[a - 1, i - 1] * self.len_ratio
        lt = self.tgt_len[b - 1, j - 1]
        out["len"] = np.abs(np.log((lt + 20.0) / (ls + 20.0)))
        out["junk"] = self.src_junk[a - 1, i - 1] + self.tgt_junk[b - 1, j - 1]
        return out


def _emb_feature(out, name, ex, ey, base_x, base_y, sd, a, b, i, j, nbmask):
    """Adds `name`, and `name_nb` unless `nbmask` is None, for one pair of run-embedding arrays."""
    n, m = ex.shape[1], ey.shape[1]
    gx = ex[a - 1, i - 1]
    gy = ey[b - 1, j - 1]
    cos = np.einsum("kd,kd->k", gx, gy)
    base = 0.5 * (base_x[a - 1, i - 1] + base_y[b - 1, j - 1])
    out[name] = (cos - base) / sd
    if nbmask is None:
        return
    has_l, has_r, has_lt, has_rt = nbmask
    e1x, e1y = ex[0], ey[0]
    c_rt = np.einsum("kd,kd->k", gx, e1y[np.minimum(j, m - 1)])
    c_lt = np.einsum("kd,kd->k", gx, e1y[np.maximum(j - b - 1, 0)])
    c_rs = np.einsum("kd,kd->k", gy, e1x[np.minimum(i, n - 1)])
    c_ls = np.einsum("kd,kd->k", gy, e1x[np.maximum(i - a - 1, 0)])
    nb = 0.5 * (_avg2(c_lt, has_lt, c_rt, has_rt, base) + _avg2(c_ls, has_l, c_rs, has_r, base))
    out[name + "_nb"] = (cos - nb) / sd


def _median_cosines(runs: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """(A, n): median cosine of each run with the sampled sentences (one matrix product, not an einsum loop)."""
    A, n, d = runs.shape
    if not len(sample):
        return np.zeros((A, n))
    return np.median((runs.reshape(A * n, d) @ sample.T).reshape(A, n, len(sample)), axis=2)


def _emb_feature_banded(out, name, dots, norm_x, norm_y, base_x, base_y, sd, a, b, i, j, nbmask):
    """`_emb_feature` from the band's sentence-pair dots and the run sums' norms (`embedding_dots`)."""
    n, m = norm_x.shape[1], norm_y.shape[1]
    nx = np.maximum(norm_x[a - 1, i - 1], 1e-9)
    ny = np.maximum(norm_y[b - 1, j - 1], 1e-9)
    cos = dots.rect(i, j, a, b) / (nx * ny)
    base = 0.5 * (base_x[a - 1, i - 1] + base_y[b - 1, j - 1])
    out[name] = (cos - base) / sd
    if nbmask is None:
        return
    has_l, has_r, has_lt, has_rt = nbmask
    # a neighbour is one sentence (a unit vector): its dot with the run is the rectangle over one row or column
    jr, jl = np.minimum(j, m - 1), np.maximum(j - b - 1, 0)
    ir, il = np.minimum(i, n - 1), np.maximum(i - a - 1, 0)
    c_rt = dots.rect(i, jr + 1, a, 1) / nx
    c_lt = dots.rect(i, jl + 1, a, 1) / nx
    c_rs = dots.rect(ir + 1, j, 1, b) / ny
    c_ls = dots.rect(il + 1, j, 1, b) / ny
    nb = 0.5 * (_avg2(c_lt, has_lt, c_rt, has_rt, base) + _avg2(c_ls, has_l, c_rs, has_r, base))
    out[name + "_nb"] = (cos - nb) / sd


def _avg2(u: np.ndarray, has_u: np.ndarray, v: np.ndarray, has_v: np.ndarray, default=0.0) -> np.ndarray:
    """Mean of the neighbours that exist (`default` where neither does)."""
    cnt = has_u.astype(float) + has_v.astype(float)
    tot = np.where(has_u, u, 0.0) + np.where(has_v, v, 0.0)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), default)


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
