"""Does the aligner stay linear? Time and peak memory per sentence as documents grow.

    python benchmarks/alignment_scaling.py                          # Bible 001 -> 002 -> 006, hybrid and embed
    python benchmarks/alignment_scaling.py --bible 001,002          # 5k and 10k sentences only
    python benchmarks/alignment_scaling.py --flores --base 100      # synthetic FLORES, 1x / 4x / 16x

Bible (../shared/data/bible-en-zh): `NNN` has the first 5,000 / 10,000 / 30,000 English verses'
sentences against the Chinese, each a prefix of the next, with real MT. For each size and method:

  warm ms/sent    wall time of align_sentences with embeddings cached (best of 2), per sentence
                  (source + target): n-gram features, band search, candidate features, DP
  sent/s          sentences per second for that
  cold sent/s     the same including embedding every distinct input line (source, target, MT)
                  cold, at the rate measured by embedding a sample of this document's lines without
                  any cache (embedding cost per line does not depend on document length)
  overlaps sent/s what it would be if every run of 1-4 consecutive sentences were embedded as its
                  own text (Vecalign's and Bertalign's "overlaps"), at the same measured rate per character
  peak KiB/sent   tracemalloc peak during the alignment, per sentence
  x smallest      warm and cold time per sentence, and peak memory per sentence, relative to the
                  smallest document (bar: <= 1.3 each)
  hybrid / embed  warm hybrid time over warm embed time on the same document (bar: <= 2)

Documents whose embeddings are not cached are embedded on the first (untimed) run: 006 embeds about
90,000 lines, hours on 2 cores. Ends with one JSON line of the key numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc

from xlalign.align import align_sentences, embeddings
from xlalign.align.scoring import score

import align_data as AD


def build(base: int, copies: int, seed: int):
    """Source = base Bulgarian sentences repeated; target = English with fresh edits per copy."""
    bg = AD.read_lines(AD.FLORES / "flores-dev.bg")[:base]
    en = AD.read_lines(AD.FLORES / "flores-dev.en")
    mt = AD.read_lines(AD.FLORES / "flores-dev.google.en")[:base]
    rng = random.Random(seed)
    src, tgt, src_mt, gold = [], [], [], []
    for _ in range(copies):
        off_s = len(src)
        for k in range(base):
            r = rng.random()
            if r < 0.03:  # insertion from elsewhere in FLORES
                gold.append(((), (len(tgt),)))
                tgt.append(en[rng.randrange(base, len(en))])
            r = rng.random()
            if r < 0.03:
                gold.append(((off_s + k,), ()))
            elif r < 0.08 and (parts := AD._split_sentence(en[k])):
                gold.append(((off_s + k,), (len(tgt), len(tgt) + 1)))
                tgt.extend(parts)
            else:
                gold.append(((off_s + k,), (len(tgt),)))
                tgt.append(en[k])
        src.extend(bg)
        src_mt.extend(mt)
    return src, tgt, src_mt, gold


def bible_doc(name: str):
    d = AD.bible(name)
    return d.src, d.tgt, d.mt, d.gold


def cold_rate(texts: list[str], sample: int = 160, seed: int = 0) -> float:
    """Seconds per character of embedding these texts with no cache at all (a random sample of them)."""
    rng = random.Random(seed)
    pick = rng.sample(texts, min(sample, len(texts)))
    embeddings.set_disk_cache(None)
    embeddings.clear_memory_cache()
    t0 = time.perf_counter()
    embeddings.embed(pick)
    secs = time.perf_counter() - t0
    embeddings.clear_memory_cache()
    return secs / max(1, sum(len(t) for t in pick))


def overlap_chars(lines: list[str], runs: int = 4) -> int:
    return sum(len(" ".join(lines[i : i + a])) for a in range(1, runs + 1) for i in range(len(lines) - a + 1))


def timed(src, tgt, src_mt, method: str):
    align_sentences(src, tgt, src_mt=src_mt if method != "embed" else None, method=method)  # fills the cache
    best, r = float("inf"), None
    for _ in range(2):
        t0 = time.perf_counter()
        r = align_sentences(src, tgt, src_mt=src_mt if method != "embed" else None, method=method)
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    align_sentences(src, tgt, src_mt=src_mt if method != "embed" else None, method=method)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bible", default="001,002,006", help="Bible documents, smallest first")
    ap.add_argument("--methods", default="hybrid,embed")
    ap.add_argument("--flores", action="store_true", help="synthetic FLORES documents instead (--base, --scales)")
    ap.add_argument("--base", type=int, default=100, help="with --flores: sentences in the 1x document")
    ap.add_argument("--scales", default="1,4,16", help="with --flores")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    cache = os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite")
    methods = args.methods.split(",")
    if args.flores:
        docs = {f"{s}x": build(args.base, s, seed=100 + s) for s in (int(v) for v in args.scales.split(","))}
    else:
        docs = {name: bible_doc(name) for name in args.bible.split(",")}
    first = next(iter(docs.values()))
    spc = cold_rate(sorted(set(first[0]) | set(first[1]) | set(first[2])))
    print(f"cold embedding rate, measured on a sample of the first document: {spc * 1e6:.0f} us per character")
    embeddings.set_disk_cache(cache)
    print(f"{'doc':>5} {'method':7} {'src':>6} {'tgt':>6} {'warm ms/sent':>12} {'sent/s':>7} {'cold sent/s':>11} "
          f"{'overlaps sent/s':>15} {'peak KiB/sent':>13} {'x smallest (warm, cold, mem)':>29} {'strict F1':>9}")
    rows: list[dict] = []
    warm_secs: dict[tuple[str, str], float] = {}
    for name, (src, tgt, src_mt, gold) in docs.items():
        for method in methods:
            secs, peak, r = timed(src, tgt, src_mt, method)
            warm_secs[name, method] = secs
            n = len(src) + len(tgt)
            lines = set(src) | set(tgt) | (set(src_mt) if method == "hybrid" else set())
            cold = secs + spc * sum(len(t) for t in lines)
            over = secs + spc * (overlap_chars(src) + overlap_chars(tgt) + (overlap_chars(src_mt) if method == "hybrid" else 0))
            row = {"doc": name, "method": method, "sentences": n, "warm_s_per_sent": secs / n, "cold_s_per_sent": cold / n,
                   "overlap_s_per_sent": over / n, "peak_kib_per_sent": peak / 1024 / n,
                   "f1_strict": round(score(gold, [(g.src, g.tgt) for g in r.groups]).f1_strict, 4)}
            base = next(x for x in rows + [row] if x["method"] == method)
            rel = [row[k] / base[k] for k in ("warm_s_per_sent", "cold_s_per_sent", "peak_kib_per_sent")]
            row["ratios"] = [round(v, 3) for v in rel]
            rows.append(row)
            print(f"{name:>5} {method:7} {len(src):6d} {len(tgt):6d} {secs / n * 1000:12.2f} {n / secs:7.0f} {n / cold:11.1f} "
                  f"{n / over:15.1f} {peak / 1024 / n:13.1f} {rel[0]:9.2f} {rel[1]:9.2f} {rel[2]:9.2f} "
                  f"{row['f1_strict']:9.4f}", flush=True)
    worst = {k: max(r["ratios"][i] for r in rows) for i, k in enumerate(("warm", "cold", "memory"))}
    verdict = ("one document: nothing to compare" if len(docs) < 2
               else f"bar <= 1.3: {'PASS' if max(worst.values()) <= 1.3 else 'FAIL'}")
    print("per sentence, worst / smallest: " + ", ".join(f"{k} {v:.2f}" for k, v in worst.items()) + f" ({verdict})")
    ratios = {}
    if "hybrid" in methods and "embed" in methods:
        for name in docs:
            ratios[name] = warm_secs[name, "hybrid"] / warm_secs[name, "embed"]
            print(f"{name}: warm hybrid / warm embed {ratios[name]:.2f} (bar <= 2: {'PASS' if ratios[name] <= 2 else 'FAIL'})")
    print(json.dumps({"benchmark": "alignment_scaling", "worst_ratio": worst, "hybrid_over_embed": ratios,
                      "embed_us_per_char": round(spc * 1e6, 1),
                      "rows": [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
