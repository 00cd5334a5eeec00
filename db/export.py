"""Exports of the aligned pairs: TMX 1.4b, XCES (OPUS), Moses, JSONL, TSV, all streamed.

Rows come from the `parallel_sentences` view (so a read-only researcher role
can export too) through a server-side cursor on PostgreSQL and SQLite's
row-by-row cursor, `EXPORT_BATCH` at a time, and are written as they arrive:
memory stays flat whether the database holds a thousand pairs or a million.

Every format carries provenance as far as it can: TSV and JSONL every column
of `COLUMNS`; TMX the languages on each unit, its creation date, score, method,
models, signature, sources and the machine translation as `<prop>`s; XCES the
score as each link's `certainty`, which OPUS tools filter on.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import DateTime, Engine, bindparam, text

from xlalign.db.queries import document_sentences
from xlalign.errors import UsageError

EXPORT_BATCH = 2000
FORMATS = ("tmx", "xces", "moses", "jsonl", "tsv")
STDOUT = "-"
# Provenance written by JSONL and TSV, in this order (columns are only ever added at the end).
COLUMNS = ("alignment_id", "src_lang", "tgt_lang", "src_text", "mt_text", "tgt_text", "score", "kind", "method",
           "mode", "model", "mt_model", "embedding_model", "signature", "src_source", "tgt_source",
           "src_version", "tgt_version", "pair_id", "run_id", "created_at", "src_url", "tgt_url",
           "src_published", "tgt_published", "src_outlet", "tgt_outlet")
_EXTRA = ("src_document_id", "tgt_document_id", "src_positions", "tgt_positions")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ExportFilter:
    """Which pairs to export; every field left at None (or empty) lets everything through.

    `kinds` are group shapes ("1-1", "2-1"); `max_group` the most sentences on
    either side of a group; `since`/`until` bound the alignment's creation date
    (`until` exclusive); `lang`/`tgt_lang` the source/target language.
    """

    min_score: float | None = None
    lang: str | None = None
    tgt_lang: str | None = None
    kinds: tuple[str, ...] = field(default=())
    max_group: int | None = None
    mode: str | None = None
    method: str | None = None
    run_id: int | None = None
    since: date | None = None
    until: date | None = None


def _where(f: ExportFilter) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    for column, value in (("src_lang", f.lang), ("tgt_lang", f.tgt_lang), ("mode", f.mode), ("method", f.method),
                          ("run_id", f.run_id)):
        if value is not None and value != "":
            where.append(f"{column} = :{column}")
            params[column] = value
    if f.min_score is not None:
        where.append("score >= :min_score")
        params["min_score"] = f.min_score
    if f.kinds:
        names = [f"kind{i}" for i in range(len(f.kinds))]
        where.append(f"kind IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, f.kinds))
    if f.since is not None:
        where.append("created_at >= :since")
        params["since"] = datetime.combine(f.since, datetime.min.time())
    if f.until is not None:
        where.append("created_at < :until")
        params["until"] = datetime.combine(f.until, datetime.min.time())
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _query(sql: str, params: dict[str, Any]):
    stmt = text(sql)
    for name in ("since", "until"):
        if name in params:
            stmt = stmt.bindparams(bindparam(name, type_=DateTime()))
    return stmt


def _group_size(kind: str) -> int:
    return max(int(n) for n in kind.split("-"))


def iter_pairs(engine: Engine, *, min_score: float | None = None, lang: str | None = None,
               where: ExportFilter | None = None) -> Iterator[dict]:
    """Every matching row of parallel_sentences, in alignment order, streamed."""
    f = where or ExportFilter(min_score=min_score, lang=lang)
    clause, params = _where(f)
    cols = ", ".join(COLUMNS + _EXTRA)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=EXPORT_BATCH).execute(
            _query(f"SELECT {cols} FROM parallel_sentences{clause} ORDER BY alignment_id", params), params)
        for row in result:
            if f.max_group is not None and _group_size(row.kind) > f.max_group:
                continue
            yield dict(row._mapping)


def language_pairs(engine: Engine, *, min_score: float | None = None, lang: str | None = None,
                   where: ExportFilter | None = None) -> list[tuple[str, str, int]]:
    """(source language, target language, pairs) of the matching rows, most pairs first."""
    clause, params = _where(where or ExportFilter(min_score=min_score, lang=lang))
    with engine.connect() as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(_query(
            f"SELECT src_lang, tgt_lang, count(*) FROM parallel_sentences{clause} "
            "GROUP BY src_lang, tgt_lang ORDER BY 3 DESC, 1, 2", params), params)]


def export_pairs(engine: Engine, fmt: str, out: str | Path, *, min_score: float | None = None,
                 lang: str | None = None, where: ExportFilter | None = None,
                 stdout: IO[str] | None = None) -> tuple[int, list[Path]]:
    """Write the pairs to `out` (`-`: `stdout`) in `fmt`; returns (pairs written, files written)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    f = where or ExportFilter(min_score=min_score, lang=lang)
    to_stdout = str(out) == STDOUT
    if to_stdout and fmt in ("moses", "xces"):
        what = "two files per language pair" if fmt == "moses" else "an alignment file and one file per document"
        raise UsageError(f"--format {fmt} writes {what}, so it cannot go to standard output: give a path instead of -")
    langs = language_pairs(engine, where=f)
    rows = iter_pairs(engine, where=f)
    out = Path(out)
    if fmt == "moses":
        out.parent.mkdir(parents=True, exist_ok=True)
        return _write_moses(rows, out, [(s, t) for s, t, _ in langs])
    if fmt == "xces":
        out.parent.mkdir(parents=True, exist_ok=True)
        return _write_xces(engine, rows, out)
    if not to_stdout:
        out.parent.mkdir(parents=True, exist_ok=True)
    opened: Any = nullcontext(stdout or sys.stdout) if to_stdout else open(out, "w", encoding="utf-8", newline="")
    with opened as fh:
        if fmt == "tmx":
            n = _write_tmx(rows, fh, f.lang or (langs[0][0] if langs else "und"))
        else:
            n = {"jsonl": _write_jsonl, "tsv": _write_tsv}[fmt](rows, fh)
    return n, [] if to_stdout else [out]


def _write_jsonl(rows: Iterator[dict], f: IO[str]) -> int:
    n = 0
    for n, row in enumerate(rows, 1):
        f.write(json.dumps({c: row[c] for c in COLUMNS}, ensure_ascii=False, default=str) + "\n")
    return n


def _one_line(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _write_tsv(rows: Iterator[dict], f: IO[str]) -> int:
    """Tab-separated through the csv module: a field holding a quote, tab or newline is quoted.

    pandas (`read_csv(sep="\\t")`) and `csv.reader(delimiter="\\t")` read it back
    unchanged; a text starting with `"` is no longer silently unquoted.
    """
    writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    return n


def _xml(value) -> str:
    return escape(_XML_INVALID.sub("", str(value)))


def tmx_date(value: Any) -> str:
    """A stored timestamp (datetime, or SQLite's 'YYYY-MM-DD HH:MM:SS' text, UTC) as TMX's YYYYMMDDThhmmssZ."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlalign")
    except PackageNotFoundError:
        return "0"


TMX_PROPS = ("score", "kind", "method", "mode", "model", "mt_model", "embedding_model", "signature", "src_source",
             "tgt_source", "src_url", "tgt_url", "pair_id", "run_id")


def _write_tmx(rows: Iterator[dict], f: IO[str], srclang: str) -> int:
    """TMX 1.4b; the header's srclang is the export's (most common) source language, each <tu> names its own."""
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    f.write(f'  <header creationtool="xlalign" creationtoolversion={quoteattr(_tool_version())} datatype="plaintext" '
            f'segtype="sentence" adminlang="en" srclang={quoteattr(srclang)} o-tmf="xlalign" '
            f'creationdate="{tmx_date(None)}"/>\n  <body>\n')
    n = 0
    for n, row in enumerate(rows, 1):
        f.write(f'    <tu tuid="{row["alignment_id"]}" srclang={quoteattr(row["src_lang"])} '
                f'creationdate="{tmx_date(row["created_at"])}" creationtool="xlalign">\n')
        if row["mt_text"]:
            f.write(f'      <note>machine translation ({_xml(row["mt_model"])}): {_xml(row["mt_text"])}</note>\n')
        for prop in TMX_PROPS:
            if row[prop] is not None:
                f.write(f'      <prop type="x-{prop.replace("_", "-")}">{_xml(row[prop])}</prop>\n')
        if row["mt_text"]:
            f.write(f'      <prop type="x-mt">{_xml(row["mt_text"])}</prop>\n')
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


def xces_document_path(lang: str, document_id: int) -> str:
    """Where a document's sentence file goes, relative to the alignment file's folder (OPUS layout)."""
    return f"{lang}/{document_id}.xml"


def _xtargets(positions: str) -> str:
    """"[0, 1]" (0-based, stored) -> "1 2" (OPUS sentence ids, 1-based)."""
    return " ".join(str(int(p) + 1) for p in json.loads(positions))


def _write_xces(engine: Engine, rows: Iterator[dict], out: Path) -> tuple[int, list[Path]]:
    """An XCES cesAlign file (OPUS's alignment format) plus one OPUS sentence file per document.

    `<linkGrp fromDoc="bg/12.xml" toDoc="en/13.xml">` per alignment of a document
    pair, `<link xtargets="1 2;1" certainty="0.81">` per group. OpusTools reads it:
    `opus_read -d xlalign -s bg -t en -p raw -af OUT -dl <OUT's folder>` (the sentence files are OPUS "raw":
    untokenised text in each <s>).
    """
    folder = out.parent
    documents: dict[int, str] = {}
    n = 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE cesAlign PUBLIC "-//CES//DTD XML cesAlign//EN" "">\n'
                '<cesAlign version="1.0">\n')
        group_key = None
        link = 0
        for row in rows:
            key = (row["pair_id"], row["signature"])
            if key != group_key:
                if group_key is not None:
                    f.write(" </linkGrp>\n")
                src_doc = xces_document_path(row["src_lang"], row["src_document_id"])
                tgt_doc = xces_document_path(row["tgt_lang"], row["tgt_document_id"])
                documents[row["src_document_id"]] = src_doc
                documents[row["tgt_document_id"]] = tgt_doc
                f.write(f' <linkGrp targType="s" fromDoc={quoteattr(src_doc)} toDoc={quoteattr(tgt_doc)}>\n')
                group_key, link = key, 0
            link += 1
            certainty = "" if row["score"] is None else f' certainty="{row["score"]:.4f}"'
            f.write(f'  <link id="SL{link}" xtargets="{_xtargets(row["src_positions"])};'
                    f'{_xtargets(row["tgt_positions"])}"{certainty}/>\n')
            n += 1
        if group_key is not None:
            f.write(" </linkGrp>\n")
        f.write("</cesAlign>\n")
    written = [out]
    with engine.connect() as conn:
        for document_id, relative in documents.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as doc:
                doc.write(f'<?xml version="1.0" encoding="utf-8"?>\n<document id="{document_id}">\n')
                for k, (_, sentence) in enumerate(document_sentences(conn, document_id), 1):
                    doc.write(f'<s id="{k}">{_xml(_one_line(sentence))}</s>\n')
                doc.write("</document>\n")
            written.append(path)
    return n, written
