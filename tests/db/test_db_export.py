"""Exports a researcher's tools read back: quoted TSV, TMX with languages, dates and MT, XCES for OPUS, filters, stdout."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from xlalign.cli.main import main
from xlalign.db.engine import get_engine
from xlalign.db.export import COLUMNS, ExportFilter, export_pairs

from harness.samples import BG_SOURCE, MODEL, STORY_MT, populate

QUOTED_BG = ('"Пловдив има трамвай," каза кметът в понеделник на откриването. Линията е дълга 7,2 километра.\n\n'
             "Кметът каза, че проектът е струвал 48 милиона евро.\n")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tsv_is_quoted_so_csv_reads_back_a_leading_quote(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine, bg=QUOTED_BG)
    n, files = export_pairs(engine, "tsv", tmp_path / "p.tsv")
    with open(files[0], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert n == 2 and list(rows[0]) == list(COLUMNS)
    assert rows[0]["src_text"].startswith('"Пловдив има трамвай,"')  # the quotes survive the round trip
    assert rows[0]["score"] == "0.8" and rows[0]["src_source"] == BG_SOURCE


def test_tmx_names_a_concrete_source_language_dates_and_the_mt(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine)
    _, files = export_pairs(engine, "tmx", tmp_path / "all.tmx")
    root = ET.parse(files[0]).getroot()
    header = root.find("header")
    assert header.get("srclang") == "bg" and len(header.get("creationdate")) == 16
    tu = root.find("body/tu")
    assert tu.get("srclang") == "bg" and tu.get("creationdate").startswith(str(date.today().year))
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props["x-mt"] == STORY_MT[0] and props["x-mt-model"] == MODEL and props["x-score"] == "0.8"
    assert tu.find("note").text == f"machine translation ({MODEL}): {STORY_MT[0]}"
    assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["bg", "en"]


def test_xces_is_read_by_opus_tools(db_url, tmp_path):
    from opustools import OpusRead

    engine = get_engine(db_url)
    populate(engine)
    out = tmp_path / "corpus" / "bg-en.xml"
    n, files = export_pairs(engine, "xces", out)
    assert n == 2 and len(files) == 3
    links = ET.parse(out).getroot().findall("linkGrp/link")
    assert [(lk.get("xtargets"), lk.get("certainty")) for lk in links] == [("1;1", "0.8000"), ("2 3;2", "0.6000")]
    moses_src, moses_tgt = tmp_path / "read.bg", tmp_path / "read.en"
    OpusRead(directory="xlalign", source="bg", target="en", preprocess="raw", alignment_file=str(out), download_dir=str(out.parent),
             write_mode="moses", write=[str(moses_src), str(moses_tgt)], suppress_prompts=True).printPairs()
    bg = moses_src.read_text(encoding="utf-8").splitlines()
    en = moses_tgt.read_text(encoding="utf-8").splitlines()
    assert bg[0].startswith("Град Пловдив откри") and en[0].startswith("The city of Plovdiv")
    assert bg[1] == "Линията е дълга 7,2 километра. Кметът каза, че проектът е струвал 48 милиона евро."
    assert len(bg) == len(en) == 2


def test_filters(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine)
    today = date.today()

    def count(**kw):
        return export_pairs(engine, "jsonl", tmp_path / "f.jsonl", where=ExportFilter(**kw))[0]

    assert count() == 2
    assert count(kinds=("1-1",)) == 1 and count(kinds=("2-1",)) == 1 and count(kinds=("1-1", "2-1")) == 2
    assert count(max_group=1) == 1
    assert count(mode="parallel") == 2 and count(mode="comparable") == 0
    assert count(method="hybrid") == 2 and count(method="embed") == 0
    assert count(run_id=999) == 0
    assert count(since=today - timedelta(days=1)) == 2 and count(since=today + timedelta(days=1)) == 0
    assert count(until=today - timedelta(days=1)) == 0 and count(until=today + timedelta(days=1)) == 2
    assert count(min_score=0.7, lang="bg", tgt_lang="en") == 1 and count(tgt_lang="de") == 0


def test_cli_filters_and_stdout(db_url, capsys):
    populate(get_engine(db_url))
    assert main(["export", "--format", "jsonl", "-", "--kind", "2-1", "--mode", "parallel", "--db", db_url]) == 0
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert [r["kind"] for r in rows] == ["2-1"] and "wrote 1 pairs to standard output" in out.err
    assert main(["export", "--format", "tsv", "-", "--db", db_url]) == 0
    assert len(list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter="\t"))) == 3
    assert main(["export", "--format", "moses", "-", "--db", db_url]) == 2
    assert "cannot go to standard output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--format", "tsv", "-", "--since", "yesterday", "--db", db_url])
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err
