"""Comparable-text miner: confident sentence pairs in any order, the rest unmatched.

For a rewrite or for related coverage there is no monotone path: sentences
are reordered, merged, or have no counterpart at all. The miner scores all
sentence pairs (documents are articles, tens of sentences), normalises the
scores against the document pair's own distribution, and keeps a pair only
when it stands out in two ways, as in bitext mining (Artetxe & Schwenk
2019): its similarity is far above that of unrelated pairs (absolute
z-score) and above each sentence's own nearest neighbours (margin), so a
sentence that is merely "about the same topic" as many others is not
matched. A source sentence may take a second target sentence, adjacent or
not, when it explains that sentence too and the two together match it
better than the first alone (one Bulgarian sentence condensing two English).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from xlalign.records import Group

from . import embeddings as emb_mod
from .confidence import confidence
from .lexical import anchor_z
from .ngrams import SparseRows, block_dots, featurise, row_sqnorms
from .params import MinerParams


def _zscore(c: np.ndarray, prior: tuple[float, float] | None, prior_weight: int) -> np.ndarray:
    """Standardise a similarity matrix by its own (mostly unrelated) pairs.

    Median and MAD rather than mean and sd: in a translation pair the true
    pairs are a large minority and would inflate the spread. A short pair of
    documents has too few pairs to estimate either (a 2 x 2 matrix has no
    "unrelated" majority at all), so both are shrunk towards `prior`, the
    values of unrelated pairs measured on FLORES bg-en dev, with the weight
    of `prior_weight` pairs: a 2 x 2 matrix is judged almost entirely
    by the prior, a 40 x 40 one almost entirely by itself.
    """
    med = float(np.median(c)) if c.size else 0.0
    mad = float(np.median(np.abs(c - med))) * 1.4826 if c.size else 0.0
    if prior is not None:
        w = prior_weight / (prior_weight + c.size)
        med = (1 - w) * med + w * prior[0]
        mad = (1 - w) * mad + w * prior[1]
    return (c - med) / max(mad, 1e-3)


def signals(method: str) -> list[str]:
    """Names of the similarity matrices a method uses (`similarity_matrices`, recorded in params)."""
    return sorted({"hybrid": ["emb", "embmt", "mt"], "embed": ["emb"], "mt": ["mt"]}[method])


def similarity_matrices(
    src: Sequence[str], tgt: Sequence[str], src_mt: Sequence[str] | None, method: str
) -> dict[str, np.ndarray]:
    """Raw cosine matrices (n x m) of the signals the method uses."""
    out: dict[str, np.ndarray] = {}
    names = signals(method)
    if names != ["emb"] and src_mt is None:
        raise ValueError(f"method {method!r} needs the MT of the source sentences")
    if "emb" in names:
        out["emb"] = emb_mod.embed(src) @ emb_mod.embed(tgt).T
    if "embmt" in names:
        out["embmt"] = emb_mod.embed(src_mt or []) @ emb_mod.embed(tgt).T
    if "mt" in names:
        x, y = featurise([src_mt or [], tgt])
        d = block_dots(x, y, range(len(src)), range(len(tgt))).astype(np.float64)
        out["mt"] = d / _norms(x)[:, None] / _norms(y)[None, :]
    return out


def _norms(x: SparseRows) -> np.ndarray:
    return np.sqrt(np.maximum(row_sqnorms(x), 1e-9))


def combine(zs: Sequence[np.ndarray]) -> np.ndarray:
    """One z-score from several, re-standardised for their correlation (Stouffer with covariance).

    The mean of k z-scores has a spread of 1 only when they are identical;
    for independent ones it is 1/sqrt(k), so a bar on the mean throws away
    what a second, independent signal adds (the MT n-grams next to the
    embeddings: on the seed rewrite the mean with a bar of 5 kept 1 pair of
    the 22 that the n-grams alone find). With the correlation R of the
    signals over the document pair's cells (clipped to [-3, 3], so that the
    few true pairs do not decide it), w = R^-1 1 and z = w.z / sqrt(w' R w):
    identical signals give their mean, independent ones their sum over
    sqrt(k), and the result is again in units of the pair's own spread.
    """
    if len(zs) == 1:
        return zs[0]
    stacked = np.stack(zs)
    flat = np.clip(stacked.reshape(len(zs), -1), -3.0, 3.0)
    if flat.shape[1] < 3:
        return stacked.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(flat)
    if not np.all(np.isfinite(corr)):
        return stacked.mean(axis=0)
    corr = corr + 1e-6 * np.eye(len(zs))
    w = np.linalg.solve(corr, np.ones(len(zs)))
    if np.any(w < 0):  # a signal that moves against the others: equal weights
        w = np.ones(len(zs))
    return np.tensordot(w, stacked, axes=1) / np.sqrt(float(w @ corr @ w))


def combined_z(mats: dict[str, np.ndarray], p: MinerParams, lexical: np.ndarray | None = None) -> np.ndarray:
    """The signals' z-scores combined (`combine`), plus the weighted lexical evidence."""
    z = combine([_zscore(m, p.prior(name), p.prior_weight) for name, m in sorted(mats.items())])
    if lexical is not None and p.lexical_weight:
        z = z + p.lexical_weight * lexical
    return z


def chance_level(n: int, m: int) -> float:
    """The z that the best of n x m unrelated pairs reaches by chance: sqrt(2 ln nm)."""
    return float(np.sqrt(2.0 * np.log(max(2, n * m))))


@dataclass(frozen=True)
class Bars:
    """The miner's bars for one n x m document pair (`thresholds`)."""

    k: int
    z_min: float
    margin_min: float
    z_min2: float  # a second target of the same source
    margin_min2: float


def thresholds(p: MinerParams, n: int, m: int, *, z_over_chance: float | None = None,
               margin_min: float | None = None, second: bool = True) -> Bars:
    """Chance level of the n x m pairs plus the parameters' offsets; pairing passes its stricter ones."""
    offset = p.z_over_chance if z_over_chance is None else z_over_chance
    z_min = max(chance_level(n, m) + offset, p.z_floor)
    mg = p.margin_min if margin_min is None else margin_min
    return Bars(int(p.k), z_min, mg, z_min + p.second_over_first if second else float("inf"), mg)


def margin(z: np.ndarray, k: int) -> np.ndarray:
    """z minus the mean of the k best scores of its row and of its column (halved each).

    A row or column shorter than k counts its missing neighbours as unrelated
    (z = 0), so that in a two-sentence document a pair is not compared mostly
    with itself.
    """
    n, m = z.shape
    k = max(1, k)
    row_knn = -np.sort(-z, axis=1)[:, : min(k, m)].sum(axis=1) / k
    col_knn = -np.sort(-z, axis=0)[: min(k, n), :].sum(axis=0) / k
    return z - 0.5 * (row_knn[:, None] + col_knn[None, :])


SecondOk = Callable[[int, int, int], bool]


def mine_pairs(z: np.ndarray, second_ok: SecondOk | None, p: Bars) -> list[tuple[int, tuple[int, ...], float]]:
    """Greedy selection of confident pairs from a z-score matrix, with the bars of `thresholds`.

    `second_ok(i, j1, j2)` says whether target j2 may join source i's pair
    (i, j1). Returns (source index, target indices, z) with one or two
    targets.
    """
    n, m = z.shape
    if n == 0 or m == 0:
        return []
    mg = margin(z, p.k)
    ok = (z >= p.z_min) & (mg >= p.margin_min)
    order = np.argsort(-z[ok], kind="stable")
    ii, jj = np.nonzero(ok)
    used_src: dict[int, list[int]] = {}
    used_tgt: set[int] = set()
    for k in order:
        i, j = int(ii[k]), int(jj[k])
        if i in used_src or j in used_tgt:
            continue
        used_src[i] = [j]
        used_tgt.add(j)
    # second targets: the unused target's best source is i, and it is confident on its own
    best_src = np.argmax(z, axis=0)
    for j in range(m):
        if j in used_tgt:
            continue
        i = int(best_src[j])
        if i not in used_src or len(used_src[i]) != 1:
            continue
        if z[i, j] < p.z_min2 or mg[i, j] < p.margin_min2:
            continue
        if second_ok is not None and not second_ok(i, used_src[i][0], j):
            continue
        used_src[i].append(j)
        used_tgt.add(j)
    return [(i, tuple(sorted(js)), float(max(z[i, j] for j in js))) for i, js in sorted(used_src.items())]


def pair_scores(src: Sequence[str], tgt: Sequence[str], src_mt: Sequence[str] | None, method: str,
                p: MinerParams) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(combined z matrix, raw similarity matrices) of one document pair: what mining and pairing judge."""
    mats = similarity_matrices(src, tgt, src_mt, method)
    lexical = anchor_z(src, tgt) if p.lexical_weight else None
    return combined_z(mats, p, lexical), mats


def mine(src: list[str], tgt: list[str], src_mt: list[str] | None, method: str, p: MinerParams) -> list[Group]:
    """Confident pairs as groups."""
    if not src or not tgt:
        return []
    z, mats = pair_scores(src, tgt, src_mt, method, p)
    second_ok = _closer_together(src, tgt, mats["emb"]) if "emb" in mats else None
    pairs = mine_pairs(z, second_ok, thresholds(p, len(src), len(tgt)))
    if p.max_group < 2:
        pairs = [(i, js[:1], s) for i, js, s in pairs]
    return [Group((i,), js, round(float(confidence(s)), 4)) for i, js, s in pairs]


def _closer_together(src: list[str], tgt: list[str], emb: np.ndarray) -> SecondOk:
    """A second target may join when the two targets together are closer to the source than the first alone."""
    es, et = emb_mod.embed(src), emb_mod.embed(tgt)

    def second_ok(i: int, j1: int, j2: int) -> bool:
        both = et[j1] + et[j2]
        both = both / max(float(np.linalg.norm(both)), 1e-9)
        return float(es[i] @ both) > float(emb[i, j1])

    return second_ok
