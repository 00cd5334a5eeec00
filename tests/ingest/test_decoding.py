"""Decoding that does not damage text without a word: one bad byte, UTF-16, NUL, entities."""
from __future__ import annotations

import codecs
import tracemalloc

import pytest

from xlalign.errors import ArticleError
from xlalign.ingest.cleaning import html_to_text
from xlalign.ingest.prepare import prepare_file
from xlalign.ingest.reading import MAX_FILE_BYTES, read_article, stream_sha256

BG = ("Градският съвет на Пловдив одобри новия бюджет във вторник вечерта след дълъг дебат. "
      "Фермерите в северната част на страната са притеснени от дългата суша това лято. "
      "Малък музей отвори отново врати след две години внимателна реставрация на покрива.\n") * 3


def test_one_stray_byte_in_utf8_keeps_the_text_utf8_with_a_warning(tmp_path):
    """It used to decode the whole file as KOI8-R: 27 mojibake sentences in language `uz`."""
    raw = BG.encode("utf-8")
    cut = raw.index(b" ", 100)
    path = tmp_path / "stray.bg.txt"
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    article = read_article(path)
    assert article.encoding == "utf-8"
    assert article.text.replace("\ufffd", "") == BG
    assert len(article.warnings) == 1 and "1 byte(s) are not valid UTF-8" in article.warnings[0]
    assert str(path) in article.warnings[0]
    assert prepare_file(path).lang == "bg"


def test_latin1_is_still_recognised_as_latin1(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_bytes(("Le café de la gare a rouvert ses portes lundi après trois années de travaux à Genève. "
                      "Les habitués ont salué la façade rénovée.\n").encode("latin-1"))
    article = read_article(path)
    assert article.encoding != "utf-8" and "café" in article.text and "rénovée" in article.text


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                        ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, codec, bom):
    """Valid UTF-16 used to be rejected as "binary" (its NUL bytes)."""
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + BG.replace("\n", "\r\n").encode(codec))
    article = read_article(path)
    assert article.text == BG and article.encoding in ("utf-16", "utf-32") and not article.warnings
    assert prepare_file(path).lang == "bg"


def test_a_nul_anywhere_is_refused_the_same_way(tmp_path):
    """A NUL after the first 64 KiB was stored on SQLite and failed on PostgreSQL with 3 KB of SQL."""
    path = tmp_path / "late-nul.txt"
    body = ("A long article line about the tram network of the city and its passengers. " * 40 + "\n") * 30
    raw = body.encode()
    assert len(raw) > 65536
    path.write_bytes(raw[:70000] + b"\x00" + raw[70000:])
    with pytest.raises(ArticleError, match=r"NUL byte at offset 70,000") as info:
        read_article(path)
    assert len(str(info.value)) < 200


def test_html_entities_are_unescaped_exactly_once():
    text, _ = html_to_text("<p>AT&amp;amp;T said &amp;lt;script&amp;gt; is text, and AT&amp;T is a firm.</p>")
    assert "AT&amp;T said &lt;script&gt; is text, and AT&T is a firm." in text


def test_an_oversized_file_is_refused_before_it_is_read_and_hashed_in_constant_memory(tmp_path):
    """The size check came first, then the whole file was read to hash it: 1 GB file, 1.23 GB RSS."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES * 10)  # sparse: 200 MB that take no disk
    tracemalloc.start()
    try:
        with pytest.raises(ArticleError, match="more than the 20,971,520 an article may have"):
            read_article(path)
        digest = stream_sha256(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(digest) == 64
    assert peak < 8 * 1024 * 1024, f"reading a refused file took {peak:,} bytes"
