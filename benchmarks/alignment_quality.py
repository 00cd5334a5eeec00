"""Alignment quality on the three development sets, as one table.

    python benchmarks/alignment_quality.py            # the table, the peers, the bars, leave-one-set-out
    python benchmarks/alignment_quality.py --quick    # Text+Berg and FLORES only (seconds when cached)
    python benchmarks/alignment_quality.py --all-mt   # FLORES also with the three other MT systems
    python benchmarks/alignment_quality.py --miner    # also the miner and document pairing checks

Sets (development data only, read from ../shared/data; see align_data.py):
  textberg-dev   German -> French, one OCR'd yearbook chapter, gold alignment, Google MT of the German
  flores-dev     24 synthetic Bulgarian -> English documents (FLORES dev lines, English side merged,
                 split, dropped, inserted), Google MT
  bible-001      English -> Chinese, 5,000 / 6,301 sentences, verse gold, real MT of the English
                 (`001.en-mt.zh`); the published tools' own output on the same files is scored too

Scores: strict and lax precision, recall, F1 with the Vecalign scorer's definitions (align/scoring.py),
counts summed over a set's documents. Every method runs through `align_sentences`, as a user's
`xlalign align` does. The bars are issue 12's. Leave-one-set-out: every constant of AlignerParams
that was chosen on dev data is listed in TUNED with the values it was chosen from; for each, the
value is chosen on two sets and the third set's F1 reported against choosing on all three. With an
empty TUNED the check says which fitted values it does not cover.

Embeddings are cached in $XLALIGN_EMBED_CACHE (else .cache/align-embeddings.sqlite): the first run
embeds about 22,000 sentences (Bible 001 is most of them; about half an hour on 2 cores).
Ends with one JSON line of the key numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

from xlalign.align import AlignerParams, DocText, align_sentences, embeddings, pair_documents
from xlalign.align.scoring import Scores, score, score_documents

import align_data as AD

METHODS = ("hybrid", "mt", "embed")
SETS = ("textberg-dev", "flores-dev", "bible-001")
QUICK_SETS = ("textberg-dev", "flores-dev")
# (set, method) -> minimum strict F1 (issue 12)
BARS: dict[tuple[str, str], float] = {
    ("textberg-dev", "hybrid"): 0.92, ("textberg-dev", "embed"): 0.90,
    ("bible-001", "hybrid"): 0.93, ("bible-001", "embed"): 0.916,
    ("flores-dev", "hybrid"): 0.99, ("flores-dev", "embed"): 0.97,
}
LOO_MAX_LOSS = 0.01
# AlignerParams fields whose value this benchmark chooses on the dev sets, with the values it chooses from
# (leave_one_set_out re-runs the choice without each set).
TUNED: dict[str, tuple[object, ...]] = {}


def load(name: str, seed: int = 13, mt: str = "google") -> list[AD.Doc]:
    if name == "textberg-dev":
        return [AD.textberg()]
    if name.startswith("flores"):
        return AD.flores_docs(mt, seed=seed)
    if name == "bible-001":
        return [AD.bible("001")]
    raise ValueError(name)


@dataclass
class Run:
    scores: Scores
    secs: float


def run_docs(docs: list[AD.Doc], method: str, params: AlignerParams | None = None) -> Run:
    hyps, t0 = [], time.perf_counter()
    for d in docs:
        r = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method, params=params)
        hyps.append([(g.src, g.tgt) for g in r.groups])
    return Run(score_documents([d.gold for d in docs], hyps), time.perf_counter() - t0)


HEADER = (f"{'set':16} {'method':13} {'P strict':>8} {'R strict':>8} {'F1 strict':>9} "
          f"{'P lax':>7} {'R lax':>7} {'F1 lax':>7} {'docs':>5} {'secs':>7}")


def row(name: str, method: str, s: Scores, n_docs: int | str = "", secs: float | None = None) -> str:
    t = f"{secs:7.1f}" if secs is not None else f"{'':7}"
    return (f"{name:16} {method:13} {s.precision_strict:8.4f} {s.recall_strict:8.4f} {s.f1_strict:9.4f} "
            f"{s.precision_lax:7.4f} {s.recall_lax:7.4f} {s.f1_lax:7.4f} {n_docs!s:>5} {t}")


def leave_one_set_out(docs: dict[str, list[AD.Doc]], key: dict[str, float | int]) -> list[str]:
    """For each tuned constant and method: choose on two sets, report the third, against choosing on all."""
    lines = [f"leave-one-set-out (a set may lose at most {LOO_MAX_LOSS:.2f} strict F1 against choosing on all three):"]
    if not TUNED:
        lines.append("  TUNED is empty: this benchmark chooses no constant, so no set can lose to another's choice here.")
        lines.append("  Not covered: the monotone weights (align/params.py WEIGHTS) were fitted by benchmarks/tune_aligner.py")
        lines.append("  on Text+Berg dev and FLORES only; Bible 001 never took part, so its rows above are held-out")
        lines.append("  figures for them. A re-fit on each pair of sets is not run here: NOT CHECKED")
        key["loo_checked"] = 0
        return lines
    worst = 0.0
    for name, values in TUNED.items():
        for method in METHODS:
            f1 = {(v, s): run_docs(docs[s], method, AlignerParams.for_method(method, **{name: v})).scores.f1_strict
                  for v in values for s in docs}
            best_all = max(values, key=lambda v: sum(f1[v, s] for s in docs))
            for held in docs:
                others = [s for s in docs if s != held]
                best_two = max(values, key=lambda v: sum(f1[v, s] for s in others))
                loss = f1[best_all, held] - f1[best_two, held]
                worst = max(worst, loss)
                lines.append(f"  {name:16} {method:7} held out {held:13} chosen on the others {best_two!s:>6} -> "
                             f"{f1[best_two, held]:.4f}; on all three {best_all!s:>6} -> {f1[best_all, held]:.4f}"
                             f"  loss {loss:+.4f}")
    lines.append(f"  worst loss {worst:.4f}: {'PASS' if worst <= LOO_MAX_LOSS else 'FAIL'}")
    key["loo_worst_loss"] = round(worst, 4)
    return lines


def miner_and_pairing(seed: int, key: dict[str, float | int]) -> None:
    """The comparable-text miner (pairs) and document pairing, as before this table existed."""
    print(f"\n{'comparable (miner, pairs)':28} {'method':7} {'P':>8} {'R':>8} {'F1':>9}")
    cdocs = AD.comparable_docs("google")
    for method in METHODS:
        tp = fp = fn = 0
        for d in cdocs:
            r = align_sentences(d.src, d.tgt, src_mt=d.mt if method != "embed" else None, method=method,
                                mode="comparable")
            hyp = {(i, j) for g in r.groups for i in g.src for j in g.tgt}
            gold = {(i, j) for s, t in d.gold for i in s for j in t}
            tp, fp, fn = tp + len(hyp & gold), fp + len(hyp - gold), fn + len(gold - hyp)
        p, rc = tp / max(1, tp + fp), tp / max(1, tp + fn)
        f = 2 * p * rc / (p + rc) if p + rc else 0.0
        print(f"{'comparable-google':28} {method:7} {p:8.4f} {rc:8.4f} {f:9.4f}", flush=True)
        key[f"miner_{method}_p"], key[f"miner_{method}_r"] = round(p, 4), round(rc, 4)
    fdocs = AD.flores_docs("google", seed=seed)[:8]
    first_free = sum(len(d.src) for d in fdocs)
    pdocs = AD.comparable_docs("google", seed=5, n_docs=8, first_line=first_free, filler_from=first_free + 330)
    sources = [DocText(f"t{k}", "bg", d.src, d.mt) for k, d in enumerate(fdocs)]
    sources += [DocText(f"c{k}", "bg", d.src, None) for k, d in enumerate(pdocs)]
    targets = [DocText(f"t{k}", "en", d.tgt, None) for k, d in enumerate(fdocs)]
    targets += [DocText(f"c{k}", "en", d.tgt, None) for k, d in enumerate(pdocs)]
    t0 = time.perf_counter()
    decisions = pair_documents(sources, targets)
    right = {(s.key, s.key) for s in sources}
    found = {(d.src_key, d.tgt_key): d.mode for d in decisions}
    mode_ok = sum(1 for k in right if found.get(k) == ("parallel" if k[0].startswith("t") else "comparable"))
    extra = sum(1 for k in found if k not in right)
    print(f"pairing: {len(right)} true document pairs, {mode_ok} found with the right mode, "
          f"{len(right & set(found))} found, {extra} extra pairs proposed, {time.perf_counter() - t0:.1f}s")
    key["pairing_right_mode"], key["pairing_extra"] = mode_ok, extra


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Text+Berg and FLORES only, no leave-one-set-out")
    ap.add_argument("--all-mt", action="store_true", help="FLORES with each of its four MT systems")
    ap.add_argument("--miner", action="store_true", help="also the miner and pairing checks")
    ap.add_argument("--sets", default=None, help="comma-separated subset of " + ",".join(SETS))
    ap.add_argument("--seed", type=int, default=13, help="seed of the synthetic FLORES documents")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    embeddings.set_disk_cache(os.environ.get(embeddings.ENV_CACHE) or str(AD.REPO / ".cache" / "align-embeddings.sqlite"))
    names = tuple(args.sets.split(",")) if args.sets else (QUICK_SETS if args.quick else SETS)
    docs = {name: load(name, args.seed) for name in names}
    key: dict[str, float | int] = {}
    results: dict[tuple[str, str], Run] = {}
    print(HEADER)
    for name in names:
        for method in METHODS:
            r = results[name, method] = run_docs(docs[name], method)
            print(row(name, method, r.scores, len(docs[name]), r.secs), flush=True)
            key[f"{name}_{method}_strict"] = round(r.scores.f1_strict, 4)
            key[f"{name}_{method}_lax"] = round(r.scores.f1_lax, 4)
        if name == "bible-001":
            gold = docs[name][0].gold
            for tool, hyp in AD.bible_peers("001").items():
                s = score(gold, hyp)
                print(row(name, f"peer:{tool}", s, 1), flush=True)
                key[f"bible-001_peer_{tool}_strict"] = round(s.f1_strict, 4)
        if name == "flores-dev" and args.all_mt:
            for mt in AD.FLORES_MT[1:]:
                for method in ("hybrid", "mt"):
                    other = AD.flores_docs(mt, seed=args.seed)
                    r = run_docs(other, method)
                    print(row(f"flores-{mt[:10]}", method, r.scores, len(other), r.secs), flush=True)
                    key[f"flores-{mt}_{method}_strict"] = round(r.scores.f1_strict, 4)
    print("\nbars (strict F1):")
    ok_all = True
    for (name, method), bar in BARS.items():
        if (name, method) in results:
            f1 = results[name, method].scores.f1_strict
            ok_all &= f1 >= bar
            print(f"  {name:13} {method:7} {f1:.4f} >= {bar:.3f}: {'PASS' if f1 >= bar else 'FAIL'}")
    for name in names:
        f1 = {m: results[name, m].scores.f1_strict for m in METHODS}
        ok = f1["hybrid"] >= max(f1["mt"], f1["embed"])
        ok_all &= ok
        print(f"  {name:13} hybrid {f1['hybrid']:.4f} >= max(mt, embed) {max(f1['mt'], f1['embed']):.4f}: "
              f"{'PASS' if ok else 'FAIL'}")
    if ("bible-001", "hybrid") in results:
        t_h, t_e = results["bible-001", "hybrid"].secs, results["bible-001", "embed"].secs
        print(f"  bible-001 time hybrid / embed {t_h / max(t_e, 1e-9):.2f} (bar <= 2, meaningful when warm)")
        key["bible-001_hybrid_over_embed_time"] = round(t_h / max(t_e, 1e-9), 2)
    key["bars_pass"] = int(ok_all)
    if not args.quick:
        print()
        print("\n".join(leave_one_set_out(docs, key)))
    if args.miner:
        miner_and_pairing(args.seed, key)
    print(json.dumps({"benchmark": "alignment_quality", **key}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
