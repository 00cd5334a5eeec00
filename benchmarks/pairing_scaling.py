"""Document pairing against a growing database: all targets examined vs the closest k.

    python benchmarks/pairing_scaling.py [--sources 8] [--distractors 24 96 384]

Sources: the first FLORES bg-en dev documents of align_data.flores_docs
(Bulgarian with Google MT); targets: their English sides plus D unrelated
English documents of 20-40 sentences drawn from FLORES lines no source uses.
For each D, pair_documents runs twice on the same inputs, examining every
target with sentence-level evidence ("all") and only each source's
`PAIR_CANDIDATES` closest targets by document cosine ("top-k"), with
embeddings already cached (a pipeline run keeps them in its file cache).
Printed side by side: seconds, true pairs found with the right mode, extra
pairs, and the speed-up. Ends with one JSON line.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time

from xlalign.align import DocText, PairingParams, embeddings, pair_documents

import align_data as AD


def distractors(count: int, first_line: int, seed: int = 3) -> list[list[str]]:
    en = AD.read_lines(AD.FLORES / "flores-dev.en")[first_line:]
    rng = random.Random(seed)
    return [rng.sample(en, rng.randint(20, 40)) for _ in range(count)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=int, default=8)
    ap.add_argument("--distractors", type=int, nargs="+", default=[24, 96, 384])
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    docs = AD.flores_docs("google")[: args.sources]
    used = sum(len(d.src) for d in docs)
    sources = [DocText(f"s{k}", "bg", d.src, d.mt) for k, d in enumerate(docs)]
    true_targets = [DocText(f"s{k}", "en", d.tgt, None) for k, d in enumerate(docs)]
    pool = distractors(max(args.distractors), used)
    # embed everything once, so that both runs measure pairing alone
    top_k = PairingParams().candidates
    pair_documents(sources, true_targets + [DocText(f"d{i}", "en", t, None) for i, t in enumerate(pool)])
    print(f"{args.sources} sources; targets = {args.sources} true + D unrelated; top-k = {top_k}")
    print(f"{'D':>5} {'targets':>8} {'all s':>8} {'top-k s':>8} {'speed-up':>9} {'right (all/top-k)':>18} "
          f"{'extra (all/top-k)':>18}")
    rows = []
    for d in args.distractors:
        targets = true_targets + [DocText(f"d{i}", "en", t, None) for i, t in enumerate(pool[:d])]
        result = {}
        for label, k in (("all", None), ("top-k", top_k)):
            t0 = time.perf_counter()
            decisions = pair_documents(sources, targets, params=PairingParams(candidates=k))
            secs = time.perf_counter() - t0
            found = {(x.src_key, x.tgt_key): x.mode for x in decisions}
            right = sum(1 for s in sources if found.get((s.key, s.key)) == "parallel")
            extra = sum(1 for pair in found if pair[0] != pair[1])
            result[label] = (secs, right, extra)
        (ta, ra, ea), (tk, rk, ek) = result["all"], result["top-k"]
        print(f"{d:5d} {len(targets):8d} {ta:8.2f} {tk:8.2f} {ta / tk:8.1f}x {ra:>8d}/{rk:<9d} {ea:>8d}/{ek:<9d}",
              flush=True)
        rows.append({"distractors": d, "targets": len(targets), "all_s": round(ta, 3), "topk_s": round(tk, 3),
                     "right_all": ra, "right_topk": rk, "extra_all": ea, "extra_topk": ek})
    print(json.dumps({"benchmark": "pairing_scaling", "sources": args.sources, "k": top_k,
                      "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
