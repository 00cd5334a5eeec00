"""Search that works on Bulgarian: prefixes, substrings, filters, JSON, and terms too long to be one."""
from __future__ import annotations

import json

import pytest

from xlalign.cli.main import main
from xlalign.db.engine import get_engine
from xlalign.db.search import SearchFilter, search_pairs

from harness.samples import BG_SOURCE, populate


def scores(hits):
    return [h["score"] for h in hits]


def test_prefix_finds_the_forms_of_a_bulgarian_word(db_url):
    engine = get_engine(db_url)
    populate(engine)  # group 1: "Град Пловдив откри нова трамвайна линия в понеделник."
    assert search_pairs(engine, "трамвай") == []  # a whole word that the text does not contain
    assert scores(search_pairs(engine, "трамва*")) == [0.8]
    assert scores(search_pairs(engine, "трамвайна лин*")) == [0.8]  # a phrase ending in a prefix
    assert scores(search_pairs(engine, "Пловди*")) == [0.8]
    assert search_pairs(engine, "линия трамва*") == []  # the words in the phrase's order only
    assert scores(search_pairs(engine, "kilomet*")) == [0.6]


def test_substring_search_matches_inside_words(db_url):
    engine = get_engine(db_url)
    populate(engine)
    assert scores(search_pairs(engine, "трамвай", mode="substring")) == [0.8]
    assert scores(search_pairs(engine, "рамвайн", mode="substring")) == [0.8]
    assert scores(search_pairs(engine, "lometre", mode="substring")) == [0.6]
    assert search_pairs(engine, "50%_", mode="substring") == []  # LIKE wildcards are text here


def test_filters_by_language_and_source(db_url):
    engine = get_engine(db_url)
    populate(engine)
    assert scores(search_pairs(engine, "Plovdiv", where=SearchFilter(lang="bg"))) == [0.8]
    assert search_pairs(engine, "Plovdiv", where=SearchFilter(lang="ru")) == []
    assert scores(search_pairs(engine, "Plovdiv", where=SearchFilter(source="report.bg"))) == [0.8]
    assert search_pairs(engine, "Plovdiv", where=SearchFilter(source="sofia")) == []


def test_query_syntax_is_never_interpreted(db_url):
    engine = get_engine(db_url)
    populate(engine)
    for term in ['quote " AND OR', "NEAR(a b)", "a:* | !b", "'; DROP TABLE sentences; --", "x\\"]:
        assert search_pairs(engine, term) == [], term
    with pytest.raises(ValueError, match="only `\\*`"):
        search_pairs(engine, "* **")


def test_cli_json_output_and_filters(db_url, capsys):
    populate(get_engine(db_url))
    assert main(["search", "трамва*", "--json", "--lang", "bg", "--source", "tram", "--db", db_url]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["score"] for h in hits] == [0.8] and hits[0]["src_source"] == BG_SOURCE
    assert {"src_text", "mt_text", "tgt_text", "signature", "src_url"} <= set(hits[0])
    assert main(["search", "трамва", "--substring", "--db", db_url]) == 0
    assert "Пловдив" in capsys.readouterr().out
    assert main(["search", "трамвай", "--db", db_url]) == 1
    assert "try the start of the word with *" in capsys.readouterr().out
    assert main(["search", "Sofia", "--json", "--db", db_url]) == 1
    assert json.loads(capsys.readouterr().out) == []


def test_a_huge_term_is_a_sentence_not_a_traceback(db_url, capsys):
    populate(get_engine(db_url))
    term = " ".join(["трамвай"] * 20_000)
    assert main(["search", term, "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "20,000 words" in err and "at most 32 words" in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert main(["search", "ab", "--substring", "--db", db_url]) == (2 if "sqlite" in db_url else 1)


def test_case_does_not_matter(db_url):
    """Everywhere on SQLite; on PostgreSQL as far as the server's locale folds case (the test cluster's C: ASCII)."""
    engine = get_engine(db_url)
    populate(engine)
    assert scores(search_pairs(engine, "plovdiv")) == [0.8]
    assert scores(search_pairs(engine, "PLOV*")) == [0.8]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if conn.exec_driver_sql("SHOW lc_ctype").scalar() in ("C", "POSIX"):
                return
    assert scores(search_pairs(engine, "ПЛОВДИ*")) == [0.8]
    assert scores(search_pairs(engine, "ТРАМВАЙ", mode="substring")) == [0.8]
