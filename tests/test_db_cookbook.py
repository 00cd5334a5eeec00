"""The README's SQL cookbook: the README shows exactly `db.cookbook`, and every query runs on both databases.

`populate` (also used by the other test_db_* modules) stores a small Bulgarian–English
story under the names the cookbook queries use.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from align import Group as G
from db import store
from db.cookbook import RECIPES, render_markdown
from db.engine import get_engine
from pipeline.prepare import prepare_article
from translate.reading import decode_article

README = Path(__file__).resolve().parents[1] / "README.md"
BG_SOURCE, EN_SOURCE = "news/plovdiv-tram.bg.txt", "news/plovdiv-tram.en.txt"
MODEL = "argos:translate-bg_en@1.9"
BG = ("Град Пловдив откри нова трамвайна линия в понеделник. Линията е дълга 7,2 километра.\n\n"
      "Кметът каза, че проектът е струвал 48 милиона евро.\n")
EN = ("The city of Plovdiv opened a new tram line on Monday. The line is 7.2 kilometres long.\n\n"
      "The mayor said the project cost 48 million euros.\n")
MT = ["The city of Plovdiv opened a new tram line on Monday.", "The line is 7.2 km long.",
      "The mayor said it cost 48M."]


def doc(body: str, source: str):
    return prepare_article(decode_article(body.encode(), source=source, fmt="txt"))


def populate(engine, *, bg: str = BG, mt: list[str] = MT, signature: str = "align:test") -> dict:
    """Store the story, translations and one alignment (a 1-1 at 0.8, a 1-1 at 0.6, an unmatched 0-1)."""
    bg_id, _ = store.save_document(engine, doc(bg, BG_SOURCE), run_id=None)
    en_id, _ = store.save_document(engine, doc(EN, EN_SOURCE), run_id=None)
    with engine.connect() as conn:
        bg_rows = store.document_sentences(conn, bg_id)
        en_rows = store.document_sentences(conn, en_id)
    store.save_translations(engine, [dict(sentence_id=sid, model=MODEL, target_lang="en", text=t,
                                          source_sha256=store.text_sha256(s), signature=f"{MODEL}|beam:4",
                                          params={"beam": 4}, reused_from=None, run_id=None)
                                     for (sid, s), t in zip(bg_rows, mt)])
    pair_id = store.save_pair(engine, src_document_id=bg_id, tgt_document_id=en_id, score=0.9, mode="parallel",
                              method="test", params={}, run_id=None)
    groups = [G((0,), (0,), 0.8), G((1, 2), (1,), 0.6), G((), (2,), None)]
    store.save_alignment(engine, pair_id=pair_id, groups=groups, src_ids=[r[0] for r in bg_rows],
                         tgt_ids=[r[0] for r in en_rows], method="hybrid", mode="parallel", signature=signature,
                         params={}, mt_model=MODEL, embedding_model="e5", run_id=None)
    return {"bg_id": bg_id, "en_id": en_id, "pair_id": pair_id}


def readme_cookbook() -> str:
    body = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- cookbook:start -->\n(.*?)\n<!-- cookbook:end -->", body, re.S)
    assert found, "README.md lost its cookbook markers"
    return found.group(1)


def test_readme_shows_exactly_the_tested_queries():
    assert readme_cookbook() == render_markdown(), "regenerate the README section from db.cookbook.render_markdown()"
    assert len(RECIPES) >= 5


def test_every_cookbook_query_answers_on_both_databases(db_url):
    engine = get_engine(db_url)
    populate(engine)
    with engine.connect() as conn:
        answers = {r.question: [dict(row._mapping) for row in conn.execute(text(r.sql))] for r in RECIPES}
    by_index = list(answers.values())
    assert [r["score"] for r in by_index[0]] == [0.8, 0.6]
    assert [(r["side"], r["text"]) for r in by_index[1]] == [("target", "The mayor said the project cost 48 million euros.")]
    assert len(by_index[2]) == 1 and by_index[2][0]["score"] == 0.8  # only the first group names Plovdiv
    assert [(r["src_lang"], r["tgt_lang"], r["method"], r["pairs"]) for r in by_index[3]] == [("bg", "en", "hybrid", 2)]
    assert abs(by_index[3][0]["mean_score"] - 0.7) < 1e-9
    assert len(by_index[4]) == 2 and all(r["signature"] == "align:test" for r in by_index[4])
    assert [(r["version"], r["is_latest"]) for r in by_index[5]] == [(1, 1)]
