"""Strict and lax precision/recall/F1 of sentence alignments (Vecalign's scorer).

Definitions, as in Vecalign's `score.py` (after Sennrich & Volk 2011), so
that numbers are comparable with published ones:

* precision is over all hypothesis groups, insertions and deletions included;
* recall is over gold groups with sentences on both sides (and is computed
  as the precision of gold against the hypothesis, both without 0-1/1-0);
* strict: the group appears exactly in the other alignment;
  lax: it shares at least one (source, target) sentence pair with one;
* counts are summed over all documents before P, R and F1 are computed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Alignment = tuple[Sequence[int], Sequence[int]]


@dataclass(frozen=True)
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def _counts(gold: Iterable[Alignment], test: Iterable[Alignment]) -> tuple[int, int, int, int]:
    """(tp_strict, fp_strict, tp_lax, fp_lax) of `test` groups against `gold`."""
    gold_set = {(tuple(x), tuple(y)) for x, y in gold if len(x) or len(y)}
    test_set = {(tuple(x), tuple(y)) for x, y in test if len(x) or len(y)}
    linked: dict[int, set[int]] = defaultdict(set)
    for gx, gy in gold_set:
        for i in gx:
            linked[i].update(gy)
    tps = fps = tpl = fpl = 0
    for tx, ty in test_set:
        if (tx, ty) in gold_set:
            tps += 1
            tpl += 1
            continue
        fps += 1
        targets: set[int] = set()
        for i in tx:
            targets |= linked.get(i, set())
        if targets.intersection(ty):
            tpl += 1
        else:
            fpl += 1
    return tps, fps, tpl, fpl


def _div(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_documents(gold_docs: Sequence[Sequence[Alignment]], test_docs: Sequence[Sequence[Alignment]]) -> Scores:
    """Scores summed over documents (gold_docs[k] goes with test_docs[k])."""
    if len(gold_docs) != len(test_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(test_docs)} hypotheses")
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in zip(gold_docs, test_docs):
        for k, v in enumerate(_counts(gold, test)):
            p[k] += v
        both_gold = [(x, y) for x, y in gold if len(x) and len(y)]
        both_test = [(x, y) for x, y in test if len(x) and len(y)]
        for k, v in enumerate(_counts(both_test, both_gold)):
            r[k] += v
    ps, pl = _div(p[0], p[0] + p[1]), _div(p[2], p[2] + p[3])
    rs, rl = _div(r[0], r[0] + r[1]), _div(r[2], r[2] + r[3])
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))


def score(gold: Sequence[Alignment], test: Sequence[Alignment]) -> Scores:
    """Scores of one document."""
    return score_documents([gold], [test])
