"""Edge clauses: does a group's first or last clause belong next door?

Where a translator cut sentences at other places than the author ("A. B,
C." against "A B." + "C."), splitting into 1-1 groups looks almost as good
as the right 2-2 group when whole sentences are compared, because the
clause that crosses the boundary is a small part of either sentence. Compared
on its own, that clause matches the sentence across the boundary better than
the sentence inside the group. So for every candidate group we compare four
clauses with their two candidate partners, using the MT's character n-grams:

* the first clause of the group's first target sentence, with the source
  sentence just before the group and with the group's first source sentence;
* the last clause of its last target sentence, with the source sentence just
  after the group and with its last source sentence;
* the same two on the source side (clauses of the MT against target sentences).

The feature is minus the sum of the positive differences ("leak"): zero for a
group whose edges are its own, negative when an edge clause belongs to a
neighbour, and it is what lets the DP prefer the merged group there. On
Text+Berg dev it moved hybrid strict F1 from 0.917 to 0.923 (and each half of
the document, and FLORES, up as well; benchmarks/tune_aligner.py).

A clause is the text before the first (after the last) break: a sentence
inside the sentence (". ", "; ", ": ", "! ", "? "), else a comma; a break
must leave `min_clause` characters on both sides (see `edge_clauses`).
Cosines are only computed inside the DP's band, so the cost stays linear in
document length.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .band import Band, BandDots
from .ngrams import RowHashes, featurise, row_sqnorms

_STRONG = re.compile(r"(?<=[.;:!?])\s+(?=\S)")
_COMMA = re.compile(r"(?<=,)\s+(?=\S)")


def edge_clauses(sentence: str, min_clause: int) -> tuple[str, str] | None:
    """(first clause, last clause) of a sentence, or None when it has only one.

    Only the strongest kind of break present counts: when a sentence's only
    full stops sit within `min_clause` of an end ("Leiter Ch. Evans"), they are
    abbreviations or a trailing fragment, and cutting at a comma instead would
    make up a structure the sentence does not have (on Text+Berg dev falling
    back to commas there cost 0.4 points of strict F1).
    """
    text = sentence.strip()
    for pattern in (_STRONG, _COMMA):
        breaks = [m.start() for m in pattern.finditer(text)]
        if breaks:
            cuts = [c for c in breaks if min_clause <= c <= len(text) - min_clause]
            return (text[: cuts[0]].rstrip(), text[cuts[-1]:].strip()) if cuts else None
    return None


def _rows(texts: Sequence[str], min_clause: int) -> tuple[list[str], list[str], np.ndarray]:
    found = [edge_clauses(t, min_clause) for t in texts]
    heads = [c[0] if c else "" for c in found]
    tails = [c[1] if c else "" for c in found]
    return heads, tails, np.array([c is not None for c in found])


@dataclass
class EdgeClauses:
    """Band-limited cosines of edge clauses with the neighbouring sentences of the other side."""

    head_t: BandDots  # MT sentence k . first clause of target sentence l
    tail_t: BandDots
    head_s: BandDots  # first clause of MT sentence k . target sentence l
    tail_s: BandDots
    norms: dict[str, np.ndarray]
    has_t: np.ndarray  # (m,) target sentence has edge clauses
    has_s: np.ndarray  # (n,)

    @staticmethod
    def compute(src_mt: Sequence[str], tgt: Sequence[str], band: Band, max_size: int,
                min_clause: int, hashed: list[RowHashes] | None = None) -> EdgeClauses:
        """`hashed`: ngrams.row_hashes of src_mt and tgt, where the main MT signal computed them already."""
        heads_t, tails_t, has_t = _rows(tgt, min_clause)
        heads_s, tails_s, has_s = _rows(src_mt, min_clause)
        # a space of their own: adding the clauses to the sentences' idf would change the main MT signal
        x, y, ht, tt, hs, ts = featurise([list(src_mt), list(tgt), heads_t, tails_t, heads_s, tails_s], hashed=hashed)
        norms = {k: np.sqrt(np.maximum(row_sqnorms(v), 1e-9)) for k, v in
                 (("x", x), ("y", y), ("ht", ht), ("tt", tt), ("hs", hs), ("ts", ts))}
        return EdgeClauses(
            BandDots.compute(x, ht, band, max_size), BandDots.compute(x, tt, band, max_size),
            BandDots.compute(hs, y, band, max_size), BandDots.compute(ts, y, band, max_size),
            norms, has_t, has_s,
        )

    def _cos(self, dots: BandDots, a: str, b: str, k: np.ndarray, l: np.ndarray) -> np.ndarray:
        return dots.get(k, l) / (self.norms[a][k] * self.norms[b][l])

    def leak(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Minus how much better the edge clauses of groups src[i-a:i] x tgt[j-b:j] fit outside them."""
        n, m = len(self.has_s), len(self.has_t)
        i_first, i_last, j_first, j_last = i - a, i - 1, j - b, j - 1
        i_before, i_after = np.maximum(i_first - 1, 0), np.minimum(i, n - 1)
        j_before, j_after = np.maximum(j_first - 1, 0), np.minimum(j, m - 1)
        parts = (
            (i_first >= 1) & self.has_t[j_first],
            self._cos(self.head_t, "x", "ht", i_before, j_first) - self._cos(self.head_t, "x", "ht", i_first, j_first),
            (i < n) & self.has_t[j_last],
            self._cos(self.tail_t, "x", "tt", i_after, j_last) - self._cos(self.tail_t, "x", "tt", i_last, j_last),
            (j_first >= 1) & self.has_s[i_first],
            self._cos(self.head_s, "hs", "y", i_first, j_before) - self._cos(self.head_s, "hs", "y", i_first, j_first),
            (j < m) & self.has_s[i_last],
            self._cos(self.tail_s, "ts", "y", i_last, j_after) - self._cos(self.tail_s, "ts", "y", i_last, j_last),
        )
        total = np.zeros(len(i))
        for ok, diff in zip(parts[::2], parts[1::2]):
            total += np.where(ok, np.maximum(diff, 0.0), 0.0)
        return -total
