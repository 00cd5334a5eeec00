"""Pairing and alignment through the real pipeline: a built collection, with no MT and with imported MT.

    python benchmarks/pipeline_pairing.py [--mt none google ...] [--sizes 200 2000 10000] [--repeats 5]
                                          [--no-collection] [--no-timing] [--workdir DIR]

The collection (rebuilt from ../shared/data, nothing copied here), one article a file,
a title line and one sentence per paragraph:

* 99 English articles: FLORES dev lines 10k .. 10k+9, under a title line (the first six
  words of the first line); 99 Bulgarian articles: the professional translations of the
  same lines, same layout;
* 100 unrelated English articles: a title and ten consecutive verses of the King James
  Bible (bible-en-zh/006.en), spread over the book;
* 20 Bulgarian "rewrites": six body lines of one article (its source) in another order,
  shuffled with three lines of an article far away (its donor).

`process_articles` (what `xlalign run` runs) stores it all into a fresh SQLite database.
Then, for each FLORES MT file, a copy of that database gets the MT imported with
`xlalign translations import --model NAME FILE` (a TSV of Bulgarian sentence<TAB>MT,
sentence by sentence as the pipeline segments: a FLORES line the segmenter splits has
its MT split the same way, by length where the two sides split differently) and the
pipeline runs again. Scored from the database (`document_pairs` that are current,
`alignments` of the signature in question: no MT, or the one naming the MT model):

* originals found, judged parallel, wrong pairs (bars: >= 98%, >= 95%, 0);
* correct groups: gold line pairs (line i of a translation with line i of its original)
  stored as one group holding exactly the sentences of both lines; "1-1" counts those
  that are one sentence on each side (bar: >= 95% of the 990 gold line pairs);
* rewrites paired with their source, judged parallel (bar: all, none), and their mined
  pairs' precision / recall against the source and donor lines;
* seconds for the whole run.

Timing (`--sizes`): databases of 200, 2,000 and 10,000 stored documents (the FLORES
articles above plus synthetic ones recombined from already-embedded FLORES and Bible
sentences, stored and paired by the real stage once), then `process_articles` on one
new article, median of `--repeats` additions per size (sizes interleaved, each on a
fresh copy of the base database): a Bulgarian article whose original is stored, and an
English original whose translation is stored. Also a one-story database (variants of
the seed articles only). Bar: the time to add one article grows by less than 1.5x
from 200 to 10,000. Work counts (evidence computed, aligner looks) are printed with it.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import align_data as AD

ARTICLE_LINES = 10
N_ARTICLES = 99
N_BIBLE = 100
N_REWRITES = 20
BIBLE = AD.DATA / "bible-en-zh" / "006.en"
SEEDS = AD.SHARED / "seeds"
MTS = ("none",) + AD.FLORES_MT


def title_of(line: str, words: int = 6) -> str:
    """The first `words` words of a line, without trailing punctuation: a headline-like line."""
    return re.sub(r"[\s,.;:!?\"'“”„«»()-]+$", "", " ".join(line.split()[:words]))


@dataclass
class Article:
    key: str
    lang: str
    title: str | None
    lines: list[str]
    line_ids: list[int] = field(default_factory=list)  # FLORES line of each line (-1: not FLORES)

    def text(self) -> str:
        head = f"{self.title}\n\n" if self.title else ""
        return head + "\n\n".join(self.lines) + "\n"


@dataclass
class Collection:
    articles: list[Article]
    gold: dict[str, dict]  # source key -> partner, mode, and for rewrites the gold line pairs

    def by_key(self) -> dict[str, Article]:
        return {a.key: a for a in self.articles}


def build_collection(seed: int = 5) -> Collection:
    bg = AD.read_lines(AD.FLORES / "flores-dev.bg")
    en = AD.read_lines(AD.FLORES / "flores-dev.en")
    arts: list[Article] = []
    gold: dict[str, dict] = {}
    for k in range(N_ARTICLES):
        lo, hi = k * ARTICLE_LINES, (k + 1) * ARTICLE_LINES
        arts.append(Article(f"bg{k:02d}", "bg", title_of(bg[lo]), bg[lo:hi], list(range(lo, hi))))
        arts.append(Article(f"en{k:02d}", "en", title_of(en[lo]), en[lo:hi], list(range(lo, hi))))
        gold[f"bg{k:02d}"] = {"partner": f"en{k:02d}", "mode": "parallel"}
    verses = AD.read_lines(BIBLE)
    step = len(verses) // N_BIBLE
    for b in range(N_BIBLE):
        body = verses[b * step : b * step + ARTICLE_LINES]
        arts.append(Article(f"bible{b:03d}", "en", title_of(body[0]), body, [-1] * len(body)))
    rng = random.Random(seed)
    for r in range(N_REWRITES):
        a = (r * 5 + 2) % N_ARTICLES
        d = (a + N_ARTICLES // 2) % N_ARTICLES  # a donor far away: no shared FLORES article
        items = [(a, i) for i in rng.sample(range(ARTICLE_LINES), 6)] + [(d, i) for i in rng.sample(range(ARTICLE_LINES), 3)]
        rng.shuffle(items)
        ids = [art * ARTICLE_LINES + i for art, i in items]
        arts.append(Article(f"rw{r:02d}", "bg", None, [bg[x] for x in ids], ids))
        # gold line pairs: (line of the rewrite, line of the English article)
        gold[f"rw{r:02d}"] = {"partner": f"en{a:02d}", "also": f"en{d:02d}", "mode": "comparable",
                              "pairs": {(q, i) for q, (art, i) in enumerate(items) if art == a},
                              "also_pairs": {(q, i) for q, (art, i) in enumerate(items) if art == d}}
    return Collection(arts, gold)


def write_articles(folder: Path, articles: list[Article]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for a in articles:
        (folder / f"{a.key}.txt").write_text(a.text(), encoding="utf-8")


def _split_like(mt: str, n: int) -> list[str]:
    """An MT line cut into n pieces at spaces, in proportion to its length (the segmenter split its source
    into n sentences and the MT into another number)."""
    words = mt.split()
    if n <= 1:
        return [mt]
    cuts = [round(len(words) * k / n) for k in range(n + 1)]
    pieces = [" ".join(words[cuts[k]:cuts[k + 1]]) for k in range(n)]
    return [p or mt for p in pieces]


def mt_tsv(path: Path, mt_name: str, db_path: Path) -> tuple[int, int]:
    """Bulgarian sentence<TAB>MT for every stored Bulgarian sentence of a FLORES line; (rows, lines split by length).

    What a user whose MT server translated the stored sentences would have: the MT of a paragraph
    (a FLORES line, or two the cleaner joined) is cut into the paragraph's stored sentences by the
    same segmenter, or by length where the MT splits into another number of sentences.
    """
    from xlalign.ingest.segment import split_sentences

    bg = AD.read_lines(AD.FLORES / "flores-dev.bg")
    mt = AD.read_lines(AD.FLORES / f"flores-dev.{mt_name}.en")
    norm = [" ".join(t.split()) for t in bg]  # the cleaner collapses runs of whitespace
    line_of = {t: i for i, t in enumerate(norm)}
    joined = {f"{norm[i]} {norm[i + 1]}": (i, i + 1) for i in range(len(norm) - 1)}
    c = sqlite3.connect(db_path)
    by_para: dict[tuple[int, int], list[str]] = {}
    for doc, p, text in c.execute("SELECT s.document_id, s.paragraph_position, s.text FROM sentences s "
                                  "JOIN documents d ON d.id = s.document_id WHERE d.lang = 'bg' "
                                  "ORDER BY s.document_id, s.position"):
        by_para.setdefault((doc, p), []).append(text)
    paras = dict(((d, p), t) for d, p, t in c.execute(
        "SELECT p.document_id, p.position, p.text FROM paragraphs p JOIN documents d ON d.id = p.document_id "
        "WHERE d.lang = 'bg'"))
    rows: dict[str, str] = {}
    by_length = 0
    for key, sents in by_para.items():
        text = " ".join(paras[key].split())
        lines = (line_of[text],) if text in line_of else joined.get(text)
        if lines is None:
            continue
        target = " ".join(mt[i] for i in lines)
        out = [target[s:e] for s, e in split_sentences(target, "en")]
        if len(out) != len(sents):
            out = _split_like(target, len(sents))
            by_length += 1
        for src, tgt in zip(sents, out):
            rows.setdefault(src, tgt)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows.items())
    return len(rows), by_length


def run_pipeline(paths: list[str], db_url: str) -> tuple[dict, float]:
    from xlalign.flows.process_articles import process_articles

    t0 = time.perf_counter()
    summary = process_articles(paths=paths, db_url=db_url, target_lang="en", method="hybrid")
    return summary, time.perf_counter() - t0


def import_mt(db_url: str, model: str, tsv: Path) -> None:
    from xlalign.cli.main import main as cli

    if cli(["translations", "import", "--model", model, str(tsv), "--db", db_url]) != 0:
        raise RuntimeError(f"import of {tsv} failed")


# --- scoring from the database ---

def _norm(text: str) -> str:
    return " ".join(text.split())


def score(db_path: Path, coll: Collection, mt_model: str | None) -> dict:
    """Score the current pairs and the alignments made with `mt_model`'s MT (None: with no MT).

    A line of an article file is a paragraph; its stored sentences are found by the paragraph's text
    (the cleaner may drop a line, e.g. one it reads as a heading, or join two). A gold line pair is
    stored right when the groups that hold any of its sentences hold only its sentences, all of them,
    on both sides (one 1-1 group, or two 1-1 groups where both lines are two sentences, or a 2-2).
    """
    c = sqlite3.connect(db_path)
    key_of = {i: Path(src).stem for i, src in c.execute("SELECT id, source FROM documents")}
    doc_id = {v: k for k, v in key_of.items()}
    by_para: dict[tuple[int, int], set[int]] = {}
    para_of: dict[int, int] = {}
    for sid, doc, p in c.execute("SELECT id, document_id, paragraph_position FROM sentences"):
        by_para.setdefault((doc, p), set()).add(sid)
        para_of[sid] = p
    line_para: dict[tuple[int, str], int] = {}  # (document, normalised text) -> paragraph
    for doc, p, text in c.execute("SELECT document_id, position, text FROM paragraphs WHERE status = 'kept'"):
        line_para.setdefault((doc, _norm(text)), p)
    pairs: dict[str, list[tuple[str, str, int]]] = {}
    for pid, s, t, mode in c.execute("SELECT id, src_document_id, tgt_document_id, mode FROM document_pairs "
                                     "WHERE is_current"):
        pairs.setdefault(key_of[s], []).append((key_of[t], mode, pid))
    members: dict[int, tuple[set[int], set[int]]] = {}
    for aid, side, sid in c.execute("SELECT alignment_id, side, sentence_id FROM alignment_sentences"):
        members.setdefault(aid, (set(), set()))[0 if side == "src" else 1].add(sid)
    groups: dict[int, list[tuple[set[int], set[int]]]] = {}
    for aid, pid, sig in c.execute("SELECT id, pair_id, signature FROM alignments"):
        if (f"|mtmodel:{mt_model}|" in sig) if mt_model else ("|mt:none|" in sig):
            groups.setdefault(pid, []).append(members.get(aid, (set(), set())))
    arts = coll.by_key()

    def sentences_of(key: str, line: int) -> set[int]:
        p = line_para.get((doc_id[key], _norm(arts[key].lines[line])))
        return by_para.get((doc_id[key], p), set()) if p is not None else set()

    out = {"found": 0, "parallel": 0, "wrong": 0, "wrong_list": [], "lines_right": 0, "one_to_one": 0,
           "gold_pairs": 0, "lines_lost": 0, "rw_paired": 0, "rw_parallel": 0, "rw_mined": 0, "rw_right": 0,
           "rw_gold": 0, "rw_found": 0, "missed": []}
    for key, g in coll.gold.items():
        ds = pairs.get(key, [])
        allowed = {g["partner"], g.get("also")}
        for tkey, mode, _ in ds:
            if tkey not in allowed:
                out["wrong"] += 1
                out["wrong_list"].append((key, tkey, mode))
        hit = [d for d in ds if d[0] == g["partner"]]
        if g["mode"] == "parallel":
            out["gold_pairs"] += ARTICLE_LINES
            src_lines = [sentences_of(key, i) for i in range(ARTICLE_LINES)]
            tgt_lines = [sentences_of(g["partner"], i) for i in range(ARTICLE_LINES)]
            out["lines_lost"] += sum(1 for a, b in zip(src_lines, tgt_lines) if not a or not b)
            if not hit:
                out["missed"].append(key)
                continue
            out["found"] += 1
            out["parallel"] += hit[0][1] == "parallel"
            stored = groups.get(hit[0][2], [])
            for a, b in zip(src_lines, tgt_lines):
                if not a or not b:
                    continue
                touching = [(s, t) for s, t in stored if s & a or t & b]
                ok = (all(s and t and s <= a and t <= b for s, t in touching)
                      and set().union(*[s for s, _ in touching]) == a and set().union(*[t for _, t in touching]) == b)
                out["lines_right"] += ok
                out["one_to_one"] += ok and len(a) == 1 and len(b) == 1
        else:
            out["rw_paired"] += bool(hit)
            out["rw_parallel"] += any(mode == "parallel" for _, mode, _ in ds)
            gold = set()
            for side, line_pairs in ((g["partner"], g["pairs"]), (g["also"], g["also_pairs"])):
                for q, i in line_pairs:
                    gold |= {(side, x, y) for x in sentences_of(key, q) for y in sentences_of(side, i)}
            gold_lines = {(side, q, i) for side, lp in ((g["partner"], g["pairs"]), (g["also"], g["also_pairs"]))
                          for q, i in lp}
            out["rw_gold"] += len(gold_lines)
            found = set()
            for tkey, _, pid in ds:
                if tkey not in allowed:
                    continue
                for s, t in groups.get(pid, []):
                    if not s or not t:
                        continue
                    right = {(tkey, x, y) for x in s for y in t} & gold
                    out["rw_mined"] += 1
                    out["rw_right"] += bool(right)
                    found |= {(tkey, para_of[x], para_of[y]) for _, x, y in right}
            out["rw_found"] += len(found)
    return out


HEADER = (f"{'MT':<22} {'found':>7} {'parallel':>8} {'wrong':>5} {'lines':>7} {'1-1':>7} {'lost':>5} "
          f"{'rw pair':>7} {'rw par':>6} {'rw P':>6} {'rw R':>6} {'run s':>7}")


def row(label: str, ev: dict, secs: float) -> str:
    n_orig = N_ARTICLES
    return (f"{label:<22} {ev['found']:>3}/{n_orig:<3} {ev['parallel']:>4}/{n_orig:<3} {ev['wrong']:>5} "
            f"{ev['lines_right'] / max(1, ev['gold_pairs']):>7.3f} {ev['one_to_one'] / max(1, ev['gold_pairs']):>7.3f} "
            f"{ev['lines_lost']:>5} "
            f"{ev['rw_paired']:>3}/{N_REWRITES:<3} {ev['rw_parallel']:>6} "
            f"{ev['rw_right'] / max(1, ev['rw_mined']):>6.2f} {ev['rw_found'] / max(1, ev['rw_gold']):>6.2f} "
            f"{secs:>7.1f}")


def collection_rows(work: Path, mts: list[str], show: bool) -> list[dict]:
    coll = build_collection()
    folder = work / "articles"
    write_articles(folder, coll.articles)
    db0 = work / "collection.sqlite"
    db0.unlink(missing_ok=True)
    results = []
    print(HEADER)
    summary, secs = run_pipeline([str(folder)], f"sqlite:///{db0}")
    if "none" in mts:
        ev = score(db0, coll, None)
        print(row("none", ev, secs), flush=True)
        results.append({"mt": "none", "run_s": round(secs, 1), "summary": summary["pairing_work"], **ev})
    for mt in [m for m in mts if m != "none"]:
        db = work / f"collection-{mt}.sqlite"
        _checkpoint(db0)
        shutil.copyfile(db0, db)
        tsv = work / f"{mt}.tsv"
        n_rows, by_length = mt_tsv(tsv, mt, db)
        t0 = time.perf_counter()
        import_mt(f"sqlite:///{db}", mt, tsv)
        summary, _ = run_pipeline([str(folder)], f"sqlite:///{db}")
        secs = time.perf_counter() - t0  # the import and the run after it
        ev = score(db, coll, mt)
        print(row(mt, ev, secs), flush=True)
        results.append({"mt": mt, "tsv_rows": n_rows, "lines_split_by_length": by_length,
                        "run_s": round(secs, 1), "summary": summary["pairing_work"], **ev})
    for r in results:
        if show:
            print(f"   {r['mt']}: missed {r['missed'][:20]} wrong {r['wrong_list'][:20]}")
    return results


# --- timing: adding one article to databases of growing size ---

def _pool() -> tuple[list[str], list[str]]:
    """Sentences already in the shared embedding cache: FLORES dev lines and the first Bible verses."""
    en = AD.read_lines(AD.FLORES / "flores-dev.en") + AD.read_lines(BIBLE)[:3000]
    bg = AD.read_lines(AD.FLORES / "flores-dev.bg")
    return en, bg


def _store(engine, articles: list[Article], folder: Path) -> None:
    from xlalign.db import store
    from xlalign.ingest.prepare import prepare_article
    from xlalign.ingest.reading import decode_article

    for a in articles:
        path = folder / f"{a.key}.txt"
        doc = prepare_article(decode_article(a.text().encode("utf-8"), source=str(path), fmt="txt"))
        store.save_document(engine, doc, run_id=None)


def base_articles(coll: Collection, size: int, one_story: bool, seed: int = 11) -> list[Article]:
    """What the base database holds before one article is added (see the module doc)."""
    rng = random.Random(seed + size)
    arts = coll.by_key()
    if one_story:
        seeds = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
        from xlalign.ingest.prepare import prepare_article
        from xlalign.ingest.reading import decode_article

        parsed = []
        for name, text in seeds:
            doc = prepare_article(decode_article(text.encode("utf-8"), source=name, fmt="txt"))
            parsed.append((doc.lang, doc.title, [s.text for s in doc.sentences]))
        out = []
        for i in range(size):
            lang, title, sents = parsed[i % len(parsed)]
            body = rng.sample(sents, max(3, int(len(sents) * rng.uniform(0.6, 0.9))))
            out.append(Article(f"story{i:05d}", lang, title, body, [-1] * len(body)))
        return out
    out = [arts[f"en{k:02d}"] for k in range(70)] + [arts[f"bg{k:02d}"] for k in list(range(50)) + list(range(70, 90))]
    en, bg = _pool()
    for i in range(size - len(out)):
        if i % 10 == 9:
            body = rng.sample(bg, ARTICLE_LINES)
            out.append(Article(f"synth-bg{i:05d}", "bg", title_of(body[0]), body, [-1] * len(body)))
        else:
            body = rng.sample(en, ARTICLE_LINES)
            out.append(Article(f"synth-en{i:05d}", "en", title_of(body[0]), body, [-1] * len(body)))
    return out


def build_base(path: Path, articles: list[Article], folder: Path) -> float:
    from xlalign.db.engine import get_engine
    from xlalign.stages.alignment import pair_and_align

    t0 = time.perf_counter()
    engine = get_engine(f"sqlite:///{path}")
    _store(engine, articles, folder)
    pair_and_align(engine, target_lang="en", method="hybrid", run_id=None)
    engine.dispose()
    _checkpoint(path)
    return time.perf_counter() - t0


def _checkpoint(path: Path) -> None:
    """Fold SQLite's write-ahead log into the file, so that a copy of the file alone is the database."""
    c = sqlite3.connect(path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def additions(coll: Collection, one_story: bool, repeats: int) -> list[tuple[str, Article, str | None]]:
    """(kind, article, the key it should be paired with as a translation, if any)."""
    arts = coll.by_key()
    if one_story:
        extra = base_articles(coll, 10 + repeats * 2, True, seed=99)
        bgs = [a for a in extra if a.lang == "bg"][:repeats]
        ens = [a for a in extra if a.lang == "en"][:repeats]
        return ([("bg", Article(f"new-{a.key}", "bg", a.title, a.lines), None) for a in bgs]
                + [("en", Article(f"new-{a.key}", "en", a.title, a.lines), None) for a in ens])
    return ([("bg", arts[f"bg{50 + r:02d}"], f"en{50 + r:02d}") for r in range(repeats)]
            + [("en", arts[f"en{70 + r:02d}"], f"bg{70 + r:02d}") for r in range(repeats)])


def timing_rows(work: Path, sizes: list[int], repeats: int) -> list[dict]:
    coll = build_collection()
    results = []
    for one_story in (False, True):
        label = "one story" if one_story else "mixed"
        bases = {}
        for size in sizes:
            path = work / f"base-{'story' if one_story else 'mixed'}-{size}.sqlite"
            folder = work / f"base-files-{size}"
            if not path.exists():
                tmp = path.with_suffix(".tmp")
                tmp.unlink(missing_ok=True)
                secs = build_base(tmp, base_articles(coll, size, one_story), folder)
                tmp.rename(path)
                print(f"   built {label} base of {size} documents in {secs:.0f} s", flush=True)
            bases[size] = path
        adds = additions(coll, one_story, repeats)
        times: dict[tuple[int, str], list[float]] = {}
        work_counts: dict[tuple[int, str], list[dict]] = {}
        correct: dict[tuple[int, str], int] = {}
        new_dir = work / "new"
        for n, (kind, art, partner) in enumerate(adds):
            for size in sizes:  # sizes interleaved: a noisy minute hits all of them alike
                # a new file each time: the pipeline keeps one engine per database URL for the process
                db = work / f"add-{label.replace(' ', '-')}-{size}-{n}.sqlite"
                shutil.copyfile(bases[size], db)
                shutil.rmtree(new_dir, ignore_errors=True)
                write_articles(new_dir, [art])
                summary, secs = run_pipeline([str(new_dir / f"{art.key}.txt")], f"sqlite:///{db}")
                times.setdefault((size, kind), []).append(secs)
                work_counts.setdefault((size, kind), []).append(summary["pairing_work"])
                if partner is not None:
                    correct[(size, kind)] = correct.get((size, kind), 0) + _paired_parallel(db, art.key, partner)
                for leftover in db.parent.glob(db.name + "*"):
                    leftover.unlink()
        for kind in ("bg", "en"):
            first = statistics.median(times[(sizes[0], kind)])
            for size in sizes:
                med = statistics.median(times[(size, kind)])
                w = work_counts[(size, kind)][-1]
                results.append({"database": label, "stored": size, "add": kind, "median_s": round(med, 3),
                                "ratio": round(med / first, 2), "runs": len(times[(size, kind)]),
                                "parallel_found": correct.get((size, kind)), "work": w})
    return results


def _paired_parallel(db: Path, key: str, partner: str) -> int:
    c = sqlite3.connect(db)
    ids = {Path(s).stem: i for i, s in c.execute("SELECT id, source FROM documents")}
    a, b = ids[key], ids[partner]
    rows = c.execute("SELECT mode FROM document_pairs WHERE is_current AND ((src_document_id=? AND tgt_document_id=?) "
                     "OR (src_document_id=? AND tgt_document_id=?))", (a, b, b, a)).fetchall()
    return int(any(m == "parallel" for (m,) in rows))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mt", nargs="+", default=list(MTS), choices=MTS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-collection", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--show", action="store_true", help="print missed originals and wrong pairs")
    ap.add_argument("--workdir", help="keep databases here (base databases are reused when present)")
    args = ap.parse_args(argv)
    if not AD.DATA.exists():
        print(f"{AD.DATA} is missing: the shared evaluation data live beside the repository", file=sys.stderr)
        return 1
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="xlalign-pipeline-pairing-"))
    work.mkdir(parents=True, exist_ok=True)
    out = []
    try:
        # warm-up: the first flow in a process starts Prefect's ephemeral server
        warm = work / "warm"
        write_articles(warm, [build_collection().articles[0]])
        run_pipeline([str(warm)], f"sqlite:///{work / 'warm.sqlite'}")
        if not args.no_collection:
            out += [{"benchmark": "pipeline_pairing", "part": "collection", **r} for r in
                    collection_rows(work, args.mt, args.show)]
        if not args.no_timing:
            print(f"\n{'database':<10} {'stored':>7} {'add':>4} {'median s':>9} {'ratio':>6} {'evidence':>9} "
                  f"{'looks':>6} {'decided':>8} {'parallel':>9}")
            for r in timing_rows(work, args.sizes, args.repeats):
                w = r["work"]
                print(f"{r['database']:<10} {r['stored']:>7} {r['add']:>4} {r['median_s']:>9.3f} {r['ratio']:>6.2f} "
                      f"{w['evidence_computed']:>9} {w['path_checks']:>6} {w['sources_decided']:>8} "
                      f"{'' if r['parallel_found'] is None else str(r['parallel_found']) + '/' + str(r['runs']):>9}",
                      flush=True)
                out.append({"benchmark": "pipeline_pairing", "part": "timing", **r})
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    for r in out:
        print(json.dumps(r, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
