"""Read an article file into text, or explain precisely why it cannot be read.

Identity is the sha256 of the raw bytes, taken before any decoding, so the same
file ingested twice (under any name) is one document, and a changed file is a
new one.

Reading cannot be made to hang or to eat memory: the file is `stat`ed before it
is opened, only a regular file within the size limit is opened at all, and it is
opened non-blocking and checked again on the open descriptor (a file swapped
for a FIFO in between is refused, not waited on), then read up to the limit.
Hashes of files that are refused are computed by streaming.
"""
from __future__ import annotations

import codecs
import dataclasses
import hashlib
import os
import stat
from pathlib import Path

from xlalign.errors import ArticleError
from xlalign.ingest.finding import FORMATS, article_files, display_name, not_regular_reason
from xlalign.records import RawArticle

__all__ = ["FORMATS", "MAX_FILE_BYTES", "article_files", "read_article", "decode_article", "stream_sha256"]

FALLBACK_ENCODINGS = ("cp1252", "cp1251", "iso-8859-2", "koi8-r")
MAX_FILE_BYTES = 20 * 1024 * 1024
# A news paragraph is a few thousand characters at most; a single line far longer
# than this is a data dump or minified page, and segmenting it would take minutes.
MAX_LINE_CHARS = 100_000
# A file is read as UTF-8 with the odd bad byte replaced when its valid multi-byte
# characters outnumber its invalid bytes by this much: one stray byte in a Bulgarian
# article, not a Latin-1 or cp1251 file (whose every accented letter is invalid UTF-8).
UTF8_MAJORITY = 10
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHUNK = 1 << 20


def stream_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a regular file's bytes, read in 1 MiB blocks; "" for anything else or on error."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        digest = hashlib.sha256()
        while block := os.read(fd, _CHUNK):
            digest.update(block)
        return digest.hexdigest()
    except OSError:
        return ""
    finally:
        os.close(fd)


def _read_bounded(path: Path, source: str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, opened without blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ArticleError(source, not_regular_reason(st.st_mode))
        parts: list[bytes] = []
        size = 0
        while block := os.read(fd, min(_CHUNK, limit + 1 - size)):
            parts.append(block)
            size += len(block)
            if size > limit:
                raise ArticleError(source, f"file grew past {limit:,} bytes while it was read, more than an "
                                           "article may have")
        return b"".join(parts)
    finally:
        os.close(fd)


def read_article(path: str | os.PathLike[str]) -> RawArticle:
    """Decode one file. Raises ArticleError naming the file and the problem."""
    path = Path(path)
    source = display_name(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ArticleError(source, f"unsupported file type {path.suffix or '(none)'!r}; "
                                   f"xlalign reads {', '.join(sorted(FORMATS))}")
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ArticleError(source, "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ArticleError(source, not_regular_reason(st.st_mode))
        if st.st_size > MAX_FILE_BYTES:
            raise ArticleError(source, f"file is {st.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} an article "
                                       "may have")
        raw = _read_bounded(path, source, MAX_FILE_BYTES)
    except FileNotFoundError:
        problem = "is a broken symbolic link" if os.path.islink(path) else "file not found"
        raise ArticleError(source, problem) from None
    except OSError as exc:
        raise ArticleError(source, f"cannot read file: {exc.strerror or exc}") from None
    article = decode_article(raw, source=source, fmt=fmt)
    if source != os.fspath(path):
        note = (f"{source}: the file name is not valid UTF-8; it is stored with each undecodable byte written "
                "as \\xNN")
        article = dataclasses.replace(article, warnings=(*article.warnings, note))
    return article


def _wide_encoding(raw: bytes) -> str | None:
    """"utf-16" or "utf-32" when the file starts with that byte-order mark."""
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            return encoding
    return None


def decode_article(raw: bytes, *, source: str, fmt: str) -> RawArticle:
    """Bytes to a RawArticle: UTF-16/32 by their byte-order mark, UTF-8, else a detected encoding."""
    warnings: list[str] = []
    wide = _wide_encoding(raw)
    if wide:
        try:
            text = raw.decode(wide)
        except UnicodeDecodeError as exc:
            raise ArticleError(source, f"starts with a {wide.upper()} byte-order mark but is not valid "
                                       f"{wide.upper()} ({exc.reason} at byte {exc.start})") from None
        encoding = wide
    else:
        if not raw.strip():
            raise ArticleError(source, "file is empty")
        if (offset := raw.find(b"\x00")) >= 0:
            raise ArticleError(source, f"looks like a binary file (NUL byte at offset {offset:,}), not a text "
                                       "article")
        text, encoding = _decode_bytes(raw, source, warnings)
    if not text.strip():
        raise ArticleError(source, "file is empty")
    if (offset := text.find("\x00")) >= 0:  # a NUL character inside UTF-16 text: no database stores it alike
        raise ArticleError(source, f"holds a NUL character (at character {offset:,}), which is not article text")
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


def _decode_bytes(raw: bytes, source: str, warnings: list[str]) -> tuple[str, str]:
    """UTF-8; UTF-8 with the odd bad byte replaced; else the code page that reads most like a language."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc
    escaped = raw.decode("utf-8", "surrogateescape")
    bad = sum(1 for ch in escaped if 0xDC80 <= ord(ch) <= 0xDCFF)
    good = sum(1 for ch in escaped if ord(ch) >= 0x80 and not 0xDC80 <= ord(ch) <= 0xDCFF)
    if good >= UTF8_MAJORITY * bad:
        warnings.append(f"{source}: {bad:,} byte(s) are not valid UTF-8 (the first at byte {first.start:,}) and were "
                        f"replaced with U+FFFD; the other {good:,} non-ASCII characters are UTF-8")
        return raw.decode("utf-8-sig", "replace"), "utf-8"
    text, encoding = _decode_other(raw, source, first)
    warnings.append(f"{source}: not valid UTF-8 ({first.reason} at byte {first.start}); decoded as {encoding}")
    return text, encoding


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
