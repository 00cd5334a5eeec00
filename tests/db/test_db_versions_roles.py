"""A changed file becomes a new version without orphaning the old one; the researchers' read-only role."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from xlalign.cli.main import main
from xlalign.db import queries, store
from xlalign.db.engine import get_engine
from xlalign.db.roles import grant_readonly, readonly_role_sql
from xlalign.db.views import create_views

from harness.samples import BG_SOURCE, doc, populate
from harness.samples import STORY_BG as BG

BG_V2 = BG.replace("48 милиона", "52 милиона")


def test_a_changed_file_is_a_new_version_and_the_old_alignments_stay(db_url):
    engine = get_engine(db_url)
    first = populate(engine)
    second = populate(engine, bg=BG_V2, signature="align:test")
    assert second["bg_id"] != first["bg_id"] and second["en_id"] == first["en_id"]
    versions = queries.document_versions(engine, BG_SOURCE)
    assert [(v["id"], v["version"], v["supersedes_id"]) for v in versions] == [
        (first["bg_id"], 1, None), (second["bg_id"], 2, first["bg_id"])]
    with engine.connect() as conn:
        by_version = conn.execute(text("SELECT src_version, count(*) FROM parallel_sentences "
                                       "GROUP BY src_version ORDER BY src_version")).all()
        latest = conn.execute(text("SELECT version FROM document_versions "
                                   f"WHERE source = '{BG_SOURCE}' AND is_latest = 1")).scalar_one()
    assert [tuple(r) for r in by_version] == [(1, 2), (2, 2)] and latest == 2
    # the same content again is neither a new version nor new rows
    again = store.save_document(engine, doc(BG_V2, BG_SOURCE), run_id=None)
    assert again == (second["bg_id"], True) and len(queries.document_versions(engine, BG_SOURCE)) == 2


def test_readonly_role_reads_the_views_and_nothing_else(pg_db_url, capsys):
    engine = get_engine(pg_db_url)
    populate(engine)
    assert main(["db", "grant-readonly", "researcher_t", "--db", pg_db_url]) == 0
    assert "can now read the views" in capsys.readouterr().out
    grant_readonly(engine, "researcher_t")  # again: idempotent
    with engine.begin() as conn:
        create_views(conn)  # a later migration recreating the views keeps the grant
    reader = create_engine(pg_db_url.replace("postgres@", "researcher_t@"))
    try:
        with reader.connect() as conn:
            for view in ("parallel_sentences", "unaligned_sentences", "document_versions"):
                assert conn.execute(text(f"SELECT count(*) FROM {view}")).scalar_one() > 0
        for sql in ("SELECT count(*) FROM documents", "SELECT text FROM sentences"):
            with reader.connect() as conn, pytest.raises(Exception) as failed:
                conn.execute(text(sql))
            assert isinstance(failed.value.orig, psycopg.errors.InsufficientPrivilege), sql
        for sql in ("INSERT INTO runs (status) VALUES ('x')", "DELETE FROM alignments", "CREATE TABLE mine (x int)"):
            with reader.connect() as conn, pytest.raises(Exception) as failed:  # sessions are read-only ...
                conn.execute(text(sql))
            assert isinstance(failed.value.orig, psycopg.errors.ReadOnlySqlTransaction), sql
            with reader.connect() as conn, pytest.raises(Exception) as failed:  # ... and lack the rights anyway
                conn.execute(text("SET TRANSACTION READ WRITE"))
                conn.execute(text(sql))
            assert isinstance(failed.value.orig, psycopg.errors.InsufficientPrivilege), sql
        with reader.connect() as conn:  # and its sessions are read-only by default
            assert conn.execute(text("SHOW default_transaction_read_only")).scalar_one() == "on"
    finally:
        reader.dispose()
        with engine.begin() as conn:  # roles are cluster-wide: leave none behind
            conn.exec_driver_sql("DROP OWNED BY researcher_t")
            conn.exec_driver_sql("DROP ROLE researcher_t")



def test_readonly_role_is_refused_on_sqlite_with_advice(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(ValueError, match="only on PostgreSQL"):
        grant_readonly(engine, "researcher")
    with pytest.raises(ValueError, match="identifier"):
        readonly_role_sql("Robert'); DROP TABLE documents;--", "xlalign")
