"""The seed rewrite through the real pipeline, scored by the shared gold, with no MT and with 003.mt.tsv imported.

    python benchmarks/pipeline_seeds.py [--pairs] [--workdir DIR]

Exactly what a user runs, as subprocesses:

    xlalign run ../shared/seeds --db sqlite:///X
    python ../shared/data/seed-comparable/score.py X gold.json              # no MT
    xlalign translations import --model hand ../shared/data/seed-comparable/003.mt.tsv --db sqlite:///X
    xlalign run ../shared/seeds --db sqlite:///X                            # hybrid, with the imported MT
    xlalign run ../shared/seeds --db sqlite:///X --method mt                # the same pairs, MT n-grams only
    xlalign run ../shared/seeds --db sqlite:///X --method embed             # the same pairs, embeddings only

`parallel_sentences` shows every alignment a pair has (one per signature), so after the import the
database holds the no-MT alignment and the MT ones side by side. Printed: the union as score.py
reads the database (all alignments of all pairs), and each signature on its own, restricted to the
pairs that are current (score.py run on a copy holding only those rows). Bars (issue 13): precision
>= 0.9 and recall >= 0.8 with no MT and with the MT (hybrid never below mt or embed alone), and the
English version of the Spanish piece (004) paired with the Bulgarian seed. `--pairs` prints every
stored pair with the gold's verdict (S strong, r related, x wrong item, - no counterpart).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import align_data as AD

SEEDS = AD.SHARED / "seeds"
GOLD_DIR = AD.DATA / "seed-comparable"
SPANISH_EN = "004_"


def xlalign(*args: str) -> None:
    cmd = [sys.executable, "-m", "xlalign.cli.main", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PREFECT_LOGGING_LEVEL="WARNING"))
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")


def score_py(db: Path) -> dict:
    out = subprocess.run([sys.executable, str(GOLD_DIR / "score.py"), str(db), str(GOLD_DIR / "gold.json")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def rows_of(db: Path, where: str = "1 = 1") -> list[tuple]:
    c = sqlite3.connect(db)
    return c.execute(
        "SELECT v.src_lang, v.tgt_lang, v.src_text, v.tgt_text, v.tgt_source, v.src_source, v.signature, v.score "
        "FROM parallel_sentences v JOIN document_pairs p ON p.id = v.pair_id "
        f"WHERE p.is_current AND {where}").fetchall()


def score_rows(rows: list[tuple]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "subset.sqlite"
        c = sqlite3.connect(db)
        c.execute("CREATE TABLE parallel_sentences (src_lang, tgt_lang, src_text, tgt_text, tgt_source, src_source)")
        c.executemany("INSERT INTO parallel_sentences VALUES (?, ?, ?, ?, ?, ?)", [r[:6] for r in rows])
        c.commit()
        c.close()
        return score_py(db)


def label(gold: dict, bg_text: str, en_text: str, en_file: str) -> str:
    name = en_file.rsplit("/", 1)[-1]
    for it in gold["items"]:
        if it["bg"] in bg_text:
            if any(name.startswith(f) and sub in en_text for f, sub in it["strong"]):
                return "S"
            if any(name.startswith(f) and sub in en_text for f, sub in it["related"]):
                return "r"
            return "x"
    return "-"


def paired(db: Path) -> list[tuple[str, str, bool]]:
    c = sqlite3.connect(db)
    return [(Path(t).name[:3], mode, bool(cur)) for t, mode, cur in c.execute(
        "SELECT t.source, p.mode, p.is_current FROM document_pairs p JOIN documents s ON s.id = p.src_document_id "
        "JOIN documents t ON t.id = p.tgt_document_id WHERE s.lang = 'bg' ORDER BY t.source")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", action="store_true", help="print every stored pair with its gold verdict")
    ap.add_argument("--workdir", help="keep the database here")
    args = ap.parse_args(argv)
    if not SEEDS.exists():
        print(f"{SEEDS} is missing: the shared seeds live beside the repository", file=sys.stderr)
        return 1
    gold = json.loads((GOLD_DIR / "gold.json").read_text(encoding="utf-8"))
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="xlalign-seeds-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "seeds.sqlite"
    for old in work.glob("seeds.sqlite*"):
        old.unlink()
    url = f"sqlite:///{db}"
    results = []
    try:
        xlalign("run", str(SEEDS), "--db", url)
        before = rows_of(db)
        settings = [("no MT (union = all stored)", None, score_py(db), paired(db))]
        xlalign("translations", "import", "--model", "hand", str(GOLD_DIR / "003.mt.tsv"), "--db", url)
        xlalign("run", str(SEEDS), "--db", url)
        xlalign("run", str(SEEDS), "--db", url, "--method", "mt")
        xlalign("run", str(SEEDS), "--db", url, "--method", "embed")
        settings.append(("with MT: union as score.py reads it", None, score_py(db), paired(db)))
        for name, where in (("with MT: hybrid alignment only", "v.signature LIKE 'align:hybrid|%mtmodel:hand|%'"),
                            ("with MT: mt alignment only", "v.signature LIKE 'align:mt|%mtmodel:hand|%'"),
                            # --method embed names the same signature as the run before the import: one alignment
                            ("with MT: embed alignment only", "v.signature LIKE 'align:embed|%'")):
            rows = rows_of(db, where)
            settings.append((name, where, score_rows(rows), paired(db)))
        print(f"{'setting':<38} {'pairs':>5} {'P':>6} {'R':>6} {'strong':>7} {'004':>4}  paired (current)")
        for k, (name, where, s, pr) in enumerate(settings):
            spanish = any(t == SPANISH_EN[:3] and cur for t, _, cur in pr)
            print(f"{name:<38} {s['pairs']:>5} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                  f"{s['strong_found']:>3}/{s['strong_total']:<3} {'yes' if spanish else 'no':>4}  "
                  f"{' '.join(f'{t}:{m[:3]}' for t, m, cur in pr if cur)}", flush=True)
            results.append({"benchmark": "pipeline_seeds", "setting": name, **s, "spanish_paired": spanish,
                            "pairs_stored": pr})
            if args.pairs and (where or k == 0):  # the first: what the run before the import stored
                for r in sorted(rows_of(db, where) if where else before, key=lambda r: -(r[7] or 0)):
                    print(f"   {label(gold, r[2], r[3], r[4])} {r[7]:.3f} {Path(r[4]).name[:3]} | {r[2][:70]} | {r[3][:70]}")
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
