"""Read an article file into text, or explain precisely why it cannot be read.

Identity is the sha256 of the raw bytes, taken before any decoding, so the same
file ingested twice (under any name) is one document, and a changed file is a
new one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from xlalign.errors import ArticleError
from xlalign.records import RawArticle

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
FALLBACK_ENCODINGS = ("cp1252", "cp1251", "iso-8859-2", "koi8-r")
MAX_FILE_BYTES = 20 * 1024 * 1024
# A news paragraph is a few thousand characters at most; a single line far longer
# than this is a data dump or minified page, and segmenting it would take minutes.
MAX_LINE_CHARS = 100_000


def article_files(paths: Sequence[str | Path]) -> list[Path]:
    """Expand files and folders into the readable article files under them, sorted.

    Files named explicitly are kept whatever their suffix, so that a wrong
    suffix produces an error the user sees instead of a silent skip.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in FORMATS
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)  # the first spelling of a file given twice
    return list(unique.values())


def read_article(path: str | Path) -> RawArticle:
    """Decode one file. Raises ArticleError naming the file and the problem."""
    path = Path(path)
    source = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ArticleError(source, f"unsupported file type {path.suffix or '(none)'!r}; "
                                   f"xlalign reads {', '.join(sorted(FORMATS))}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(source, f"file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} an article may have")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(source, "file not found") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise ArticleError(source, f"cannot read file: {exc.strerror or exc}") from None
    return decode_article(raw, source=source, fmt=fmt)


def decode_article(raw: bytes, *, source: str, fmt: str) -> RawArticle:
    """Bytes to a RawArticle: UTF-8 first, else a detected encoding with a warning."""
    if not raw.strip():
        raise ArticleError(source, "file is empty")
    if b"\x00" in raw[:65536]:
        offset = raw.index(b"\x00")
        raise ArticleError(source, f"looks like a binary file (NUL byte at offset {offset}), not a text article")
    warnings: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        text, encoding = _decode_other(raw, source, exc)
        warnings.append(f"{source}: not valid UTF-8 ({exc.reason} at byte {exc.start}); decoded as {encoding}")
    if _control_ratio(text) > 0.05:
        raise ArticleError(source, f"looks like a binary file ({encoding} text is over 5% control characters)")
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        number = next(i for i, line in enumerate(text.splitlines(), 1) if len(line) == longest)
        raise ArticleError(source, f"line {number} is {longest:,} characters long (an article paragraph may have "
                                   f"{MAX_LINE_CHARS:,}); this looks like a data dump or minified file, not an article")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawArticle(source=source, sha256=hashlib.sha256(raw).hexdigest(), n_bytes=len(raw), fmt=fmt,
                      text=text, encoding=encoding, warnings=tuple(warnings))


def _decode_other(raw: bytes, source: str, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Pick the encoding under which the text reads most like a language.

    Byte statistics alone confuse the single-byte code pages (Latin-1 French
    comes out as Baltic cp1257), so the candidates charset-normalizer proposes,
    plus the usual Western and Cyrillic code pages, are judged by how
    confidently the language identifier recognises the decoded text.
    """
    from charset_normalizer import from_bytes

    from xlalign.ingest.langid import detect_language

    candidates = [m.encoding for m in list(from_bytes(raw))[:5]] + list(FALLBACK_ENCODINGS)
    sample = raw[:20000]
    best: tuple[float, str] | None = None
    for encoding in dict.fromkeys(candidates):
        try:
            decoded = sample.decode(encoding)
            raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        confidence = detect_language(decoded)[1]
        if best is None or confidence > best[0]:
            best = (confidence, encoding)
    if best is None:
        raise ArticleError(source, f"not valid UTF-8 ({exc.reason} at byte {exc.start}) and no other "
                                   "text encoding fits; is it a text file?")
    return raw.decode(best[1]), best[1]


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(len(sample), 1)
