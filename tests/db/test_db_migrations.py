"""Alembic migrations: an empty database, a version-1 database with rows, a pre-Alembic database."""
from __future__ import annotations

from sqlalchemy import func, inspect, select, text

from xlalign.cli.main import main
from xlalign.db.engine import get_engine, make_engine
from xlalign.db.migrate import BASELINE, current_revision, head_revision, upgrade
from xlalign.db.migrations import schema_v1, views_v1
from xlalign.db.search import search_pairs


def test_empty_database_migrates_to_head_and_upgrade_is_repeatable(db_url, capsys):
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert "upgraded from revision none" in capsys.readouterr().out
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision() == "0007"
    names = inspect(engine)
    assert {"documents", "sentences", "alignments", "alembic_version"} <= set(names.get_table_names())
    assert {"parallel_sentences", "unaligned_sentences", "document_versions"} <= set(names.get_view_names())
    assert {"version", "supersedes_id"} <= {c["name"] for c in names.get_columns("documents")}
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert "is at the current schema (revision 0007)" in capsys.readouterr().out


def _insert_v1_rows(engine) -> None:
    """What xlalign 0.1 stored: two versions of one file, a target, a translation, an alignment."""
    t = schema_v1.metadata.tables
    common = dict(lang="bg", lang_confidence=0.99, fmt="txt", encoding="utf-8", n_bytes=10, raw_text="x")
    with engine.begin() as conn:
        conn.execute(t["documents"].insert(), [
            dict(id=1, sha256="a" * 64, source="news/bg.txt", clean_text="Старият Пловдив.", **common),
            dict(id=2, sha256="b" * 64, source="news/bg.txt", clean_text="Новият Пловдив.", **common),
            dict(id=3, sha256="c" * 64, source="news/en.txt", clean_text="Old Plovdiv.",
                 **dict(common, lang="en")),
        ])
        conn.execute(t["sentences"].insert(), [
            dict(id=10, document_id=1, position=0, paragraph_position=0, text="Старият Пловдив.",
                 text_sha256="1" * 64, char_start=0, char_end=16, lang="bg"),
            dict(id=20, document_id=2, position=0, paragraph_position=0, text="Новият Пловдив.",
                 text_sha256="2" * 64, char_start=0, char_end=15, lang="bg"),
            dict(id=30, document_id=3, position=0, paragraph_position=0, text="Old Plovdiv.",
                 text_sha256="3" * 64, char_start=0, char_end=12, lang="en"),
        ])
        conn.execute(t["translations"].insert(), [dict(
            sentence_id=10, model="argos:bg_en@1.0", target_lang="en", text="The old Plovdiv.",
            source_sha256="1" * 64, signature="argos:bg_en@1.0")])
        conn.execute(t["document_pairs"].insert(), [dict(id=5, src_document_id=1, tgt_document_id=3, score=0.9,
                                                         mode="parallel", method="test")])
        conn.execute(t["alignments"].insert(), [dict(id=7, pair_id=5, position=0, src_positions="[0]",
                                                     tgt_positions="[0]", kind="1-1", score=0.75, method="mt",
                                                     mode="parallel", mt_model="argos:bg_en@1.0",
                                                     signature="sig-v1")])
        conn.execute(t["alignment_sentences"].insert(), [dict(alignment_id=7, side="src", ord=0, sentence_id=10),
                                                         dict(alignment_id=7, side="tgt", ord=0, sentence_id=30)])
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them, as v1 use would have
            for table in ("documents", "sentences", "document_pairs", "alignments"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))


def _check_v1_rows_survived(engine) -> None:
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT document_id, source, version, supersedes_id, is_latest "
                                     "FROM document_versions ORDER BY document_id")).all()
        assert [tuple(r) for r in versions] == [(1, "news/bg.txt", 1, None, 0), (2, "news/bg.txt", 2, 1, 1),
                                                (3, "news/en.txt", 1, None, 1)]
        pairs = conn.execute(text("SELECT src_text, mt_text, tgt_text, score, signature, src_version "
                                  "FROM parallel_sentences")).all()
        assert [tuple(r) for r in pairs] == [("Старият Пловдив.", "The old Plovdiv.", "Old Plovdiv.", 0.75,
                                              "sig-v1", 1)]
        counts = {n: conn.execute(text(f"SELECT count(*) FROM {n}")).scalar_one()
                  for n in ("sentences", "translations", "alignment_sentences")}
        assert counts == {"sentences": 3, "translations": 1, "alignment_sentences": 2}
        # revision 0003 records the existing alignment, so the pipeline will not make it again
        made = conn.execute(text("SELECT pair_id, signature, method, mode, groups FROM pair_alignments")).all()
        assert [tuple(r) for r in made] == [(5, "sig-v1", "mt", "parallel", 1)]
    # the full-text index was built over the rows that existed before it
    assert [h["signature"] for h in search_pairs(engine, "Plovdiv")] == ["sig-v1"]
    assert [h["signature"] for h in search_pairs(engine, "Старият")] == ["sig-v1"]


def test_a_version_1_database_with_rows_upgrades_to_head(db_url):
    engine = make_engine(db_url)
    assert upgrade(engine, BASELINE) == BASELINE
    assert "version" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    _insert_v1_rows(engine)
    assert upgrade(engine) == head_revision()
    _check_v1_rows_survived(engine)


def test_a_database_made_before_migrations_is_stamped_and_upgraded(db_url):
    """xlalign 0.1 made its tables with create_all and no alembic_version table."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        schema_v1.metadata.create_all(conn)
        views_v1.create_views(conn)
    _insert_v1_rows(engine)
    assert current_revision(engine) is None
    engine = get_engine(db_url)  # what every command does
    assert current_revision(engine) == head_revision()
    _check_v1_rows_survived(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(text("alembic_version"))).scalar_one() == 1


def test_the_store_writes_after_upgrading_a_version_1_database(db_url):
    from xlalign.db import queries, store

    from harness.samples import STORY_BG as BG
    from harness.samples import doc

    engine = make_engine(db_url)
    upgrade(engine, BASELINE)
    _insert_v1_rows(engine)
    engine = get_engine(db_url)
    doc_id, _ = store.save_document(engine, doc(BG, "news/bg.txt"), run_id=None)
    rows = queries.document_versions(engine, "news/bg.txt")
    assert [(r["version"], r["supersedes_id"]) for r in rows] == [(1, None), (2, 1), (3, 2)]
    assert rows[-1]["id"] == doc_id


def test_a_database_from_a_newer_xlalign_is_refused_with_advice(tmp_path):
    import pytest

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(RuntimeError, match="newer xlalign"):
        upgrade(make_engine(url))


def test_revision_0005_keeps_metadata_and_a_full_text_index_sqlite_utils_recognises(tmp_path):
    """0002 wrote content='sentences', which sqlite-utils and Datasette did not recognise as full-text search."""
    import sqlite_utils

    from xlalign.db import store

    from harness.samples import STORY_EN, doc

    path = tmp_path / "x.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, BASELINE)
    _insert_v1_rows(engine)
    upgrade(engine, "0003")
    assert sqlite_utils.Database(path)["sentences"].detect_fts() is None  # the bug, before 0005
    assert upgrade(engine) == head_revision()
    db = sqlite_utils.Database(path)
    assert db["sentences"].detect_fts() == "sentences_fts"
    assert db["translations"].detect_fts() == "translations_fts"
    assert [r["rowid"] for r in db["sentences"].search("Пловдив")] == [10, 20]  # rows from before the migration
    _check_v1_rows_survived(engine)
    page = doc(STORY_EN + "\nOriginal url:\n\n<https://news.example/2026/03/02/tram>\n", "news/en2.txt")
    doc_id, _ = store.save_document(engine, page, run_id=None)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT url, published, outlet FROM document_versions WHERE document_id = :d"),
                           {"d": doc_id}).one()
        trigram = conn.execute(text("SELECT count(*) FROM sentences_trigram WHERE sentences_trigram MATCH 'lovdi'")).scalar()
    assert tuple(row) == ("https://news.example/2026/03/02/tram", "2026-03-02", "news.example")
    assert trigram == 2  # the new document's first sentence, and "Old Plovdiv." from before


def test_revision_0005_downgrades_and_upgrades_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine, BASELINE)
    _insert_v1_rows(engine)
    upgrade(engine)
    from alembic import command

    from xlalign.db.migrate import alembic_config

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert "url" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    assert "alignment_groups" not in inspect(engine).get_view_names()
    _check_v1_rows_survived(engine)
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        groups = conn.execute(text("SELECT pair_id, kind, src_text, mt_text, tgt_text FROM alignment_groups")).all()
    assert [tuple(g) for g in groups] == [(5, "1-1", "Старият Пловдив.", "The old Plovdiv.", "Old Plovdiv.")]


def test_revision_0005_keeps_researchers_reading_and_lets_them_read_the_new_views(pg_db_url):
    engine = make_engine(pg_db_url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS reader_0005"))
        conn.execute(text("CREATE ROLE reader_0005"))
        conn.execute(text("GRANT SELECT ON parallel_sentences, unaligned_sentences, document_versions TO reader_0005"))
    upgrade(engine)
    with engine.connect() as conn:
        for view in ("parallel_sentences", "document_versions", "alignment_groups", "pair_summaries"):
            assert conn.execute(text(f"SELECT has_table_privilege('reader_0005', '{view}', 'SELECT')")).scalar(), view
        assert not conn.execute(text("SELECT has_table_privilege('reader_0005', 'documents', 'SELECT')")).scalar()
    with engine.begin() as conn:
        conn.execute(text("DROP OWNED BY reader_0005"))
        conn.execute(text("DROP ROLE reader_0005"))
