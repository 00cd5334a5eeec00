"""Re-tune the monotone aligner's weights on development data (how align/params.py was made).

    python benchmarks/tune_aligner.py                       # hybrid, 1500 steps, seed 0
    python benchmarks/tune_aligner.py --method embed --steps 500 --seed 3
    python benchmarks/tune_aligner.py --check               # only print the objective's parts

Features of every candidate group are computed once per document
(`align.parallel.candidates`, the aligner's own code); each step then only
re-scores and re-runs the DP, about 0.1 s for all documents together.

Search: a (1+1) evolution strategy. Each step changes 1-4 parameters
(weights multiplicatively, biases additively, step size halved after half of
the steps) and keeps the change when the objective does not fall.

Objective, all development data (../shared/data), never a test set:
  strict F1 + 0.1 x lax F1 on Text+Berg dev as one document,
  + 0.5 x the same on each half of it (cut at the gold group boundary nearest
    the middle; each half is normalised on its own, so a weight that only
    fits one document's quirks loses there),
  + 0.5 x the same on synthetic FLORES bg-en dev documents (seed 7; the
    quality benchmark uses seed 13).
Text+Berg dev is one 468-sentence yearbook article, so a weight that moves
one group changes F1 by 0.002, and a free search overfits it: run on one
half alone, this search gained 1-2 points there and lost 2-5 points on the
other half (0.903 -> 0.858 and 0.886; 0.906 -> 0.863 and 0.891, two seeds
each). Hence the halves in the objective, and hence the rule params.py
follows: a new feature or parameter goes in only when it raises the whole
document, both halves and FLORES together (bias_big and w_cl did; see
align/params.py), never for a gain on the whole document alone.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time

import numpy as np

from xlalign.align import embeddings
from xlalign.align import params as P
from xlalign.align.parallel import candidates, decode
from xlalign.align.scoring import score_documents
from xlalign.align.similarity import PairFeatures

import align_data as AD

WEIGHTS = ["w_mt", "w_mt_nb", "w_emb", "w_emb_nb", "w_embmt", "w_embmt_nb", "w_cl", "w_len", "w_junk",
           "skip", "kappa", "gamma"]
BIASES = ["bias_size", "bias_many", "bias_12", "bias_13", "bias_22", "bias_23", "bias_big"]


def split_in_halves(d: AD.Doc) -> tuple[AD.Doc, AD.Doc]:
    """Two documents, cut after the gold group that reaches the middle of the source."""
    k = cut_s = cut_t = 0
    for k, (s, t) in enumerate(d.gold, start=1):
        cut_s = s[-1] + 1 if s else cut_s
        cut_t = t[-1] + 1 if t else cut_t
        if cut_s >= len(d.src) // 2:
            break
    second = [(tuple(i - cut_s for i in s), tuple(j - cut_t for j in t)) for s, t in d.gold[k:]]
    return (AD.Doc(d.name + "-a", d.src[:cut_s], d.tgt[:cut_t], d.mt[:cut_s] if d.mt else None, d.gold[:k]),
            AD.Doc(d.name + "-b", d.src[cut_s:], d.tgt[cut_t:], d.mt[cut_s:] if d.mt else None, second))


def build(docs: list[AD.Doc], method: str) -> list:
    out = []
    for d in docs:
        settings = P.AlignerParams.for_method(method)
        out.append(candidates(PairFeatures.for_method(d.src, d.tgt, d.mt, method, settings), settings))
    return out


def scores(cands: list, docs: list[AD.Doc], p: P.Weights):
    hyps = []
    for c in cands:
        hyps.append([(tuple(range(s.i - s.a, s.i)), tuple(range(s.j - s.b, s.j))) for s in decode(c, p)])
    return score_documents([d.gold for d in docs], hyps)


def mutate(p: P.Weights, rng: random.Random, scale: float) -> P.Weights:
    q = p.as_dict()
    for k in rng.sample(WEIGHTS + BIASES, rng.randint(1, 4)):
        v = q.get(k) or 0.0
        if k in WEIGHTS:
            if v > 0 and rng.random() < 0.85:
                v *= float(np.exp(rng.gauss(0, 0.4 * scale)))
            else:  # switch a feature off, or on from zero
                v = 0.0 if v > 0 else abs(rng.gauss(0, scale)) * (10 if k == "w_len" else 1)
            if k == "gamma":
                v = min(v, 1.5)
        else:
            v += rng.gauss(0, scale)
        q[k] = round(float(v), 3)
    return P.Weights.from_mapping(q)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--method", choices=sorted(P.WEIGHTS), default="hybrid")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true", help="print the objective's parts for params.py and stop")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    tb = AD.textberg()
    halves = split_in_halves(tb)
    flores = AD.flores_docs("google", seed=7)
    t0 = time.perf_counter()
    parts = [("textberg-dev", [tb], 1.0), (halves[0].name, [halves[0]], 0.5), (halves[1].name, [halves[1]], 0.5),
             ("flores-dev seed 7", flores, 0.5)]
    parts = [(name, docs, build(docs, args.method), w) for name, docs, w in parts]
    print(f"features of all candidate groups: {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    def objective(p: P.Weights) -> float:
        return sum(w * (s.f1_strict + 0.1 * s.f1_lax) for s, w in ((scores(c, d, p), w) for _, d, c, w in parts))

    def report(label: str, p: P.Weights) -> None:
        cells = "  ".join(f"{name} {scores(c, d, p).f1_strict:.4f}" for name, d, c, _ in parts)
        print(f"{label:6} objective {objective(p):.5f}  strict F1: {cells}", flush=True)

    p = P.WEIGHTS[args.method]
    report("start", p)
    if args.check:
        return 0
    rng = random.Random(args.seed)
    best = objective(p)
    for step in range(args.steps):
        q = mutate(p, rng, 1.0 if step < args.steps // 2 else 0.5)
        v = objective(q)
        if v >= best:
            if v > best + 1e-9:
                print(f"step {step}: {v:.5f}", file=sys.stderr, flush=True)
            best, p = v, q
    report("end", p)
    print(json.dumps(p.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
