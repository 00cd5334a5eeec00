"""Reading files: identity by content, encodings, and clear errors for bad input."""
from __future__ import annotations

import hashlib

import pytest

from xlalign.errors import ArticleError
from xlalign.ingest.reading import article_files, read_article

from harness.broken_inputs import write_broken_inputs


def test_identity_is_sha256_of_raw_bytes(tmp_path):
    raw = "Една статия за трамваи в Пловдив.\n".encode()
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_bytes(raw)
    b.write_bytes(raw)
    assert read_article(a).sha256 == read_article(b).sha256 == hashlib.sha256(raw).hexdigest()


def test_utf8_bom_and_crlf_are_normalised(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffFirst line.\r\nSecond line.\r\n".encode("utf-8"))
    article = read_article(path)
    assert article.text == "First line.\nSecond line.\n"
    assert article.encoding == "utf-8" and not article.warnings


@pytest.mark.parametrize("kind, message", [
    ("empty", "file is empty"),
    ("binary", "binary file"),
    ("huge_line", "line 1 is 5,242,880 characters long"),
])
def test_broken_files_raise_errors_naming_file_and_problem(tmp_path, kind, message):
    path = write_broken_inputs(tmp_path)[kind]
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_latin1_is_decoded_with_a_warning(tmp_path):
    path = write_broken_inputs(tmp_path)["latin1"]
    article = read_article(path)
    assert "café" in article.text and "Genève" in article.text
    assert article.encoding != "utf-8"
    assert article.warnings and "not valid UTF-8" in article.warnings[0] and str(path) in article.warnings[0]


def test_unsupported_suffix_and_missing_file(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ArticleError, match="unsupported file type '.pdf'"):
        read_article(pdf)
    with pytest.raises(ArticleError, match="file not found"):
        read_article(tmp_path / "missing.txt")


def test_folders_expand_to_article_files_once(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("a.txt", "sub/b.html", "c.pdf", ".hidden/d.txt"):
        (tmp_path / name).write_text("x")
    found = article_files([tmp_path, tmp_path / "a.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "sub/b.html"]
