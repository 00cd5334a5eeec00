"""Inbox semantics, without Prefect: once per file, never half-written, failures kept."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from xlalign.db.engine import get_engine
from xlalign.db.schema import documents, input_files
from xlalign.flows.deploy import require_rendered
from xlalign.stages.inbox import files_to_process, scan_inbox, split_batches
from xlalign.stages.ingest import ingest_file
from xlalign.stages.runs import outcome_of

ARTICLE = ("The city council met on Monday to discuss the new budget for the schools of the district.\n\n"
           "Members agreed that teachers need better pay and more support in their classrooms, number {n}.\n")


def write_article(folder: Path, name: str, n: int, *, age_s: float = 3600) -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(n=n), encoding="utf-8")
    past = time.time() - age_s
    os.utime(path, (past, past))
    return path


@pytest.fixture
def engine(tmp_path):
    return get_engine(f"sqlite:///{tmp_path / 'inbox.sqlite'}")


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_each_file_is_processed_once(engine, inbox):
    a = write_article(inbox, "a.txt", 1)
    b = write_article(inbox, "b.txt", 2)
    assert files_to_process(engine, inbox, settle_seconds=30) == [str(a), str(b)]
    ingest_file(engine, a, run_id=None)
    assert files_to_process(engine, inbox, settle_seconds=30) == [str(b)]
    ingest_file(engine, b, run_id=None)
    assert files_to_process(engine, inbox, settle_seconds=30) == []
    assert a.exists() and b.exists(), "the inbox is the user's folder: nothing is moved or deleted"


def test_changed_file_is_processed_again_as_a_new_version(engine, inbox):
    a = write_article(inbox, "a.txt", 1)
    ingest_file(engine, a, run_id=None)
    write_article(inbox, "a.txt", 99)
    assert files_to_process(engine, inbox, settle_seconds=30) == [str(a)]


def test_recently_modified_file_waits_for_the_next_run(engine, inbox):
    old = write_article(inbox, "old.txt", 1)
    fresh = write_article(inbox, "fresh.txt", 2, age_s=1)
    scan = scan_inbox(engine, inbox, settle_seconds=30)
    assert scan.ready == [str(old)] and scan.settling == [str(fresh)]
    later = time.time() + 60
    assert files_to_process(engine, inbox, settle_seconds=30, now=later) == [str(fresh), str(old)]


def test_file_growing_while_hashed_is_not_read_half_way(engine, inbox, monkeypatch):
    """A writer that keeps an old mtime (cp -p, rsync) is caught by the size check."""
    growing = write_article(inbox, "growing.txt", 1)
    real_open = open

    def open_and_append(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        if Path(path) == growing:
            with real_open(growing, "ab") as writer:
                writer.write(b"More text arrives while we read.\n")
        return handle

    monkeypatch.setattr("builtins.open", open_and_append)
    scan = scan_inbox(engine, inbox, settle_seconds=0)
    assert scan.settling == [str(growing)] and scan.ready == []


def test_failed_file_is_recorded_with_its_error_and_not_retried(engine, inbox):
    bad = inbox / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02\xff" * 200)
    past = time.time() - 3600
    os.utime(bad, (past, past))
    outcome = ingest_file(engine, bad, run_id=None)
    assert outcome.error and outcome.document_id is None
    with engine.connect() as conn:
        row = conn.execute(select(input_files).where(input_files.c.source == str(bad))).one()
    assert row.status == "failed" and "bad.txt" in row.error
    assert files_to_process(engine, inbox, settle_seconds=30) == []
    assert bad.exists()


def test_transient_give_up_is_not_recorded_so_the_next_run_retries(engine, inbox):
    a = write_article(inbox, "a.txt", 1)
    down = OperationalError("INSERT ...", {}, ConnectionRefusedError("connection refused"))
    outcome = outcome_of(str(a), down, engine, run_id=None)
    assert outcome.error and "OperationalError" in outcome.error
    assert files_to_process(engine, inbox, settle_seconds=30) == [str(a)]


def test_crash_is_recorded_as_a_failure_of_that_file(engine, inbox):
    a = write_article(inbox, "a.txt", 1)
    outcome_of(str(a), RuntimeError("segmenter bug"), engine, run_id=None)
    with engine.connect() as conn:
        row = conn.execute(select(input_files).where(input_files.c.source == str(a))).one()
        assert conn.scalar(select(func.count()).select_from(documents)) == 0
    assert row.status == "failed" and "segmenter bug" in row.error
    assert files_to_process(engine, inbox, settle_seconds=30) == []


def test_missing_inbox_and_unrendered_placeholder_are_clear_errors(engine, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; create it"):
        files_to_process(engine, tmp_path / "nope")
    with pytest.raises(ValueError, match=r"XLALIGN_INBOX|unrendered prefect.yaml placeholder"):
        require_rendered("inbox", "{{ $XLALIGN_INBOX }}")  # what process_inbox checks before scanning


def test_split_batches_deals_every_file_once():
    files = [f"f{i}" for i in range(7)]
    batches = split_batches(files, 3)
    assert len(batches) == 3 and sorted(sum(batches, [])) == files
    assert split_batches(files[:1], 3) == [["f0"]] and split_batches([], 2) == []


def test_a_fifo_in_the_inbox_is_reported_once_and_never_opened(engine, inbox):
    from xlalign.stages.ingest import record_skipped

    os.mkfifo(inbox / "pipe.txt")
    a = write_article(inbox, "a.txt", 1)
    scan = scan_inbox(engine, inbox, settle_seconds=0)
    assert scan.ready == [str(a)] and [s.reason for s in scan.skipped] == [
        "is a FIFO (named pipe), not a regular file; xlalign reads only regular files"]
    record_skipped(engine, scan.skipped[0], run_id=None)
    again = scan_inbox(engine, inbox, settle_seconds=0)
    assert again.skipped == [] and str(inbox / "pipe.txt") in again.seen
