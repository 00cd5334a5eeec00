"""Lock waits end: a held lock costs at most XLALIGN_LOCK_TIMEOUT and a sentence, and Ctrl-C ends the wait."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from xlalign import cancel
from xlalign.db import store
from xlalign.db.engine import get_engine, make_engine
from xlalign.db.locks import LockTimeout, lock_migrations, source_bucket
from xlalign.db.migrate import upgrade

from harness.samples import STORY_EN, doc


def _hold(url: str, sql: str, ready: threading.Event, release: threading.Event) -> None:
    engine = create_engine(url)
    with engine.connect() as conn, conn.begin():
        conn.execute(text(sql))
        ready.set()
        release.wait(60)
    engine.dispose()


@pytest.fixture
def holder(pg_db_url):
    """hold(sql): a session of another process that runs `sql` and keeps its transaction open."""
    release = threading.Event()
    threads = []

    def hold(sql: str) -> None:
        ready = threading.Event()
        t = threading.Thread(target=_hold, args=(pg_db_url, sql, ready, release), daemon=True)
        t.start()
        threads.append(t)
        assert ready.wait(30)

    yield hold
    release.set()
    for t in threads:
        t.join(30)


def test_a_held_source_lock_ends_in_a_sentence_not_a_hang(pg_db_url, holder, monkeypatch):
    """A run waiting on a lock held elsewhere used to wait 12+ minutes, deaf to SIGTERM."""
    engine = get_engine(pg_db_url)
    article = doc(STORY_EN, "news/held.txt")
    holder(f"SELECT bucket FROM xlalign_locks WHERE bucket = {source_bucket('news/held.txt')} FOR UPDATE")
    monkeypatch.setenv("XLALIGN_LOCK_TIMEOUT", "1.5")
    with pytest.raises(LockTimeout, match=r"gave up after waiting 1.5 s for the lock on versions of news/held.txt"):
        store.save_document(engine, article, run_id=None)
    store.save_document(engine, doc(STORY_EN, "news/other.txt"), run_id=None)  # other sources are not held up


def test_a_stop_request_ends_a_lock_wait_at_once(pg_db_url, holder):
    engine = get_engine(pg_db_url)
    holder(f"SELECT bucket FROM xlalign_locks WHERE bucket = {source_bucket('news/held.txt')} FOR UPDATE")
    timer = threading.Timer(0.5, cancel.request, args=(15,))
    timer.start()
    try:
        with pytest.raises(cancel.Stopped):
            store.save_document(engine, doc(STORY_EN, "news/held.txt"), run_id=None)
    finally:
        timer.cancel()
        cancel.reset()


def test_migrations_wait_for_each_other_with_a_timeout(pg_db_url, holder):
    get_engine(pg_db_url)
    holder("SELECT bucket FROM xlalign_locks WHERE bucket = -1 FOR UPDATE")
    engine = make_engine(pg_db_url)
    with engine.connect() as conn, conn.begin(), pytest.raises(LockTimeout, match="the migration lock"):
        lock_migrations(conn, timeout_s=1.0)


def test_a_migration_blocked_by_a_reader_gives_up_with_a_sentence(pg_db_url, holder, monkeypatch):
    """DDL waits for table locks too: a reader's open transaction on `runs` must not stall it for ever."""
    engine = make_engine(pg_db_url)
    upgrade(engine, "0003")
    holder("LOCK TABLE runs IN ACCESS SHARE MODE")
    monkeypatch.setenv("XLALIGN_LOCK_TIMEOUT", "1")
    with pytest.raises(LockTimeout, match="waiting for a table that another session is using"):
        upgrade(make_engine(pg_db_url))
