"""Character n-gram vectors: the MT signal.

Why vectors and not chrF itself: the aligner scores thousands of candidate
groups (a few source sentences against a few target sentences). chrF's
clipped counts (`min`) must be recomputed for every concatenation, but a dot
product is bilinear, so the similarity of any two groups follows from the
dot products of their sentences. We therefore score MT against target with
the cosine of sublinear tf-idf weighted character n-gram vectors (n-grams of
several lengths pooled in one space, idf from the document pair itself). On
Text+Berg dev this separates matching from random pairs at least as well as
chrF (see benchmarks/alignment_quality.py), and it is what makes the banded
dynamic programme cheap.

n-grams are hashed to 64-bit integers with numpy (a polynomial rolling hash
over code points), so featurising a document is a handful of vector
operations instead of a Python loop over every n-gram.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_SPACES = re.compile(r"\s+")
# CJK ideographs, kana, full-width forms and CJK punctuation: scripts written without spaces between words
_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio)


def normalise(text: str) -> str:
    """Lower-case, NFKC, one space between tokens, no space before punctuation, none between CJK characters.

    Tokenised corpora (Text+Berg puts spaces around punctuation) and MT
    output (does not) must produce the same n-grams for the same words; so
    must word-segmented Chinese MT (the Bible set's `起初 ， 上帝 创造`) and
    Chinese as it is written (`起初神创造天地。`).
    """
    text = _CJK_GAP.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+([,.;:!?)\]»'’])", r"\1", text)
    text = re.sub(r"([(\[«'’])\s+", r"\1", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class SparseRows:
    """Rows of sparse vectors in CSR layout (ids sorted and unique per row)."""

    indptr: np.ndarray  # (n+1,) int64
    ids: np.ndarray  # (nnz,) int64 column ids
    vals: np.ndarray  # (nnz,) float32 weights

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    def row(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.indptr[k], self.indptr[k + 1]
        return self.ids[a:b], self.vals[a:b]


ORDERS: tuple[int, ...] = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class RowHashes:
    """The character n-gram hashes of a list of texts: hash k belongs to text `rows[k]` (`row_hashes`)."""

    rows: np.ndarray  # (N,) int64
    hashes: np.ndarray  # (N,) uint64
    n: int  # texts


def row_hashes(texts: Sequence[str], orders: Sequence[int] = ORDERS) -> RowHashes:
    """The n-gram hashes of all texts at once: what `featurise` weighs.

    A polynomial rolling hash over each text padded with a space on either
    side, computed over the texts joined, keeping the windows that lie inside
    one text: the same hashes as text by text, without a numpy pass per text
    and order.
    """
    padded = [" " + normalise(t) + " " for t in texts]
    lengths = np.array([len(t) for t in padded], dtype=np.int64)
    cps = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    text_of = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    ends = np.cumsum(lengths)[text_of]  # the end of each position's text
    rows, hashes = [], []
    with np.errstate(over="ignore"):
        for n in orders:
            count = len(cps) - n + 1
            if count <= 0:
                continue
            h = np.full(count, np.uint64(n), dtype=np.uint64)
            for t in range(n):
                h = h * _MULT + cps[t : t + count]
            inside = np.arange(count) + n <= ends[:count]
            rows.append(text_of[:count][inside])
            hashes.append((h ^ (h >> np.uint64(29)))[inside])
    if not rows:
        return RowHashes(np.zeros(0, np.int64), np.zeros(0, np.uint64), len(padded))
    return RowHashes(np.concatenate(rows), np.concatenate(hashes), len(padded))


def featurise(
    sides: Sequence[Sequence[str]], orders: Sequence[int] = ORDERS,
    hashed: Sequence[RowHashes | None] | None = None,
) -> list[SparseRows]:
    """tf-idf character n-gram vectors for several lists of texts in one space.

    Vectors are *not* length-normalised: sums of rows must stay meaningful
    (the vector of a concatenation is the sum of its sentences' vectors).
    idf is computed over all rows of all sides (the document pair), so words
    frequent in this document (articles, the subject's name) weigh less.
    `hashed[k]`, where given, is `row_hashes(sides[k], orders)` already computed.
    """
    parts_rows, parts_h = [], []
    n_total = 0
    for k, texts in enumerate(sides):
        known = hashed[k] if hashed is not None and k < len(hashed) else None
        hr = known if known is not None else row_hashes(texts, orders)
        parts_rows.append(hr.rows + n_total)
        parts_h.append(hr.hashes)
        n_total += hr.n
    all_h = np.concatenate(parts_h) if parts_h else np.zeros(0, dtype=np.uint64)
    row_of = np.concatenate(parts_rows) if parts_rows else np.zeros(0, dtype=np.int64)
    vocab, inv = np.unique(all_h, return_inverse=True)
    # unique (row, id) pairs with counts
    key = row_of.astype(np.int64) * max(len(vocab), 1) + inv.astype(np.int64)
    ukey, counts = np.unique(key, return_counts=True)
    urow = ukey // max(len(vocab), 1)
    uid = ukey % max(len(vocab), 1)
    df = np.bincount(uid, minlength=len(vocab)).astype(np.float64)
    n_rows = max(n_total, 1)
    idf = np.log((1.0 + n_rows) / (1.0 + df)) + 1.0
    w = ((1.0 + np.log(counts)) * idf[uid]).astype(np.float32)
    out: list[SparseRows] = []
    start = 0
    for texts in sides:
        stop = start + len(texts)
        lo, hi = np.searchsorted(urow, [start, stop])
        indptr = np.searchsorted(urow[lo:hi], np.arange(start, stop + 1)).astype(np.int64)
        out.append(SparseRows(indptr, uid[lo:hi].astype(np.int64), w[lo:hi]))
        start = stop
    return out


def block_dots(x: SparseRows, y: SparseRows, rows: range, cols: range) -> np.ndarray:
    """Dense (len(rows), len(cols)) matrix of dot products between row blocks.

    Exact: only n-grams that occur on both sides of the block can contribute,
    so both blocks are projected onto the ids they share and BLAS multiplies
    two small dense matrices. The shared ids are found with a bitmap over the
    id range (ids are indices into the pair's vocabulary), which is linear in
    the block's entries where a sorted intersection is not. Cost is bounded
    by the block size, so callers that walk a band in fixed-size blocks stay
    linear in document length.
    """
    out = np.zeros((len(rows), len(cols)), dtype=np.float32)
    if len(rows) == 0 or len(cols) == 0:
        return out
    xa, xb = x.indptr[rows.start], x.indptr[rows.stop]
    ya, yb = y.indptr[cols.start], y.indptr[cols.stop]
    xids, yids = x.ids[xa:xb], y.ids[ya:yb]
    if not len(xids) or not len(yids):
        return out
    size = int(max(xids.max(), yids.max())) + 1
    shared = np.zeros(size, dtype=bool)
    shared[yids] = True
    in_x = np.zeros(size, dtype=bool)
    in_x[xids] = True
    shared &= in_x
    xhit, yhit = shared[xids], shared[yids]
    if not xhit.any():
        return out
    vocab, xcol = np.unique(xids[xhit], return_inverse=True)  # the shared ids, sorted: the small matrices' columns
    ycol = np.searchsorted(vocab, yids[yhit])
    xrow = np.repeat(np.arange(len(rows)), np.diff(x.indptr[rows.start : rows.stop + 1]))
    yrow = np.repeat(np.arange(len(cols)), np.diff(y.indptr[cols.start : cols.stop + 1]))
    xm = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    ym = np.zeros((len(cols), len(vocab)), dtype=np.float32)
    xm[xrow[xhit], xcol] = x.vals[xa:xb][xhit]
    ym[yrow[yhit], ycol] = y.vals[ya:yb][yhit]
    return xm @ ym.T


def row_sqnorms(x: SparseRows) -> np.ndarray:
    """(n,) squared norm of each row (0 for an empty one)."""
    sq = np.zeros(x.n)
    np.add.at(sq, np.repeat(np.arange(x.n), np.diff(x.indptr)), x.vals.astype(np.float64) ** 2)
    return sq


def self_dots(x: SparseRows, max_offset: int) -> np.ndarray:
    """(max_offset, n) array: entry [d, k] = x_k · x_{k+d} (0 beyond the end).

    The squared norm of a concatenation of consecutive rows k..k+a-1 is the
    sum of these for all pairs inside it.
    """
    n = x.n
    out = np.zeros((max_offset, n), dtype=np.float64)
    for start in range(0, n, 32):  # small blocks: the cost of a block grows with its size squared
        stop = min(n, start + 32)
        cols = range(start, min(n, stop + max_offset - 1))
        d = block_dots(x, x, range(start, stop), cols)
        for off in range(max_offset):
            k = np.arange(start, stop)
            ok = k + off < cols.stop
            out[off, k[ok]] = d[k[ok] - start, k[ok] + off - start]
    return out


def hashed_dense(x: SparseRows, dim: int = 256, seed: int = 13) -> np.ndarray:
    """Signed feature hashing to `dim` dense dimensions, L2-normalised rows.

    An approximate, cheap stand-in for the sparse vectors where only a rough
    similarity is needed: the coarse levels of the coarse-to-fine search.
    """
    rng_mult = np.uint64(0xD6E8FEB86659FD93 + seed)
    with np.errstate(over="ignore"):
        h = x.ids.astype(np.uint64) * rng_mult
    bucket = (h >> np.uint64(20)) % np.uint64(dim)
    sign = np.where((h >> np.uint64(7)) & np.uint64(1), 1.0, -1.0).astype(np.float32)
    out = np.zeros((x.n, dim), dtype=np.float32)
    rows = np.repeat(np.arange(x.n), np.diff(x.indptr))
    np.add.at(out, (rows, bucket.astype(np.int64)), sign * x.vals)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-6)
