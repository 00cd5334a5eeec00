"""Does the aligner stay linear? Time and peak memory per sentence at 1x, 4x, 16x.

    python benchmarks/alignment_scaling.py [--base 100] [--method hybrid]

A base document pair is made from FLORES bg-en dev (Bulgarian source,
Google MT, English target with merges/splits/drops/insertions, see
align_data.py); the 4x and 16x documents repeat the same source text with
fresh random edits in every copy. For each size:

  align s/sent   wall time of align_sentences with embeddings already cached,
                 i.e. everything but the embedding model: n-gram features,
                 coarse-to-fine band search, candidate features, DP
  sent/s         sentences (source + target) per second for that
  +embed sent/s  the same with the cost of embedding every sentence cold,
                 measured on the 1x document (embedding is per sentence, so
                 its cost per sentence does not depend on document length)
  peak KiB/sent  tracemalloc peak during the alignment, per sentence
  x smallest     time per sentence relative to the 1x document (bar: <= 1.3)

Ends with one JSON line of the key numbers.
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=100, help="sentences in the 1x document")
    ap.add_argument("--method", default="hybrid", choices=["hybrid", "mt", "embed"])
    ap.add_argument("--scales", default="1,4,16")
    ap.add_argument("--no-cold-embed", action="store_true", help="skip timing the embedding model cold")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    cache = os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite")
    scales = [int(s) for s in args.scales.split(",")]
    docs = {s: build(args.base, s, seed=100 + s) for s in scales}

    embed_per_sent = 0.0
    if args.method != "mt" and not args.no_cold_embed:
        src, tgt, src_mt, _ = docs[scales[0]]
        texts = sorted(set(src) | set(tgt) | (set(src_mt) if args.method == "hybrid" else set()))
        embeddings.set_disk_cache(None)
        embeddings.clear_memory_cache()
        t0 = time.perf_counter()
        embeddings.embed(texts)
        embed_secs = time.perf_counter() - t0
        embed_per_sent = embed_secs / (len(src) + len(tgt))
        print(f"cold embedding of the {scales[0]}x document: {len(texts)} texts in {embed_secs:.1f}s "
              f"({len(texts) / embed_secs:.1f} texts/s, {embed_per_sent * 1000:.1f} ms per aligned sentence)")
    embeddings.set_disk_cache(cache)

    print(f"{'size':>5} {'src':>6} {'tgt':>6} {'align s/sent':>13} {'sent/s':>8} {'+embed sent/s':>14} "
          f"{'peak KiB/sent':>14} {'x smallest':>10} {'strict F1':>9}")
    rows = []
    for s in scales:
        src, tgt, src_mt, gold = docs[s]
        align_sentences(src, tgt, src_mt=src_mt, method=args.method)  # warm: embeddings into the cache
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            r = align_sentences(src, tgt, src_mt=src_mt, method=args.method)
            best = min(best, time.perf_counter() - t0)
        tracemalloc.start()
        align_sentences(src, tgt, src_mt=src_mt, method=args.method)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        n = len(src) + len(tgt)
        per = best / n
        rows.append({"scale": s, "sentences": n, "secs": round(best, 3), "s_per_sent": per,
                     "peak_kib_per_sent": peak / 1024 / n,
                     "f1_strict": round(score(gold, [(g.src, g.tgt) for g in r.groups]).f1_strict, 4)})
        rel = per / rows[0]["s_per_sent"]
        with_embed = 1.0 / (per + embed_per_sent) if embed_per_sent else float("nan")
        print(f"{s:>4}x {len(src):6d} {len(tgt):6d} {per * 1000:10.2f} ms {1 / per:8.0f} {with_embed:14.1f} "
              f"{peak / 1024 / n:14.1f} {rel:10.2f} {rows[-1]['f1_strict']:9.4f}", flush=True)
    worst = max(r["s_per_sent"] for r in rows) / rows[0]["s_per_sent"]
    mem = max(r["peak_kib_per_sent"] for r in rows) / rows[0]["peak_kib_per_sent"]
    print(f"time per sentence, worst / smallest: {worst:.2f} (bar <= 1.3: {'PASS' if worst <= 1.3 else 'FAIL'}); "
          f"peak memory per sentence, worst / smallest: {mem:.2f}")
    print(json.dumps({"benchmark": "alignment_scaling", "method": args.method, "base": args.base,
                      "time_ratio_worst": round(worst, 3), "memory_ratio_worst": round(mem, 3),
                      "embed_ms_per_sentence": round(embed_per_sent * 1000, 2),
                      "rows": [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
