"""Run rows that tell the truth: statuses that fit, dead runs recognised, counts of what this run stored."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select, text, update

from xlalign.db import queries, store
from xlalign.db.engine import get_engine, make_engine
from xlalign.db.migrate import head_revision, upgrade
from xlalign.db.schema import alignments, runs
from xlalign.records import Group
from xlalign.stages import runs as run_stage
from xlalign.stages.alignment import AlignOutcome
from xlalign.stages.ingest import IngestOutcome

from harness.samples import populate


def test_every_final_status_fits_on_both_databases(db_url):
    """`completed_with_failures` did not fit VARCHAR(16) on PostgreSQL: every run with one bad file failed."""
    engine = get_engine(db_url)
    for status in ("completed", "completed_with_failures", "failed", "interrupted"):
        run_id = run_stage.begin(engine, paths=["x"])
        store.finish_run(engine, run_id, status=status, summary={"files": 1})
        with engine.connect() as conn:
            assert conn.execute(select(runs.c.status).where(runs.c.id == run_id)).scalar_one() == status


def test_a_run_row_says_who_runs_it_and_when_it_was_last_alive(db_url):
    engine = get_engine(db_url)
    run_id = run_stage.begin(engine, paths=["x"])
    with engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.id == run_id)).one()
    assert row.pid == __import__("os").getpid() and row.host == run_stage.this_host() and row.heartbeat_at
    first = row.heartbeat_at
    with run_stage.Heartbeat(engine, run_id, interval_s=0.05):
        time.sleep(0.5)
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.heartbeat_at).where(runs.c.id == run_id)).scalar_one() > first


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_run_whose_process_died_is_reported_and_marked_abandoned(db_url):
    """kill -9 used to leave `running` rows for ever, indistinguishable from live runs."""
    engine = get_engine(db_url)
    dead = run_stage.begin(engine, paths=["a"])
    alive = run_stage.begin(engine, paths=["b"])
    elsewhere = run_stage.begin(engine, paths=["c"])
    ancient = run_stage.begin(engine, paths=["d"])
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == dead).values(pid=_dead_pid()))
        conn.execute(update(runs).where(runs.c.id == elsewhere).values(host="another-host", pid=1,
                                                                        heartbeat_at=now - timedelta(hours=1)))
        conn.execute(update(runs).where(runs.c.id == ancient).values(host=None, pid=None, heartbeat_at=None,
                                                                      started_at=now - timedelta(days=3)))
    assert run_stage.dead_runs(engine, mark=False)[0].startswith(f"run {dead} ")
    sentences = run_stage.dead_runs(engine)
    assert len(sentences) == 3
    assert f"run {dead} " in sentences[0] and "its process is gone" in sentences[0] and "marked abandoned" in sentences[0]
    assert f"run {elsewhere} " in sentences[1] and "has not reported since" in sentences[1]
    assert f"run {ancient} (a process of an older xlalign)" in sentences[2] and "silent for over a day" in sentences[2]
    with engine.connect() as conn:
        status = dict(conn.execute(select(runs.c.id, runs.c.status)).all())
    assert status[dead] == status[ancient] == "abandoned"
    assert status[alive] == "running" and status[elsewhere] == "running"
    assert run_stage.dead_runs(engine) == sentences[1:2], "marked rows are not reported again"


def test_a_database_at_0003_with_a_running_row_upgrades(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO runs (status) VALUES ('running')"))
    assert upgrade(engine) == head_revision()
    engine = get_engine(db_url)
    store.finish_run(engine, 1, status="completed_with_failures", summary={})
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM xlalign_locks")).scalar_one() == 1025
        assert conn.execute(text("SELECT status, pid FROM runs")).one() == ("completed_with_failures", None)


def test_alignment_groups_added_counts_only_rows_this_call_inserted(db_url):
    """Under READ COMMITTED a count before and after also counted the rows a concurrent run committed: 801 for 423."""
    engine = get_engine(db_url)
    ids = populate(engine)
    with engine.connect() as conn:
        src = [r[0] for r in conn.execute(text(f"SELECT id FROM sentences WHERE document_id = {ids['bg_id']}"))]
        tgt = [r[0] for r in conn.execute(text(f"SELECT id FROM sentences WHERE document_id = {ids['en_id']}"))]
    groups = [Group((0,), (0,), 0.9), Group((1,), (1,), 0.8)]
    kwargs = dict(pair_id=ids["pair_id"], groups=groups, src_ids=src, tgt_ids=tgt, method="mt", mode="parallel",
                  signature="race", params={}, mt_model=None, embedding_model=None)
    other = create_engine(db_url)
    try:
        with other.connect() as conn:  # another run inserts the same rows and has not committed yet
            with conn.begin():
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("SELECT 1")  # (SQLite: BEGIN IMMEDIATE below makes the writer wait)
                for i, g in enumerate(groups):
                    conn.execute(alignments.insert().values(pair_id=ids["pair_id"], position=i, src_positions="[0]",
                                                            tgt_positions="[0]", kind=g.kind, score=g.score,
                                                            method="mt", mode="parallel", signature="race",
                                                            params="{}", run_id=None))
                got: dict = {}
                racer = threading.Thread(target=lambda: got.update(n=store.save_alignment(engine, **kwargs, run_id=None)))
                racer.start()
                time.sleep(1.0)  # the racer now waits on the uncommitted rows (PostgreSQL) or the write lock
        racer.join(60)
    finally:
        other.dispose()
    assert got["n"] == 0, "the rows were inserted by the other transaction, not by this call"
    assert store.save_alignment(engine, **kwargs, run_id=None) == 0


def test_the_summary_counts_rows_of_this_run_whatever_the_stages_believed(db_url):
    """A retried stage that found its rows already written reported fewer (171 where 212 were stored)."""
    engine = get_engine(db_url)
    run_id = run_stage.begin(engine, paths=["x"])
    ids = populate(engine)
    with engine.begin() as conn:
        conn.execute(update(alignments).values(run_id=run_id))
    believed = AlignOutcome(pairs=1, alignments_added=999)
    summary = run_stage.finish(engine, run_id, [IngestOutcome(source="a", document_id=ids["bg_id"], lang="bg")], [],
                               believed)
    assert summary["alignment_groups_added"] == 3 == queries.run_counts(engine, run_id)["alignment_groups_added"]
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.status).where(runs.c.id == run_id)).scalar_one() == "completed"
