"""The read-only role against the probes of issue 10: large objects, its own defaults, TEMP, lock keys,
and a password with shell and SQL metacharacters that is never printed."""
from __future__ import annotations

import threading

import psycopg
import pytest
from sqlalchemy import make_url

from xlalign.cli.main import main
from xlalign.db import store
from xlalign.db.engine import get_engine, make_engine
from xlalign.db.locks import LEGACY_ADVISORY_KEY, lock_migrations, source_bucket
from xlalign.db.migrate import head_revision, upgrade

from harness.samples import STORY_EN, doc, populate

ROLE = "researcher_p"
PASSWORD = "pa$$word'; DROP TABLE documents; --"


@pytest.fixture
def reader(pg_db_url, capsys, caplog):
    """A database with data, the role made by the CLI with PASSWORD, and a psycopg session as that role."""
    populate(get_engine(pg_db_url))
    url = make_url(pg_db_url)
    assert main(["db", "grant-readonly", ROLE, "--password", PASSWORD, "--db", pg_db_url]) == 0
    printed = capsys.readouterr()
    assert PASSWORD not in printed.out + printed.err + caplog.text
    conn = psycopg.connect(host=url.host, port=url.port, user=ROLE, password=PASSWORD, dbname=url.database,
                           autocommit=True)
    try:
        yield conn
    finally:
        conn.close()
        admin = psycopg.connect(host=url.host, port=url.port, user="postgres", dbname=url.database, autocommit=True)
        with admin:
            admin.execute(f"DROP OWNED BY {ROLE}")
            admin.execute(f"DROP ROLE {ROLE}")


def _denied(conn, sql: str) -> str:
    with pytest.raises(psycopg.Error) as failed:
        conn.execute(sql)
    return type(failed.value).__name__


def test_the_password_is_hashed_and_the_role_logs_in_with_it(reader, pg_db_url):
    assert reader.execute("SELECT current_user").fetchone() == (ROLE,)
    with psycopg.connect(make_url(pg_db_url).render_as_string(hide_password=False).replace("+psycopg", "")) as admin:
        stored = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (ROLE,)).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$") and "pa$$" not in stored
        assert admin.execute("SELECT count(*) FROM documents").fetchone()[0] > 0, "the password did not inject"


def test_read_write_mode_gains_nothing_even_after_changing_its_own_defaults(reader, pg_db_url):
    """PostgreSQL lets every role turn its read-only default off; the privileges it lacks are the lock."""
    reader.execute("SET default_transaction_read_only = off")
    reader.execute(f"ALTER ROLE {ROLE} SET default_transaction_read_only = off")  # allowed, and useless:
    url = make_url(pg_db_url)
    again = psycopg.connect(host=url.host, port=url.port, user=ROLE, password=PASSWORD, dbname=url.database,
                            autocommit=True)
    with again:
        assert again.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
        for sql in ("SELECT lo_from_bytea(0, 'x'::bytea)", "SELECT lo_creat(-1)", "SELECT lo_create(0)",
                    "CREATE TEMP TABLE t (x int)", "CREATE TABLE t (x int)", "INSERT INTO runs (status) VALUES ('x')",
                    "DELETE FROM alignments", "SELECT count(*) FROM documents", "ALTER ROLE researcher_p CREATEDB",
                    "SELECT bucket FROM xlalign_locks FOR UPDATE", "UPDATE xlalign_locks SET bucket = bucket"):
            assert _denied(again, sql) == "InsufficientPrivilege", sql
        with again.transaction():
            assert _denied(again, "LOCK TABLE xlalign_locks IN ROW SHARE MODE") == "InsufficientPrivilege"
        assert again.execute("SELECT count(*) FROM parallel_sentences").fetchone()[0] > 0
    with psycopg.connect(host=url.host, port=url.port, user="postgres", dbname=url.database) as admin:
        assert admin.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone() == (0,)


def test_its_advisory_locks_stall_neither_ingestion_nor_migration(reader, pg_db_url, monkeypatch):
    """Holding xlalign's old lock keys used to stall every run and migration; now they are no lock of xlalign's."""
    source = "news/stalled.txt"
    reader.execute("SELECT pg_advisory_lock(%s)", (LEGACY_ADVISORY_KEY,))
    reader.execute("SELECT pg_advisory_lock(hashtext(%s))", ("xlalign:source:" + source,))
    reader.execute("SELECT pg_advisory_lock(%s)", (source_bucket(source),))
    monkeypatch.setenv("XLALIGN_LOCK_TIMEOUT", "5")
    done: dict = {}

    def ingest_and_lock_for_a_migration() -> None:
        done["doc"] = store.save_document(get_engine(pg_db_url), doc(STORY_EN, source), run_id=None)
        with make_engine(pg_db_url).connect() as conn, conn.begin():
            lock_migrations(conn)  # what the next revision's upgrade takes first
            done["migration_lock"] = True
        done["revision"] = upgrade(make_engine(pg_db_url))

    worker = threading.Thread(target=ingest_and_lock_for_a_migration, daemon=True)
    worker.start()
    worker.join(60)
    assert done.get("migration_lock") and done.get("revision") == head_revision() and done["doc"][0] > 0, done
