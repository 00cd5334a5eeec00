"""The README's SQL cookbook: the README shows exactly `db.cookbook`, and every query runs on both databases.

`populate` (also used by the other test_db_* modules) stores a small Bulgarian–English
story under the names the cookbook queries use.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from xlalign.db.cookbook import RECIPES, render_markdown
from xlalign.db.engine import get_engine

from harness.samples import populate

README = Path(__file__).resolve().parents[2] / "README.md"


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
    from xlalign.align.confidence import RECOMMENDED_MIN_SCORE  # the sample's groups are hybrid, at 0.8 and 0.6

    assert [r["score"] for r in by_index[0]] == [s for s in (0.8, 0.6) if s >= RECOMMENDED_MIN_SCORE["hybrid"]]
    assert [(r["side"], r["text"]) for r in by_index[1]] == [("target", "The mayor said the project cost 48 million euros.")]
    assert len(by_index[2]) == 1 and by_index[2][0]["score"] == 0.8  # only the first group names Plovdiv
    assert [(r["src_lang"], r["tgt_lang"], r["method"], r["pairs"]) for r in by_index[3]] == [("bg", "en", "hybrid", 2)]
    assert abs(by_index[3][0]["mean_score"] - 0.7) < 1e-9
    assert len(by_index[4]) == 2 and all(r["signature"] == "align:test" for r in by_index[4])
    assert [(r["version"], r["is_latest"]) for r in by_index[5]] == [(1, 1)]
    assert by_index[6] == []  # these stored pages state no URL
    assert [r["score"] for r in by_index[7]] == [0.8, 0.6]  # the one alignment is the newest


def test_every_cookbook_query_returns_rows_on_the_demo_database(demo_db):
    """What a new user runs after scripts/demo.sh: no recipe may come back empty."""
    with get_engine(demo_db).connect() as conn:
        answers = [[dict(row._mapping) for row in conn.execute(text(r.sql))] for r in RECIPES]
    assert all(answers), [r.question for r, a in zip(RECIPES, answers) if not a]
    assert [r["text"] for r in answers[1]] == [
        "A brass band from the local music school played at the depot gates as the doors opened."]
    assert {(r["source"], r["outlet"]) for r in answers[6]} == {("examples/tram-commuters.en.html", "Plovdiv Daily"),
                                                                ("examples/tram-report.en.txt", "news.example")}
