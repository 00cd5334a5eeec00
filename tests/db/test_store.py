"""The store on SQLite and on a real PostgreSQL server: idempotent writes and the researchers' view."""
from __future__ import annotations

from sqlalchemy import func, select, text

from xlalign.align import Group as G
from xlalign.db import queries, store
from xlalign.db.engine import get_engine
from xlalign.db.schema import alignment_sentences, alignments, documents, paragraphs, sentences, translations

from harness.samples import STORY_BG as BG
from harness.samples import STORY_EN as EN
from harness.samples import doc


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (documents, paragraphs, sentences, translations, alignments, alignment_sentences)}


def _store_everything(engine, run_id):
    bg_id, _ = store.save_document(engine, doc(BG, "bg.txt"), run_id=run_id)
    en_id, _ = store.save_document(engine, doc(EN, "en.txt"), run_id=run_id)
    with engine.connect() as conn:
        bg_rows = queries.document_sentences(conn, bg_id)
        en_rows = queries.document_sentences(conn, en_id)
    mt = ["Plovdiv opened a new tram line on Monday.", "The line is 7.2 km long.", "The mayor said it cost 48M."]
    store.save_translations(engine, [dict(sentence_id=sid, model="argos:test@1", target_lang="en", text=t,
                                          source_sha256=store.text_sha256(s), signature="argos:test@1|beam:4",
                                          params={"beam": 4}, reused_from=None, run_id=run_id)
                                     for (sid, s), t in zip(bg_rows, mt)])
    pair_id = store.save_pair(engine, src_document_id=bg_id, tgt_document_id=en_id, score=0.9, mode="parallel",
                              method="test", params={}, run_id=run_id)
    groups = [G((0,), (0,), 0.8), G((1, 2), (1, 2), 0.7), G((), (), None)][:2] + [G((), (2,), None)]
    added = store.save_alignment(engine, pair_id=pair_id, groups=groups, src_ids=[r[0] for r in bg_rows],
                                 tgt_ids=[r[0] for r in en_rows], method="hybrid", mode="parallel",
                                 signature="align:test", params={"k": 1}, mt_model="argos:test@1",
                                 embedding_model="e5", run_id=run_id)
    return added


def test_store_is_idempotent_and_the_view_reads_in_order(db_url):
    engine = get_engine(db_url)
    run_id = store.start_run(engine, parameters={"test": True}, versions={})
    assert _store_everything(engine, run_id) == 3
    first = _counts(engine)
    assert first["documents"] == 2 and first["sentences"] == 6 and first["translations"] == 3
    assert _store_everything(engine, run_id) == 0
    assert _counts(engine) == first
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(
            "SELECT src_lang, src_text, mt_text, tgt_lang, tgt_text, score, kind, method, model, "
            "src_source, tgt_source FROM parallel_sentences ORDER BY alignment_id"))]
    assert [r["kind"] for r in rows] == ["1-1", "2-2"]  # the 0-1 group is not a parallel pair
    assert rows[1]["src_text"] == ("Линията е дълга 7,2 километра. "
                                   "Кметът каза, че проектът е струвал 48 милиона евро.")
    assert rows[1]["mt_text"] == "The line is 7.2 km long. The mayor said it cost 48M."
    assert rows[1]["tgt_text"] == "The line is 7.2 kilometres long. The mayor said the project cost 48 million euros."
    assert rows[0]["model"] == "argos:test@1" and rows[0]["src_source"] == "bg.txt" and rows[0]["tgt_lang"] == "en"
    with engine.connect() as conn:
        unaligned = conn.execute(text("SELECT side, text FROM unaligned_sentences")).all()
    assert [tuple(r) for r in unaligned] == [("target", "The mayor said the project cost 48 million euros.")]


def test_translation_cache_finds_same_text_in_another_document(db_url):
    engine = get_engine(db_url)
    _store_everything(engine, None)
    sha = store.text_sha256("Линията е дълга 7,2 километра.")
    cached = queries.cached_translations(engine, model="argos:test@1", hashes=[sha, "0" * 64])
    assert list(cached) == [sha] and cached[sha][1] == "The line is 7.2 km long."
    assert queries.untranslated_sentences(engine, lang="bg", model="argos:test@1") == []
    assert len(queries.untranslated_sentences(engine, lang="bg", model="argos:other@2")) == 3


def test_bulk_insert_is_idempotent_and_searchable(db_url):
    """xlalign.db.bulk: COPY (PostgreSQL) / executemany (SQLite) with the store's natural-key rule."""
    from xlalign.db.bulk import bulk_insert, bulk_loading, finish_bulk_load, max_ids, sync_sequences
    from xlalign.db.search import search_pairs

    engine = get_engine(db_url)
    _store_everything(engine, None)
    with engine.connect() as conn:
        start = max_ids(conn, [sentences])["sentences"]
        doc_id = conn.execute(select(documents.c.id).where(documents.c.source == "bg.txt")).scalar_one()
    rows = [(start + i + 1, doc_id, 100 + i, 0, f"Bulk sentence {i} about Haskovo.", store.text_sha256(str(i)),
             0, 10, "bg") for i in range(50)]
    cols = ("id", "document_id", "position", "paragraph_position", "text", "text_sha256", "char_start", "char_end",
            "lang")
    with bulk_loading(engine) as conn:
        for _ in range(2):
            with conn.begin():
                assert bulk_insert(conn, sentences, cols, iter(rows), ["document_id", "position"], batch=20) == 50
                sync_sequences(conn, [sentences])
                finish_bulk_load(conn)
    assert _counts(engine)["sentences"] == 6 + 50
    store.save_document(engine, doc(EN.replace("Monday", "Tuesday"), "en2.txt"), run_id=None)  # sequence moved on
    with engine.connect() as conn:
        found = conn.execute(text(
            "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'Haskovo'" if conn.dialect.name == "sqlite"
            else "SELECT count(*) FROM sentences WHERE tsv @@ plainto_tsquery('simple', 'Haskovo')"
        )).scalar_one()
    assert found == 50
    assert search_pairs(engine, "Haskovo") == []  # searchable, but in no aligned pair


def test_summary_and_its_example_query_work_on_both(db_url):
    from xlalign.db.summary import database_summary, example_rows

    engine = get_engine(db_url)
    _store_everything(engine, None)
    assert database_summary(engine)["aligned_pairs"] == 2
    assert [float(r["score"]) for r in example_rows(engine)] == [0.8, 0.7]
