"""Alignment quality, side by side: method x dataset x strict/lax P/R/F1.

    python benchmarks/alignment_quality.py            # everything
    python benchmarks/alignment_quality.py --quick    # Text+Berg only

Datasets (all development data, read from ../shared/data; see align_data.py):
  textberg-dev        German-French, gold alignment, Google MT of the German
  flores-<mt>         synthetic bg-en documents (20-60 sentences, English side
                      merged/split/dropped/inserted), MT from each of 4 systems
  comparable-<mt>     synthetic comparable documents for the miner (pairs only)
  pairing             document pairing: translations must come out "parallel",
                      comparable documents "comparable"

Bars (issue 3): textberg-dev hybrid strict F1 >= 0.92, lax >= 0.98;
flores hybrid strict F1 >= 0.95 with each MT. Embeddings are cached in
.cache/align-embeddings.sqlite (or $XLALIGN_EMBED_CACHE): the first run
embeds ~7,000 sentences (minutes on 2 cores), later runs take seconds.
Ends with one JSON line of the key numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from xlalign.align import DocText, align_sentences, embeddings, pair_documents
from xlalign.align.scoring import score_documents

import align_data as AD

BARS = {"textberg-dev": (0.92, 0.98), "flores": (0.95, None)}


def run_docs(docs, method: str, mode: str = "parallel"):
    hyps, t0 = [], time.perf_counter()
    for d in docs:
        r = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method, mode=mode)
        hyps.append([(g.src, g.tgt) for g in r.groups])
    return score_documents([d.gold for d in docs], hyps), time.perf_counter() - t0


def pair_level(docs, method: str):
    """Miner precision/recall/F1 over (source, target) sentence pairs."""
    tp = fp = fn = 0
    for d in docs:
        r = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method, mode="comparable")
        hyp = {(i, j) for g in r.groups for i in g.src for j in g.tgt}
        gold = {(i, j) for s, t in d.gold for i in s for j in t}
        tp, fp, fn = tp + len(hyp & gold), fp + len(hyp - gold), fn + len(gold - hyp)
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Text+Berg only")
    ap.add_argument("--seed", type=int, default=13, help="seed of the synthetic FLORES documents")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    key: dict[str, float | int] = {}
    print(f"{'dataset':28} {'method':7} {'P strict':>8} {'R strict':>8} {'F1 strict':>9} "
          f"{'P lax':>7} {'R lax':>7} {'F1 lax':>7} {'docs':>5} {'secs':>6}  bar")
    def show(name, method, s, n_docs, secs, bar=""):
        print(f"{name:28} {method:7} {s.precision_strict:8.4f} {s.recall_strict:8.4f} {s.f1_strict:9.4f} "
              f"{s.precision_lax:7.4f} {s.recall_lax:7.4f} {s.f1_lax:7.4f} {n_docs:5d} {secs:6.1f}  {bar}", flush=True)
    tb = AD.textberg()
    for method in ("hybrid", "mt", "embed"):
        s, secs = run_docs([tb], method)
        bar = ""
        if method == "hybrid":
            ok = s.f1_strict >= BARS["textberg-dev"][0] and s.f1_lax >= BARS["textberg-dev"][1]
            bar = f"strict>={BARS['textberg-dev'][0]} lax>={BARS['textberg-dev'][1]}: {'PASS' if ok else 'FAIL'}"
        show("textberg-dev (de-fr)", method, s, 1, secs, bar)
        key[f"textberg_{method}_strict"] = round(s.f1_strict, 4)
        key[f"textberg_{method}_lax"] = round(s.f1_lax, 4)
    if not args.quick:
        for mt in AD.FLORES_MT:
            docs = AD.flores_docs(mt, seed=args.seed)
            for method in ("hybrid", "mt") + (("embed",) if mt == AD.FLORES_MT[0] else ()):
                s, secs = run_docs(docs, method)
                bar = ""
                if method == "hybrid":
                    bar = f"strict>={BARS['flores'][0]}: {'PASS' if s.f1_strict >= BARS['flores'][0] else 'FAIL'}"
                name = f"flores-{mt}" if method != "embed" else "flores (no MT)"
                show(name, method, s, len(docs), secs, bar)
                key[f"flores_{mt}_{method}_strict" if method != "embed" else "flores_embed_strict"] = round(s.f1_strict, 4)
        print()
        print(f"{'comparable (miner, pairs)':28} {'method':7} {'P':>8} {'R':>8} {'F1':>9}")
        cdocs = AD.comparable_docs("google")
        for method in ("hybrid", "mt", "embed"):
            p, r, f = pair_level(cdocs, method)
            print(f"{'comparable-google':28} {method:7} {p:8.4f} {r:8.4f} {f:9.4f}", flush=True)
            key[f"miner_{method}_p"], key[f"miner_{method}_r"] = round(p, 4), round(r, 4)
        # pairing: 8 translated documents and 8 comparable ones, against all targets; the
        # comparable ones come from FLORES lines the translated ones do not use
        fdocs = AD.flores_docs("google", seed=args.seed)[:8]
        first_free = sum(len(d.src) for d in fdocs)
        pdocs = AD.comparable_docs("google", seed=5, n_docs=8, first_line=first_free, filler_from=first_free + 330)
        sources = [DocText(f"t{k}", "bg", d.src, d.mt) for k, d in enumerate(fdocs)]
        sources += [DocText(f"c{k}", "bg", d.src, None) for k, d in enumerate(pdocs)]
        targets = [DocText(f"t{k}", "en", d.tgt, None) for k, d in enumerate(fdocs)]
        targets += [DocText(f"c{k}", "en", d.tgt, None) for k, d in enumerate(pdocs)]
        t0 = time.perf_counter()
        decisions = pair_documents(sources, targets)
        secs = time.perf_counter() - t0
        right = {(s.key, s.key) for s in sources}
        found = {(d.src_key, d.tgt_key): d.mode for d in decisions}
        mode_ok = sum(1 for k in right if found.get(k) == ("parallel" if k[0].startswith("t") else "comparable"))
        extra = sum(1 for k in found if k not in right)
        print()
        print(f"pairing: {len(right)} true document pairs, {mode_ok} found with the right mode, "
              f"{len(right & set(found))} found, {extra} extra pairs proposed, {secs:.1f}s")
        key["pairing_right_mode"], key["pairing_extra"] = mode_ok, extra
    print(json.dumps({"benchmark": "alignment_quality", **key}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
