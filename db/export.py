"""Exports of the aligned pairs: TMX 1.4b, Moses, JSONL, TSV, all streamed.

Rows come from the `parallel_sentences` view (so a read-only researcher role
can export too) through a server-side cursor on PostgreSQL and SQLite's
row-by-row cursor, `EXPORT_BATCH` at a time, and are written as they arrive:
memory stays flat whether the database holds a thousand pairs or a million.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import Engine, text

from xlalign.errors import UsageError

EXPORT_BATCH = 2000
FORMATS = ("tmx", "moses", "jsonl", "tsv")
# Provenance written by JSONL and TSV, in this order.
COLUMNS = ("alignment_id", "src_lang", "tgt_lang", "src_text", "mt_text", "tgt_text", "score", "kind", "method",
           "mode", "model", "mt_model", "embedding_model", "signature", "src_source", "tgt_source",
           "src_version", "tgt_version", "pair_id", "run_id")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _filters(min_score: float | None, lang: str | None) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if min_score is not None:
        where.append("score >= :min_score")
        params["min_score"] = min_score
    if lang:
        where.append("src_lang = :lang")
        params["lang"] = lang
    return (" WHERE " + " AND ".join(where)) if where else "", params


def iter_pairs(engine: Engine, *, min_score: float | None = None, lang: str | None = None) -> Iterator[dict]:
    """Every matching row of parallel_sentences, in alignment order, streamed."""
    where, params = _filters(min_score, lang)
    cols = ", ".join(COLUMNS)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=EXPORT_BATCH).execute(
            text(f"SELECT {cols} FROM parallel_sentences{where} ORDER BY alignment_id"), params)
        for row in result:
            yield dict(row._mapping)


def language_pairs(engine: Engine, *, min_score: float | None = None, lang: str | None = None) -> list[tuple[str, str]]:
    where, params = _filters(min_score, lang)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            f"SELECT DISTINCT src_lang, tgt_lang FROM parallel_sentences{where} ORDER BY 1, 2"), params)]


def export_pairs(engine: Engine, fmt: str, out: str | Path, *, min_score: float | None = None,
                 lang: str | None = None) -> tuple[int, list[Path]]:
    """Write the pairs to `out` in `fmt`; returns (pairs written, files written)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = iter_pairs(engine, min_score=min_score, lang=lang)
    if fmt == "moses":
        return _write_moses(rows, out, language_pairs(engine, min_score=min_score, lang=lang))
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        n = {"tmx": _write_tmx, "jsonl": _write_jsonl, "tsv": _write_tsv}[fmt](rows, f, lang)
    return n, [out]


def _write_jsonl(rows: Iterator[dict], f: IO[str], _lang: str | None) -> int:
    n = 0
    for n, row in enumerate(rows, 1):
        f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return n


def _one_line(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _write_tsv(rows: Iterator[dict], f: IO[str], _lang: str | None) -> int:
    f.write("\t".join(COLUMNS) + "\n")
    n = 0
    for n, row in enumerate(rows, 1):
        f.write("\t".join(_one_line(row[c]) for c in COLUMNS) + "\n")
    return n


def _xml(value) -> str:
    return escape(_XML_INVALID.sub("", str(value)))


def _write_tmx(rows: Iterator[dict], f: IO[str], lang: str | None) -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("xlalign")
    except PackageNotFoundError:
        tool_version = "0"
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    f.write(f'  <header creationtool="xlalign" creationtoolversion={quoteattr(tool_version)} datatype="plaintext" '
            f'segtype="sentence" adminlang="en" srclang={quoteattr(lang or "*all*")} o-tmf="xlalign"/>\n  <body>\n')
    n = 0
    for n, row in enumerate(rows, 1):
        f.write(f'    <tu tuid="{row["alignment_id"]}">\n')
        for prop in ("score", "kind", "method", "mode", "model", "signature", "src_source", "tgt_source"):
            if row[prop] is not None:
                f.write(f'      <prop type="x-{prop.replace("_", "-")}">{_xml(row[prop])}</prop>\n')
        for side in ("src", "tgt"):
            f.write(f'      <tuv xml:lang={quoteattr(row[side + "_lang"])}><seg>{_xml(row[side + "_text"])}</seg></tuv>\n')
        f.write("    </tu>\n")
    f.write("  </body>\n</tmx>\n")
    return n


def moses_paths(out: Path, src: str, tgt: str, several: bool) -> tuple[Path, Path]:
    """OUT.bg + OUT.en for one language pair; OUT.bg-en.bg + OUT.bg-en.en each when there are several."""
    stem = f"{out}.{src}-{tgt}" if several else str(out)
    if src == tgt:
        return Path(f"{stem}.{src}.src"), Path(f"{stem}.{tgt}.tgt")
    return Path(f"{stem}.{src}"), Path(f"{stem}.{tgt}")


def _write_moses(rows: Iterator[dict], out: Path, pairs: list[tuple[str, str]]) -> tuple[int, list[Path]]:
    several = len(pairs) > 1
    n, written = 0, list[Path]()
    with ExitStack() as stack:
        files: dict[tuple[str, str], tuple[IO[str], IO[str]]] = {}
        for row in rows:
            key = (row["src_lang"], row["tgt_lang"])
            if key not in files:
                paths = moses_paths(out, *key, several)
                written += paths
                src_path, tgt_path = paths
                files[key] = (stack.enter_context(open(src_path, "w", encoding="utf-8", newline="\n")),
                              stack.enter_context(open(tgt_path, "w", encoding="utf-8", newline="\n")))
            src_f, tgt_f = files[key]
            src_f.write(_one_line(row["src_text"]) + "\n")
            tgt_f.write(_one_line(row["tgt_text"]) + "\n")
            n += 1
    return n, written
