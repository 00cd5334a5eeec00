"""Bring your own MT: TMX and TSV files become translation rows that pairing and alignment use."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from xlalign.cli.main import main
from xlalign.db import queries, store
from xlalign.db.engine import get_engine
from xlalign.db.schema import translations
from xlalign.errors import UserError
from xlalign.stages.alignment import pair_and_align
from xlalign.stages.imports import import_translations
from xlalign.translate.imported import read_translation_file

from harness.samples import BG_SOURCE, EN_SOURCE, STORY_BG, STORY_EN, STORY_MT, doc


def _store_story(engine) -> list[tuple[int, str]]:
    bg_id, _ = store.save_document(engine, doc(STORY_BG, BG_SOURCE), run_id=None)
    store.save_document(engine, doc(STORY_EN, EN_SOURCE), run_id=None)
    with engine.connect() as conn:
        return queries.document_sentences(conn, bg_id)


def _tsv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(rows)
    return path


def _tmx(path, rows, srclang="bg"):
    units = "".join(f'<tu><tuv xml:lang="{srclang}-BG"><seg>{s}</seg></tuv><tuv xml:lang="en-GB"><seg>{t}</seg></tuv></tu>'
                    for s, t in rows)
    path.write_text(f'<?xml version="1.0"?><tmx version="1.4"><header srclang="{srclang}" segtype="sentence"/>'
                    f"<body>{units}</body></tmx>", encoding="utf-8")
    return path


def test_tsv_fields_keep_their_quotes_and_tabs(tmp_path):
    path = _tsv(tmp_path / "mt.tsv", [['"Юрий Гагарин" е завод.', '"Yuri Gagarin" is a plant.'],
                                      ["Раздел\tс табулация", "A field\twith a tab"]])
    pairs = read_translation_file(path).pairs
    assert [(p.source, p.translation) for p in pairs] == [
        ('"Юрий Гагарин" е завод.', '"Yuri Gagarin" is a plant.'), ("Раздел\tс табулация", "A field\twith a tab")]


@pytest.mark.parametrize("body, problem", [
    ("one column only\n", r"line 1: expected 2 tab-separated columns"),
    ("a\tb\tc\n", r"line 1: expected 2 tab-separated columns \(source, translation\), found 3"),
])
def test_a_malformed_tsv_names_the_line(tmp_path, body, problem):
    (tmp_path / "bad.tsv").write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=problem):
        read_translation_file(tmp_path / "bad.tsv")


def test_tmx_units_are_read_by_language(tmp_path):
    file = read_translation_file(_tmx(tmp_path / "mt.tmx", [("Здравей.", "Hello."), ("Свят.", "World.")]))
    assert file.fmt == "tmx" and file.src_lang == "bg" and file.tgt_lang == "en"
    assert [(p.source, p.translation, p.where) for p in file.pairs] == [("Здравей.", "Hello.", "tu 1"),
                                                                         ("Свят.", "World.", "tu 2")]
    _tmx(tmp_path / "all.tmx", [("Здравей.", "Hello.")], srclang="*all*")
    with pytest.raises(UserError, match="does not name its source language"):
        read_translation_file(tmp_path / "all.tmx")
    (tmp_path / "broken.tmx").write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(UserError, match="broken.tmx is not well-formed TMX"):
        read_translation_file(tmp_path / "broken.tmx")


@pytest.mark.parametrize("kind", ["tsv", "tmx"])
def test_import_stores_rows_reports_unknown_lines_and_adds_nothing_twice(db_url, tmp_path, kind):
    engine = get_engine(db_url)
    bg = _store_story(engine)
    rows = [(text, mt) for (_, text), mt in zip(bg, STORY_MT)] + [("Това изречение не е в базата.", "Not stored.")]
    path = _tsv(tmp_path / "mt.tsv", rows) if kind == "tsv" else _tmx(tmp_path / "mt.tmx", rows)
    file = read_translation_file(path)
    first = import_translations(engine, file, model="deepl-test", target_lang="en")
    assert (first.pairs, first.matched, first.added, first.kept) == (4, 3, 3, 0)
    assert first.unknown == (f"{'line' if kind == 'tsv' else 'tu'} 4: Това изречение не е в базата.",)
    with engine.connect() as conn:
        stored = {r.sentence_id: r for r in conn.execute(select(translations).where(translations.c.model == "deepl-test"))}
    assert {sid: stored[sid].text for sid, _ in bg} == {sid: mt for (sid, _), mt in zip(bg, STORY_MT)}
    row = stored[bg[0][0]]
    assert row.signature.startswith(f"model:deepl-test|import:{kind}|sha:{file.sha256[:8]}") and '"where"' in row.params
    again = import_translations(engine, file, model="deepl-test", target_lang="en")
    assert (again.added, again.kept) == (0, 3)


def test_imported_mt_is_used_by_pairing_and_alignment(db_url, tmp_path):
    engine = get_engine(db_url)
    bg = _store_story(engine)
    before = pair_and_align(engine, target_lang="en", method="hybrid", run_id=None)
    file = read_translation_file(_tsv(tmp_path / "mt.tsv", [(text, mt) for (_, text), mt in zip(bg, STORY_MT)]))
    import_translations(engine, file, model="human", target_lang="en")
    after = pair_and_align(engine, target_lang="en", method="hybrid", run_id=None)
    assert before.pairs == after.pairs == 1 and after.alignments_added > 0
    with engine.connect() as conn:
        signatures = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT signature FROM alignments")]
    assert any(s.startswith("align:embed|") for s in signatures)  # before: no MT
    assert any(s.startswith("align:hybrid|") and "|mtmodel:human|" in s for s in signatures)


def test_cli_import_says_what_it_stored_and_what_it_could_not(db_url, tmp_path, capsys):
    bg = _store_story(get_engine(db_url))
    path = _tsv(tmp_path / "mt.tsv", [(bg[0][1], STORY_MT[0]), ("Непознато изречение.", "Unknown.")])
    assert main(["translations", "import", "--model", "human", str(path), "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert "1 translations by human stored for 1 sentences (1 of 2 lines matched)" in out
    assert "1 lines match no stored sentence" in err and "line 2: Непознато изречение." in err
    assert "1 documents are now only partly translated by human" in err and f"{BG_SOURCE}: 1 of 3 sentences" in err
    nothing = _tsv(tmp_path / "none.tsv", [("Непознато изречение.", "Unknown.")])
    assert main(["translations", "import", "--model", "human", str(nothing), "--db", db_url]) == 1
    assert "store the documents first" in capsys.readouterr().err


def test_a_second_translation_of_a_sentence_is_reported_and_the_first_kept(db_url, tmp_path):
    engine = get_engine(db_url)
    bg = _store_story(engine)
    rows = [(text, mt) for (_, text), mt in zip(bg, STORY_MT)] + [(bg[0][1], "Another translation.")]
    outcome = import_translations(engine, read_translation_file(_tsv(tmp_path / "mt.tsv", rows)), model="human",
                                  target_lang="en")
    assert outcome.conflicts == (f"line 4: {bg[0][1]}",) and outcome.added == 3 and outcome.unknown == ()
    with engine.connect() as conn:
        assert queries.translations_of(conn, 1, "human")[bg[0][0]] == STORY_MT[0]


def test_a_partial_import_is_reported_and_not_used_as_the_documents_mt(db_url, tmp_path):
    """Pairing and alignment use a document's MT only when every sentence has one: the import says which
    documents it leaves partly translated, and the next run aligns them without it."""
    engine = get_engine(db_url)
    bg = _store_story(engine)
    file = read_translation_file(_tsv(tmp_path / "mt.tsv", [(bg[0][1], STORY_MT[0]), (bg[1][1], STORY_MT[1])]))
    outcome = import_translations(engine, file, model="human", target_lang="en")
    assert outcome.partial == (f"{BG_SOURCE}: 2 of 3 sentences",)
    pair_and_align(engine, target_lang="en", method="hybrid", run_id=None)
    with engine.connect() as conn:
        signatures = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT signature FROM alignments")]
    assert signatures and all(s.startswith("align:embed|") for s in signatures)
    rest = read_translation_file(_tsv(tmp_path / "rest.tsv", [(bg[2][1], STORY_MT[2])]))
    assert import_translations(engine, rest, model="human", target_lang="en").partial == ()
    pair_and_align(engine, target_lang="en", method="hybrid", run_id=None)
    with engine.connect() as conn:
        signatures = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT signature FROM alignments")]
    assert any("|mtmodel:human|" in s for s in signatures)


def test_the_seed_mt_reads_as_a_tsv():
    from harness.shared_data import DATA, require_shared

    file = read_translation_file(require_shared(DATA / "seed-comparable" / "003.mt.tsv"))
    assert file.fmt == "tsv" and len(file.pairs) == 30 and len({p.source for p in file.pairs}) == 30
