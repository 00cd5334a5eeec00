"""Translations made elsewhere: a TMX file or a two-column TSV of source sentence and translation.

Users often have MT already (a LibreTranslate or other MT server, a CAT
tool's translation memory, a human translation). Read here into plain
(source, translation) pairs, they are stored as translation rows of their
own model (`stages.imports`) and used by pairing and alignment exactly like
Argos output. Parsing is strict about structure and says which line or unit
is wrong, because a silently shifted column would pair every sentence with
the wrong translation.
"""
from __future__ import annotations

import csv
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from xlalign.errors import UserError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORMATS = ("tmx", "tsv")


@dataclass(frozen=True)
class ImportedTranslation:
    source: str
    translation: str
    where: str  # "line 12" or "tu 7": where it is in the file, for messages


@dataclass(frozen=True)
class TranslationFile:
    path: str
    fmt: str  # "tmx" | "tsv"
    sha256: str
    pairs: tuple[ImportedTranslation, ...]
    src_lang: str | None  # from the file (TMX) or the caller
    tgt_lang: str | None


def file_format(path: str | Path, fmt: str | None = None) -> str:
    """`fmt`, or the format the file name says (.tmx; .tsv/.tab/.txt are TSV)."""
    if fmt:
        if fmt not in FORMATS:
            raise UserError(f"unknown translation file format {fmt!r}: choose one of {', '.join(FORMATS)}",
                            exit_code=2)
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix == ".tmx":
        return "tmx"
    if suffix in (".tsv", ".tab", ".txt"):
        return "tsv"
    raise UserError(f"{path}: cannot tell the format from the name; give --format tmx or --format tsv", exit_code=2)


def read_translation_file(path: str | Path, *, fmt: str | None = None, src_lang: str | None = None,
                          tgt_lang: str | None = None) -> TranslationFile:
    """The (source, translation) pairs of a TMX or TSV file; UserError naming the file and the problem."""
    kind = file_format(path, fmt)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"translation file {path} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot read translation file {path}: {exc.strerror}") from None
    sha = hashlib.sha256(raw).hexdigest()
    if kind == "tmx":
        pairs, src_lang, tgt_lang = _read_tmx(str(path), raw, src_lang, tgt_lang)
    else:
        pairs = _read_tsv(str(path), raw)
    if not pairs:
        raise UserError(f"{path}: no translations found (empty file, or no unit with both languages)")
    return TranslationFile(str(path), kind, sha, tuple(pairs), src_lang, tgt_lang)


def _read_tsv(path: str, raw: bytes) -> list[ImportedTranslation]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    out: list[ImportedTranslation] = []
    reader = csv.reader(text.splitlines(), delimiter="\t")  # csv quoting: a field may hold tabs inside "..."
    for number, row in enumerate(reader, 1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise UserError(f"{path}, line {number}: expected 2 tab-separated columns (source, translation), "
                            f"found {len(row)}")
        source, translation = (cell.strip() for cell in row)
        if source and translation:
            out.append(ImportedTranslation(source, translation, f"line {number}"))
    return out


def _lang_matches(code: str | None, wanted: str) -> bool:
    """Same language, whatever the region: "bg-BG" is "bg"."""
    if not code:
        return False
    return code.lower().replace("_", "-").split("-")[0] == wanted.lower().split("-")[0]


def _read_tmx(path: str, raw: bytes, src_lang: str | None,
              tgt_lang: str | None) -> tuple[list[ImportedTranslation], str | None, str | None]:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise UserError(f"{path} is not well-formed TMX (XML error: {exc})") from None
    header = root.find("header")
    declared = header.get("srclang") if header is not None else None
    src = src_lang or (declared if declared and declared.lower() != "*all*" else None)
    if src is None:
        raise UserError(f"{path}: the TMX header does not name its source language (srclang); give --lang")
    out: list[ImportedTranslation] = []
    for number, tu in enumerate(root.iter("tu"), 1):
        segs: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if seg is not None:
                segs[lang] = "".join(seg.itertext()).strip()
        source = next((t for lang, t in segs.items() if _lang_matches(lang, src)), None)
        others = [(lang, t) for lang, t in segs.items() if not _lang_matches(lang, src)]
        if tgt_lang is not None:
            others = [(lang, t) for lang, t in others if _lang_matches(lang, tgt_lang)]
        if source and others and others[0][1]:
            tgt_lang = tgt_lang or others[0][0].split("-")[0]
            out.append(ImportedTranslation(source, others[0][1], f"tu {number}"))
    return out, src.split("-")[0].lower(), tgt_lang.split("-")[0].lower() if tgt_lang else None
