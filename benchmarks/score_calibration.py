"""What a score means: precision and recall of the kept groups at each --min-score, per method, on the dev sets.

    python benchmarks/score_calibration.py           # Text+Berg dev and FLORES bg-en (Google MT)
    python benchmarks/score_calibration.py --quick   # Text+Berg dev only

For every aligned group (sentences on both sides) of every document, the
score the aligner stored and whether the group is right: strict (exactly a
gold group, Vecalign's definition) and lax (it shares a sentence pair with a
gold group: the sentences do say the same thing, the boundary may be off).
For each threshold t it prints, per method and dataset, the strict and lax
precision of the groups with score >= t and the share of the strictly right
groups they keep. Datasets: Text+Berg dev and FLORES bg-en documents
(parallel mode, every sentence placed) and FLORES comparable documents (the
miner, where a threshold matters most: most sentences have no partner).

The score says how sure the aligner is that the sentences translate each
other, not that the group's boundaries are right, so the recommended
--min-score of a method is the lowest t (in steps of 0.05) whose *lax*
precision is >= TARGET on every dataset; strict precision is printed beside
it. That is the number `align/confidence.py` keeps in RECOMMENDED_MIN_SCORE;
the last line is the mapping as JSON, with the measured precision and recall
at it: re-run after changing the aligner and paste it there (the README's
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


Row = tuple[float, float, float, float, int]  # threshold, strict precision, lax precision, recall, kept


def table(rows: list[tuple[float, bool, bool]]) -> list[Row]:
    """(threshold, strict precision, lax precision, recall of the strictly right groups, groups kept)."""
    right = sum(1 for _, s, _ in rows if s) or 1
    out = []
    for t in THRESHOLDS:
        kept = [r for r in rows if r[0] >= t]
        good = sum(1 for _, s, _ in kept if s)
        lax = sum(1 for _, _, x in kept if x)
        out.append((t, good / len(kept) if kept else 1.0, lax / len(kept) if kept else 1.0, good / right, len(kept)))
    return out


def recommend(tables: list[list[Row]]) -> float:
    """Lowest threshold whose lax precision reaches TARGET on every dataset (else the most precise one)."""
    for k, t in enumerate(THRESHOLDS):
        if all(tb[k][2] >= TARGET for tb in tables):
            return t
    return max(THRESHOLDS, key=lambda t: min(tb[THRESHOLDS.index(t)][2] for tb in tables))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Text+Berg dev only")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    datasets = {"textberg-dev": ([AD.textberg()], "parallel")}
    if not args.quick:
        datasets["flores-google"] = (AD.flores_docs("google"), "parallel")
        datasets["comparable-google"] = (AD.comparable_docs("google"), "comparable")
    recommended: dict[str, float] = {}
    measured: dict[str, dict[str, list[float]]] = {}
    for method in METHODS:
        tables = []
        for name, (docs, mode) in datasets.items():
            rows = scored_groups(docs, method, mode)
            tb = table(rows)
            tables.append(tb)
            right = [s for s, ok, _ in rows if ok]
            wrong = [s for s, ok, _ in rows if not ok]
            med = lambda v: sorted(v)[len(v) // 2] if v else float("nan")
            print(f"\n{method} on {name}: {len(rows)} aligned groups, {len(right)} right (strict); median score "
                  f"right {med(right):.3f}, wrong {med(wrong):.3f}; share of right groups >= 0.5: "
                  f"{sum(1 for s in right if s >= 0.5) / max(1, len(right)):.3f}")
            print(f"  {'min-score':>9} {'P strict':>9} {'P lax':>7} {'recall':>7} {'kept':>6}")
            for t, p, lax, r, n in tb:
                print(f"  {t:9.2f} {p:9.4f} {lax:7.4f} {r:7.4f} {n:6d}")
        recommended[method] = best = recommend(tables)
        k = THRESHOLDS.index(best)
        measured[method] = {name: [round(tb[k][1], 3), round(tb[k][2], 3), round(tb[k][3], 3)]
                            for name, tb in zip(datasets, tables)}
        print(f"=> recommended --min-score for {method}: {best:.2f} "
              f"(lax precision >= {TARGET} on {', '.join(datasets)})", flush=True)
    print(json.dumps({"benchmark": "score_calibration", "target_lax_precision": TARGET,
                      "RECOMMENDED_MIN_SCORE": recommended,
                      "CALIBRATION (dataset: strict P, lax P, recall at it)": measured}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
