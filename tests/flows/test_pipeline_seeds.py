"""The five real seed articles through the real Prefect flow into a fresh SQLite file.

The Argos package is the tiny one the fixture builds (random weights): the real
loading and CTranslate2 code path runs, the English it produces is nonsense, so
these tests check structure and provenance, not translation quality.
"""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select, text

from xlalign.db.engine import get_engine
from xlalign.db.schema import (
    alignments,
    document_pairs,
    documents,
    input_files,
    paragraphs,
    runs,
    sentences,
    translations,
)

from harness.broken_inputs import write_broken_inputs
from harness.db_counts import table_counts
from harness.shared_data import SEEDS, require_shared

BOILERPLATE = ["Subscribe", "loader", "Newsfeed", "log in or register", "Original url", "Related article",
               "Sputnik International, 1920", "Chats"]
pytestmark = pytest.mark.slow


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return table_counts(conn)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, argos_bg_en_model, prefect_harness):
    from xlalign.flows.process_articles import process_articles

    seeds = require_shared(SEEDS)
    url = f"sqlite:///{tmp_path_factory.mktemp('seeds')}/seeds.sqlite"
    first = process_articles(paths=[str(seeds)], db_url=url)
    counts_after_first = _counts(get_engine(url))
    second = process_articles(paths=[str(seeds)], db_url=url)
    return url, first, second, counts_after_first


def test_five_documents_four_english_one_bulgarian(seeds_run):
    url, first, _, _ = seeds_run
    with get_engine(url).connect() as conn:
        langs = sorted(conn.scalars(select(documents.c.lang)))
    assert langs == ["bg", "en", "en", "en", "en"]
    assert first["documents"] == 5 and first["failures"] == []


def test_russian_line_is_recorded_not_an_english_sentence(seeds_run):
    url, *_ = seeds_run
    with get_engine(url).connect() as conn:
        en_sentences = conn.scalars(select(sentences.c.text).where(sentences.c.lang == "en")).all()
        foreign = conn.execute(select(paragraphs.c.text, paragraphs.c.status, paragraphs.c.lang)
                               .where(paragraphs.c.status.like("other-language:%"))).all()
    assert en_sentences and not [s for s in en_sentences if re.search("[А-Яа-я]", s)]
    assert ("Заголовок открываемого материала", "other-language:ru", "ru") in [tuple(r) for r in foreign]


def test_no_boilerplate_line_became_a_sentence(seeds_run):
    url, *_ = seeds_run
    with get_engine(url).connect() as conn:
        texts = conn.scalars(select(sentences.c.text)).all()
    offenders = [t for t in texts for b in BOILERPLATE if b.lower() in t.lower()]
    assert offenders == []
    assert not [t for t in texts if "](" in t or "**" in t or "<http" in t]


def test_every_bulgarian_sentence_has_a_translation_with_provenance(seeds_run, argos_bg_en_model):
    url, first, *_ = seeds_run
    with get_engine(url).connect() as conn:
        bg = conn.scalars(select(sentences.c.id).where(sentences.c.lang == "bg")).all()
        rows = conn.execute(select(translations.c.sentence_id, translations.c.model, translations.c.signature,
                                   translations.c.params)).all()
    assert len(bg) >= 20
    assert {r.sentence_id for r in rows} == set(bg)
    assert all(r.model.startswith("argos:") and r.signature.startswith(r.model) and r.params != "{}" for r in rows)
    assert first["translated"] + first["translations_reused"] == len(bg)


def test_alignments_exist_and_name_their_method(seeds_run):
    url, *_ = seeds_run
    with get_engine(url).connect() as conn:
        pairs = conn.execute(select(document_pairs.c.mode, document_pairs.c.method)).all()
        rows = conn.execute(select(alignments.c.method, alignments.c.signature, alignments.c.kind,
                                   alignments.c.mt_model, alignments.c.embedding_model)).all()
        view = conn.execute(text("SELECT src_lang, tgt_lang, src_text, tgt_text, method, model "
                                 "FROM parallel_sentences")).all()
    assert pairs and all(mode in {"parallel", "comparable"} for mode, _ in pairs)
    assert rows and all(r.method in {"hybrid", "mt", "embed"} and r.signature for r in rows)
    assert view and all(v.src_lang == "bg" and v.tgt_lang == "en" and v.src_text and v.tgt_text and v.method
                        for v in view)


def test_second_run_adds_nothing(seeds_run):
    url, _, second, counts_after_first = seeds_run
    assert _counts(get_engine(url)) == counts_after_first
    assert second["documents_new"] == 0 and second["translated"] == 0 and second["alignment_groups_added"] == 0
    # nothing new: no source decided, no pair planned (pairing keeps its state in the database)
    assert second["document_pairs"] == 0 and second["alignments_already_present"] == 0
    assert set(second["pairing_work"].values()) == {0}
    with get_engine(url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar_one() == 2


def test_broken_inputs_are_recorded_and_the_rest_processed(tmp_path, prefect_harness, caplog):
    from xlalign.flows.process_articles import process_articles

    inbox = tmp_path / "batch"
    broken = write_broken_inputs(inbox)
    (inbox / "good.txt").write_text("The tram line opened on Monday after two years of work. "
                                    "Passengers filled the first trams within an hour.\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path}/broken.sqlite"
    with caplog.at_level(logging.WARNING):
        summary = process_articles(paths=[str(inbox)], db_url=url)
    failed = {f["source"]: f["error"] for f in summary["failures"]}
    assert set(failed) == {str(broken["empty"]), str(broken["binary"]), str(broken["huge_line"])}
    assert "file is empty" in failed[str(broken["empty"])]
    assert "binary file" in failed[str(broken["binary"])]
    assert "characters long" in failed[str(broken["huge_line"])]
    assert summary["documents"] == 2  # good.txt and the Latin-1 file, decoded with a warning
    with get_engine(url).connect() as conn:
        recorded = dict(conn.execute(select(input_files.c.source, input_files.c.error)
                                     .where(input_files.c.status == "failed")).all())
        latin1 = conn.execute(select(documents.c.encoding, documents.c.warnings)
                              .where(documents.c.source == str(broken["latin1"]))).one()
    assert recorded == failed
    assert latin1.encoding != "utf-8" and "not valid UTF-8" in latin1.warnings
    logged = caplog.text
    assert all(str(path) in logged for path in failed)


def test_an_mt_that_is_not_english_is_not_used_as_a_signal():
    from xlalign.stages.alignment import mt_language_problem

    english = ["The port authority said six ships were delayed.", "Crews worked through the night."]
    assert mt_language_problem(english, "en", "argos:bg_en@1.9", 7) is None
    nonsense = ["случа pst miles In поstal", "случа ponononле miles In", "pst Brazilм случа pst Brazil"]
    problem = mt_language_problem(nonsense, "en", "argos:bg_en@1.9", 7)
    assert problem and "document 7" in problem and "argos:bg_en@1.9" in problem and "not read as en" in problem
    assert mt_language_problem(["Yes."], "en", "argos:bg_en@1.9", 7) is None  # too short to judge
