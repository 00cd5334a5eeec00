"""Full-text search and the four export formats, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from xlalign.cli.main import main
from xlalign.db import queries, store
from xlalign.db.engine import get_engine
from xlalign.db.export import COLUMNS, export_pairs
from xlalign.db.search import search_pairs

from harness.samples import BG_SOURCE, EN_SOURCE, MODEL, doc, populate

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_search_finds_a_term_on_either_side_and_in_the_translation(db_url):
    engine = get_engine(db_url)
    populate(engine)
    assert [h["score"] for h in search_pairs(engine, "Plovdiv")] == [0.8]  # target and MT of group 1
    assert [h["score"] for h in search_pairs(engine, "Пловдив")] == [0.8]  # source side
    assert [h["score"] for h in search_pairs(engine, "tram line")] == [0.8]  # a phrase
    assert [h["score"] for h in search_pairs(engine, "km")] == [0.6]  # only in the machine translation
    assert search_pairs(engine, "Sofia") == []
    assert search_pairs(engine, 'quote " AND OR') == []  # query syntax is never interpreted
    hit = search_pairs(engine, "Plovdiv")[0]
    assert hit["src_source"] == BG_SOURCE and hit["tgt_source"] == EN_SOURCE and hit["model"] == MODEL
    with pytest.raises(ValueError, match="empty"):
        search_pairs(engine, "  ")


def test_search_index_follows_new_rows(db_url):
    engine = get_engine(db_url)
    populate(engine)
    assert search_pairs(engine, "Varna") == []
    populate(engine, bg="Град Варна откри ново пристанище в понеделник. Пристанището е голямо.\n\n"
                        "Кметът каза, че проектът е струвал 12 милиона евро.\n",
             mt=["The city of Varna opened a new port on Monday.", "The port is big.", "It cost 12M."])
    assert [h["src_text"].split()[1] for h in search_pairs(engine, "Varna")] == ["Варна"]


def test_search_command_prints_score_and_sources(db_url, capsys):
    populate(get_engine(db_url))
    assert main(["search", "Plovdiv", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "0.800" in out and BG_SOURCE in out and EN_SOURCE in out and "Пловдив" in out
    assert main(["search", "Sofia", "--db", db_url]) == 1


def test_tmx_is_valid_xml_with_languages_and_provenance(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine)
    n, files = export_pairs(engine, "tmx", tmp_path / "out.tmx")
    root = ET.parse(files[0]).getroot()
    assert n == 2 and root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "bg" and header.get("segtype") == "sentence"
    for attr in ("creationtool", "creationtoolversion", "datatype", "adminlang", "o-tmf"):
        assert header.get(attr), attr
    tus = root.findall("body/tu")
    assert len(tus) == 2
    for tu in tus:
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["bg", "en"]
        assert all(tuv.find("seg").text for tuv in tu.findall("tuv"))
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-model"] == MODEL and props["x-src-source"] == BG_SOURCE and "x-signature" in props
    assert tus[0].find("tuv/seg").text.startswith("Град Пловдив")
    n, files = export_pairs(engine, "tmx", tmp_path / "bg.tmx", min_score=0.7, lang="bg")
    root = ET.parse(files[0]).getroot()
    assert n == 1 and root.find("header").get("srclang") == "bg" and len(root.findall("body/tu")) == 1


def test_moses_jsonl_tsv_and_filters_through_the_cli(db_url, tmp_path, capsys):
    populate(get_engine(db_url))
    assert main(["export", "--format", "moses", str(tmp_path / "corpus"), "--db", db_url]) == 0
    bg = (tmp_path / "corpus.bg").read_text(encoding="utf-8").splitlines()
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(bg) == len(en) == 2 and bg[0].startswith("Град Пловдив") and en[0].startswith("The city")

    assert main(["export", "--format", "jsonl", str(tmp_path / "p.jsonl"), "--min-score", "0.7", "--db", db_url]) == 0
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and set(COLUMNS) <= set(rows[0])
    assert rows[0]["model"] == MODEL and rows[0]["method"] == "hybrid" and rows[0]["signature"] == "align:test"
    assert rows[0]["src_source"] == BG_SOURCE and rows[0]["tgt_source"] == EN_SOURCE and rows[0]["score"] == 0.8

    assert main(["export", "--format", "tsv", str(tmp_path / "p.tsv"), "--db", db_url]) == 0
    lines = (tmp_path / "p.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(COLUMNS) and len(lines) == 3
    assert all(len(line.split("\t")) == len(COLUMNS) for line in lines)

    assert main(["export", "--format", "jsonl", str(tmp_path / "ru.jsonl"), "--lang", "ru", "--db", db_url]) == 0
    assert (tmp_path / "ru.jsonl").read_text() == ""
    assert "wrote 0 pairs" in capsys.readouterr().out


def test_moses_splits_several_language_pairs(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine)
    ru_id, _ = store.save_document(engine, doc("Город Пловдив открыл новую трамвайную линию в понедельник.\n",
                                               "news/plovdiv.ru.txt"), run_id=None)
    with engine.connect() as conn:
        ru_sid = queries.document_sentences(conn, ru_id)[0][0]
        en_id = conn.exec_driver_sql(f"SELECT id FROM documents WHERE source = '{EN_SOURCE}'").scalar_one()
        en_sid = queries.document_sentences(conn, en_id)[0][0]
    pair = store.save_pair(engine, src_document_id=ru_id, tgt_document_id=en_id, score=0.5, mode="parallel",
                           method="test", params={}, run_id=None)
    store.save_alignment(engine, pair_id=pair, groups=[type("G", (), dict(src=(0,), tgt=(0,), score=0.7, kind="1-1"))],
                         src_ids=[ru_sid], tgt_ids=[en_sid], method="embed", mode="parallel", signature="s",
                         params={}, mt_model=None, embedding_model="e5", run_id=None)
    n, files = export_pairs(engine, "moses", tmp_path / "c")
    assert n == 3 and sorted(f.name for f in files) == ["c.bg-en.bg", "c.bg-en.en", "c.ru-en.en", "c.ru-en.ru"]
    assert len((tmp_path / "c.ru-en.ru").read_text(encoding="utf-8").splitlines()) == 1


def test_a_common_term_is_ranked_among_the_newest_candidates(db_url):
    engine = get_engine(db_url)
    populate(engine)
    assert len(search_pairs(engine, "the")) == 2  # every pair, exhaustively
    # newest matching sentence: the unmatched English one (no pair); newest translation: group 2's
    assert [h["score"] for h in search_pairs(engine, "the", candidates=1)] == [0.6]
