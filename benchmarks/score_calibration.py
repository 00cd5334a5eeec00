"""What a score means: how often right and wrong groups pass each --min-score, per method, on the dev sets.

    python benchmarks/score_calibration.py           # Text+Berg dev, FLORES bg-en documents, FLORES comparable
    python benchmarks/score_calibration.py --quick   # Text+Berg dev only

Two kinds of groups per dataset and method:
- from true document pairs (the dev sets with their gold): the score the aligner
  stored and whether the group is right, strict (exactly a gold group, Vecalign's
  definition) or lax (it shares a sentence pair with one: the sentences say the
  same thing, a boundary may be off);
- from *unrelated* document pairs (each document's source against another
  document's target; Text+Berg: the first half of the German against the second
  half of the French; the comparable documents are disjoint FLORES blocks), where
  every group is wrong: what a wrongly paired article,
  or text that only looks parallel, scores.
For each threshold t: strict and lax precision of the kept true-pair groups, the
share of the strictly right groups kept (recall), the share of the unrelated-pair
groups kept (false+), and the precision of a collection holding both (P mixed:
laxly right true-pair groups over all kept groups, as in a database where every
other document pair is a wrong pairing, a pessimistic case). The recommended
--min-score of a method is the lowest t (steps of 0.05) with P mixed >= TARGET
on every dataset: `align/confidence.py` keeps it in
RECOMMENDED_MIN_SCORE with the measured numbers in CALIBRATION. The last line is
that as JSON; re-run after changing the aligner and paste it there (the README's
Scores table is generated from it).

Data: ../shared/data (see align_data.py); embeddings cached in
.cache/align-embeddings.sqlite (or $XLALIGN_EMBED_CACHE).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from xlalign.align import align_sentences, embeddings

import align_data as AD

TARGET = 0.98
THRESHOLDS = [round(0.05 * k, 2) for k in range(20)]
METHODS = ("hybrid", "mt", "embed")


def scored_groups(docs, method: str, mode: str = "parallel") -> list[tuple[float, bool, bool]]:
    """(score, right strictly, right laxly) of every aligned group the method makes on the documents."""
    out = []
    for d in docs:
        gold = {(tuple(s), tuple(t)) for s, t in d.gold}
        gold_pairs = {(i, j) for s, t in d.gold for i in s for j in t}
        result = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method, mode=mode)
        for g in result.groups:
            if g.src and g.tgt and g.score is not None:
                lax = any((i, j) in gold_pairs for i in g.src for j in g.tgt)
                out.append((g.score, (g.src, g.tgt) in gold, lax))
    return out


Row = tuple[float, float, float, float, float, float, int]  # t, P strict, P lax, recall, false+, P mixed, kept


def unrelated(docs: list[AD.Doc], name: str) -> list[AD.Doc]:
    """Document pairs that do not translate each other, from the same data (gold: nothing)."""
    if len(docs) == 1:
        d = docs[0]
        half_src, half_tgt = len(d.src) // 2, len(d.tgt) // 2
        mt = d.mt[:half_src] if d.mt else None
        return [AD.Doc(f"{name}-unrelated", d.src[:half_src], d.tgt[half_tgt:], mt, [])]
    return [AD.Doc(f"{a.name}-x-{b.name}", a.src, b.tgt, a.mt, []) for a, b in zip(docs, docs[1:] + docs[:1])]


def table(rows: list[tuple[float, bool, bool]], false_scores: list[float]) -> list[Row]:
    right = sum(1 for _, s, _ in rows if s) or 1
    out = []
    for t in THRESHOLDS:
        kept = [r for r in rows if r[0] >= t]
        good = sum(1 for _, s, _ in kept if s)
        lax = sum(1 for _, _, x in kept if x)
        false_kept = sum(1 for v in false_scores if v >= t)
        fp = false_kept / len(false_scores) if false_scores else 0.0
        mixed = lax / (len(kept) + false_kept) if kept or false_kept else 1.0
        out.append((t, good / len(kept) if kept else 1.0, lax / len(kept) if kept else 1.0, good / right, fp,
                    mixed, len(kept)))
    return out


def recommend(tables: list[list[Row]]) -> tuple[float, list[int]]:
    """Lowest threshold whose mixed precision reaches TARGET on every dataset where some threshold does.

    Also returns the indices of the datasets where none does (no --min-score makes them that clean).
    """
    unreachable = [i for i, tb in enumerate(tables) if not any(row[5] >= TARGET for row in tb)]
    for k, t in enumerate(THRESHOLDS):
        if all(tb[k][5] >= TARGET for i, tb in enumerate(tables) if i not in unreachable):
            return t, unreachable
    return THRESHOLDS[-1], unreachable


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Text+Berg dev only")
    ap.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS), help="default: all three")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    datasets = {"textberg-dev": ([AD.textberg()], "parallel")}
    if not args.quick:
        datasets["flores-google"] = (AD.flores_docs("google"), "parallel")
        # disjoint blocks with fillers from lines no source uses, so "unrelated" pairs really share nothing
        datasets["comparable-google"] = (AD.comparable_docs("google", n_docs=10, filler_from=600), "comparable")
    recommended: dict[str, float] = {}
    measured: dict[str, dict[str, list[float]]] = {}  # dataset: [P mixed, P strict, recall]
    for method in args.methods:
        tables = []
        for name, (docs, mode) in datasets.items():
            rows = scored_groups(docs, method, mode)
            false_scores = [score for score, _, _ in scored_groups(unrelated(docs, name), method, mode)]
            tb = table(rows, false_scores)
            tables.append(tb)
            right = [s for s, ok, _ in rows if ok]
            wrong = [s for s, ok, _ in rows if not ok]
            med = lambda v: sorted(v)[len(v) // 2] if v else float("nan")
            print(f"\n{method} on {name}: {len(rows)} aligned groups, {len(right)} right (strict); median score "
                  f"right {med(right):.3f}, wrong {med(wrong):.3f}; share of right groups >= 0.5: "
                  f"{sum(1 for s in right if s >= 0.5) / max(1, len(right)):.3f}; {len(false_scores)} groups between "
                  f"unrelated documents, median {med(false_scores):.3f}")
            print(f"  {'min-score':>9} {'P strict':>9} {'P lax':>7} {'recall':>7} {'false+':>7} {'P mixed':>8} {'kept':>6}")
            for t, p, lax, r, fp, mixed, n in tb:
                print(f"  {t:9.2f} {p:9.4f} {lax:7.4f} {r:7.4f} {fp:7.4f} {mixed:8.4f} {n:6d}")
        best, unreachable = recommend(tables)
        recommended[method] = best
        k = THRESHOLDS.index(best)
        names = list(datasets)
        for i in unreachable:
            print(f"   ({names[i]}: no --min-score reaches P mixed {TARGET}; best {max(r[5] for r in tables[i]):.3f})")
        measured[method] = {name: [round(tb[k][5], 3), round(tb[k][1], 3), round(tb[k][3], 3)]
                            for name, tb in zip(datasets, tables)}
        reached = [n for i, n in enumerate(names) if i not in unreachable]
        print(f"=> recommended --min-score for {method}: {best:.2f} "
              f"(mixed precision >= {TARGET} on {', '.join(reached)})", flush=True)
    print(json.dumps({"benchmark": "score_calibration", "target_mixed_precision": TARGET,
                      "RECOMMENDED_MIN_SCORE": recommended,
                      "CALIBRATION": measured}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
