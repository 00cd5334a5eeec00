"""The views show the parallel text as it stands: current pairs only, each pair's newest alignment marked."""
from __future__ import annotations

from sqlalchemy import text, update

from xlalign.db import queries, store
from xlalign.db.engine import get_engine, writing
from xlalign.db.schema import document_pairs
from xlalign.records import Group

from harness.samples import populate


def _rows(engine, sql: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql))]


def test_a_newer_alignment_is_latest_and_the_older_one_stays(db_url):
    engine = get_engine(db_url)
    ids = populate(engine)  # one alignment, signature "align:test"
    with engine.connect() as conn:
        bg = [sid for sid, _ in queries.document_sentences(conn, ids["bg_id"])]
        en = [sid for sid, _ in queries.document_sentences(conn, ids["en_id"])]
    store.save_alignment(engine, pair_id=ids["pair_id"], groups=[Group((0,), (0,), 0.9), Group((1, 2), (1, 2), 0.7)],
                         src_ids=bg, tgt_ids=en, method="hybrid", mode="parallel", signature="align:newer",
                         params={}, mt_model="human", embedding_model="e5", run_id=None)
    rows = _rows(engine, "SELECT signature, is_latest, score FROM parallel_sentences ORDER BY alignment_id")
    assert [(r["signature"], r["is_latest"]) for r in rows] == [
        ("align:test", 0), ("align:test", 0), ("align:newer", 1), ("align:newer", 1)]
    unmatched = _rows(engine, "SELECT signature, is_latest FROM unaligned_sentences")
    assert unmatched == [{"signature": "align:test", "is_latest": 0}]  # the newer alignment left nothing unmatched


def test_a_pair_no_longer_current_leaves_the_views_but_not_the_tables(db_url):
    engine = get_engine(db_url)
    ids = populate(engine)
    assert len(_rows(engine, "SELECT * FROM parallel_sentences")) == 2
    assert len(_rows(engine, "SELECT * FROM pair_summaries")) == 1
    with writing(engine) as conn:
        conn.execute(update(document_pairs).where(document_pairs.c.id == ids["pair_id"]).values(is_current=False))
    assert _rows(engine, "SELECT * FROM parallel_sentences") == []
    assert _rows(engine, "SELECT * FROM unaligned_sentences") == []
    assert _rows(engine, "SELECT * FROM pair_summaries") == []
    assert _rows(engine, "SELECT count(*) AS n FROM alignments")[0]["n"] == 3  # history is kept
