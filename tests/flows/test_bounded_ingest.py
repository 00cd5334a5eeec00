"""Bounded concurrency: a fixed number of workers, a pool sized for them, and no file ever lost.

Before: one task thread per file (3,253 threads) competed for 5 + 10 pooled
connections; a pool timeout was retried three times and then the file was
neither stored nor recorded: 358 to 1,300 files of 2,750-3,437 lost, exit 0.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from xlalign.db import engine as db_engine
from xlalign.db.migrate import upgrade
from xlalign.db.schema import documents, input_files, runs
from xlalign.stages.ingest import ingest_batch

ARTICLE = ("Story {n}: the regional council approved a plan to repair {n} bridges before the winter.\n\n"
           "Engineers said the work on bridge number {n} would start next week. Traffic will be diverted.\n")


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"s{i // 1000}").mkdir(exist_ok=True)
        (folder / f"s{i // 1000}" / f"story-{i:05d}.txt").write_text(ARTICLE.format(n=i), encoding="utf-8")


def test_a_pool_timeout_becomes_a_recorded_outcome_not_a_lost_file(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(db_engine, "POOL_SIZE", 1)
    monkeypatch.setattr(db_engine, "POOL_TIMEOUT_S", 0.2)
    engine = db_engine.make_engine(db_url)
    upgrade(engine)
    write_articles(tmp_path / "in", 2)
    files = sorted((tmp_path / "in").rglob("*.txt"))
    with engine.connect():  # the pool's only connection is taken: every checkout times out
        outcomes = ingest_batch(engine, files, run_id=None, retry_delays=(0.05, 0.05))
    assert [o.status for o in outcomes] == ["deferred", "deferred"]
    assert all("TimeoutError" in o.error and "tried again by the next run" in o.error for o in outcomes)
    assert [o.status for o in ingest_batch(engine, files, run_id=None)] == ["stored", "stored"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar_one() == 2
    engine.dispose()


@pytest.mark.slow
def test_3000_files_with_bad_ones_among_them_all_end_stored_or_recorded(prefect_harness, db_url, tmp_path):
    from xlalign.flows.process_articles import process_articles

    folder = tmp_path / "in"
    write_articles(folder, 3000)
    (folder / "s0" / "empty.txt").write_bytes(b"")
    (folder / "s1" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "s2" / "report.pdf").write_bytes(b"%PDF-1.4")  # another type: ignored, never read
    peak = [threading.active_count()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], threading.active_count())

    sampler = threading.Thread(target=sample, daemon=True)
    baseline = threading.active_count()
    sampler.start()
    try:
        summary = process_articles(paths=[str(folder)], db_url=db_url, workers=4)
    finally:
        stop.set()
        sampler.join()
    assert summary["files"] == 3002 and summary["documents"] == 3000 and summary["documents_new"] == 3000
    assert sorted(Path(f["source"]).name for f in summary["failures"]) == ["binary.txt", "empty.txt"]
    engine = db_engine.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar_one() == 3000
        by_status = dict(conn.execute(select(input_files.c.status, func.count()).group_by(input_files.c.status)).all())
        assert conn.execute(select(runs.c.status)).scalar_one() == "completed_with_failures"
    engine.dispose()
    assert by_status == {"processed": 3000, "failed": 2}, by_status
    # 4 batch workers (+ the heartbeat, the sampler, Prefect's own few), not a thread per file
    assert peak[0] - baseline <= 4 + 12, f"{peak[0] - baseline} threads above the {baseline} before the run"
