"""Which inputs a run reads, and a sentence for every one it does not: FIFOs, devices, links, folders.

The issue this guards against: a FIFO named on the command line blocked the run
for ever; links out of the input folder were followed; loops, broken links and
unreadable folders were skipped without a word; one missing path refused the run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from xlalign.errors import ArticleError
from xlalign.ingest.finding import display_name, find_articles
from xlalign.ingest.reading import read_article

TEXT = "The tram line opened on Monday after two years of work. Passengers filled the first trams.\n"


def finish_within(seconds: float, fn, *args):
    """Run fn in a thread; fail (instead of hanging the suite) if it blocks."""
    result: dict = {}

    def target():
        try:
            result["value"] = fn(*args)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__} blocked for more than {seconds} s"
    if "error" in result:
        raise result["error"]
    return result["value"]


def reasons(found) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in found.skipped}


def test_a_fifo_is_refused_with_a_reason_and_never_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(TEXT)
    found = finish_within(10, find_articles, [fifo, tmp_path])
    assert found.files == [good]
    assert {s.reason for s in found.skipped} == {"is a FIFO (named pipe), not a regular file; xlalign reads only "
                                                 "regular files"}
    with pytest.raises(ArticleError, match="FIFO"):
        finish_within(10, read_article, fifo)


def test_a_device_is_refused_without_reading_it(tmp_path):
    """/dev/zero behind an article's name: read whole, it was an out-of-memory kill at 23.7 GB."""
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ArticleError, match="character device"):
        finish_within(10, read_article, link)
    found = find_articles([link])
    assert found.files == [] and [s.reason for s in found.skipped] == [
        "is a character device, not a regular file; xlalign reads only regular files"]


def test_links_loops_and_escapes_are_reported_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(TEXT)
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(TEXT)
    (root / "sub" / "b.txt").write_text(TEXT)
    (root / "inside-link.txt").symlink_to(root / "sub" / "b.txt")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "escape-dir").symlink_to(outside)
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "sub" / "loop").symlink_to(root)
    (root / "sub-again").symlink_to(root / "sub")
    found = find_articles([root])
    assert sorted(p.relative_to(root).as_posix() for p in found.files) == ["a.txt", "inside-link.txt"]
    why = reasons(found)
    assert set(why) == {"escape.txt", "escape-dir", "dangling.txt", "loop"}, why
    assert "outside the input folder" in why["escape.txt"] and "outside the input folder" in why["escape-dir"]
    assert why["dangling.txt"].startswith("is a broken symbolic link")
    assert "loop" in why["loop"]
    assert "secret" not in " ".join(str(p) for p in found.files)


def test_a_self_referencing_link_is_a_loop(tmp_path):
    (tmp_path / "me.txt").symlink_to(tmp_path / "me.txt")
    (tmp_path / "ok.txt").write_text(TEXT)
    found = find_articles([tmp_path, tmp_path / "me.txt"])
    assert [p.name for p in found.files] == ["ok.txt"]
    assert [s.reason for s in found.skipped] == ["is a symbolic link loop", "is a symbolic link loop"]


def test_a_missing_path_is_reported_and_the_others_are_read(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    found = find_articles([tmp_path / "nope", tmp_path])
    assert [p.name for p in found.files] == ["a.txt"]
    assert [(Path(s.path).name, s.reason) for s in found.skipped] == [("nope", "no such file or folder")]


def test_other_types_and_dot_files_are_ignored_and_counted(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF")
    (tmp_path / ".draft.txt").write_text(TEXT)
    found = find_articles([tmp_path])
    assert [p.name for p in found.files] == ["a.txt"] and found.skipped == [] and found.ignored == 2


def test_an_unreadable_folder_is_reported_and_the_rest_read(tmp_path):
    """Root reads any folder, so as root the walk runs in a child without the permission-override capabilities."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.txt").write_text(TEXT)
    (tmp_path / "open.txt").write_text(TEXT)
    (tmp_path / "locked").chmod(0o000)
    code = ("import sys; from xlalign.ingest.finding import find_articles; f = find_articles([sys.argv[1]]); "
            "print([p.name for p in f.files]); print([s.reason for s in f.skipped])")
    argv = [sys.executable, "-c", code, str(tmp_path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a folder unreadable")
        argv = [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", *argv]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert out.returncode == 0, out.stderr
    files, skipped = out.stdout.strip().splitlines()
    assert files == "['open.txt']"
    assert "folder cannot be read: Permission denied" in skipped


def test_names_that_are_not_utf8_are_shown_losslessly(tmp_path):
    raw = os.fsencode(tmp_path) + b"/bad_\xff\\name.txt"
    with open(raw, "wb") as f:
        f.write(TEXT.encode())
    found = find_articles([tmp_path])
    assert len(found.files) == 1
    shown = display_name(found.files[0])
    shown.encode("utf-8")  # storable
    assert shown.endswith("bad_\\xff\\\\name.txt")
    article = read_article(found.files[0])
    assert article.source == shown and any("not valid UTF-8" in w for w in article.warnings)
    assert display_name(tmp_path / "plain-ü.txt") == str(tmp_path / "plain-ü.txt")
