"""What a score means: precision and recall of the kept groups at each --min-score, per method, on the dev sets.

    python benchmarks/score_calibration.py           # Text+Berg dev and FLORES bg-en (Google MT)
    python benchmarks/score_calibration.py --quick   # Text+Berg dev only

For every aligned group (sentences on both sides) of every document, the
score the aligner stored and whether the group is right (strict: exactly a
gold group, Vecalign's definition; lax: it shares a sentence pair with one).
For each threshold t it prints, per method and dataset, the precision of the
groups with score >= t and the share of the right groups they keep (recall
among aligned groups). The recommended --min-score of a method is the lowest
t (in steps of 0.05) whose strict precision is >= TARGET on every dataset:
the number `align/confidence.py` keeps in RECOMMENDED_MIN_SCORE. The last line
is that mapping as JSON; re-run after changing the aligner and paste it there
(the README's Scores table is written from the same output).

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

TARGET = 0.95
THRESHOLDS = [round(0.05 * k, 2) for k in range(0, 20)]
METHODS = ("hybrid", "mt", "embed")


def scored_groups(docs, method: str) -> list[tuple[float, bool, bool]]:
    """(score, right strictly, right laxly) of every aligned group the method makes on the documents."""
    out = []
    for d in docs:
        gold = {(tuple(s), tuple(t)) for s, t in d.gold}
        gold_pairs = {(i, j) for s, t in d.gold for i in s for j in t}
        result = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method)
        for g in result.groups:
            if g.src and g.tgt and g.score is not None:
                lax = any((i, j) in gold_pairs for i in g.src for j in g.tgt)
                out.append((g.score, (g.src, g.tgt) in gold, lax))
    return out


def table(rows: list[tuple[float, bool, bool]]) -> list[tuple[float, float, float, int]]:
    """(threshold, strict precision, recall of the right groups, groups kept) per threshold."""
    right = sum(1 for _, s, _ in rows if s) or 1
    out = []
    for t in THRESHOLDS:
        kept = [r for r in rows if r[0] >= t]
        good = sum(1 for _, s, _ in kept if s)
        out.append((t, good / len(kept) if kept else 1.0, good / right, len(kept)))
    return out


def recommend(tables: list[list[tuple[float, float, float, int]]]) -> float:
    """Lowest threshold whose precision reaches TARGET on every dataset (else the most precise one)."""
    for k, t in enumerate(THRESHOLDS):
        if all(tb[k][1] >= TARGET for tb in tables):
            return t
    return max(THRESHOLDS, key=lambda t: min(tb[THRESHOLDS.index(t)][1] for tb in tables))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Text+Berg dev only")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    datasets = {"textberg-dev": [AD.textberg()]}
    if not args.quick:
        datasets["flores-google"] = AD.flores_docs("google")
    recommended: dict[str, float] = {}
    for method in METHODS:
        tables = []
        for name, docs in datasets.items():
            rows = scored_groups(docs, method)
            tb = table(rows)
            tables.append(tb)
            right = [s for s, ok, _ in rows if ok]
            wrong = [s for s, ok, _ in rows if not ok]
            med = lambda v: sorted(v)[len(v) // 2] if v else float("nan")  # noqa: E731
            print(f"\n{method} on {name}: {len(rows)} aligned groups, {len(right)} right (strict); median score "
                  f"right {med(right):.3f}, wrong {med(wrong):.3f}; share of right groups >= 0.5: "
                  f"{sum(1 for s in right if s >= 0.5) / max(1, len(right)):.3f}")
            print(f"  {'min-score':>9} {'precision':>9} {'recall':>7} {'kept':>6}")
            for t, p, r, n in tb:
                if t >= 0.2:
                    print(f"  {t:9.2f} {p:9.4f} {r:7.4f} {n:6d}")
        recommended[method] = recommend(tables)
        print(f"=> recommended --min-score for {method}: {recommended[method]:.2f} "
              f"(strict precision >= {TARGET} on {', '.join(datasets)})", flush=True)
    print(json.dumps({"benchmark": "score_calibration", "target_precision": TARGET,
                      "RECOMMENDED_MIN_SCORE": recommended}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
