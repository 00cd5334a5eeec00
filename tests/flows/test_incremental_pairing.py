"""The pair-and-align stage against stored documents: work grows with what is new, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from xlalign.align import params as P
from xlalign.align.params import MinerParams, PairingParams
from xlalign.db import store
from xlalign.db.engine import get_engine
from xlalign.db.schema import document_pairs, pair_alignments
from xlalign.stages import alignment as stage
from xlalign.stages.alignment import pair_and_align

from harness.samples import BRIEF_BG, BRIEF_EN, NEWS_BG, NEWS_EN, SENTENCES, doc

ARTICLES = {  # name -> (lang, sentences): two translations, a brief and its original, unrelated English
    "news-a.bg": NEWS_BG[:3], "news-a.en": NEWS_EN[:3],
    "news-b.bg": NEWS_BG[3:6], "news-b.en": NEWS_EN[3:6],
    "brief.bg": BRIEF_BG, "brief.en": BRIEF_EN,
    "other-1.en": SENTENCES[6:8], "other-2.en": SENTENCES[8:10],
}


def _add(engine, *names: str) -> dict[str, int]:
    ids = {}
    for name in names:
        ids[name], _ = store.save_document(engine, doc("\n\n".join(ARTICLES[name]) + "\n", f"news/{name}.txt"),
                                           run_id=None)
    return ids


def _pairs(engine) -> dict[tuple[int, int], tuple[str, bool]]:
    with engine.connect() as conn:
        return {(r.src_document_id, r.tgt_document_id): (r.mode, r.is_current)
                for r in conn.execute(select(document_pairs))}


def _run(engine, **kw):
    return pair_and_align(engine, target_lang="en", method="hybrid", run_id=None, **kw)


def test_a_run_does_work_for_what_is_new_only(db_url):
    engine = get_engine(db_url)
    ids = _add(engine, "news-a.bg", "news-a.en", "news-b.bg", "news-b.en", "other-1.en", "other-2.en")
    first = _run(engine)
    assert (first.vectors_computed, first.sources_decided) == (6, 2)
    assert first.evidence_computed == 2 * 4 and first.evidence_reused == 0  # each source x every target (< 20)
    pairs = _pairs(engine)
    assert pairs[(ids["news-a.bg"], ids["news-a.en"])] == ("parallel", True)
    assert pairs[(ids["news-b.bg"], ids["news-b.en"])] == ("parallel", True)
    assert first.alignments_added > 0 and first.alignments_planned == len(pairs)

    again = _run(engine)  # nothing new: nothing examined, nothing planned
    assert again == stage.AlignOutcome()

    # a new source: decided against the stored targets, nobody else is looked at
    ids |= _add(engine, "brief.bg")
    src = _run(engine)
    assert (src.vectors_computed, src.sources_decided, src.evidence_computed, src.evidence_reused) == (1, 1, 4, 0)
    assert src.pairs == src.alignments_planned == 0  # its original is not stored yet, nothing else is related
    # a new target: only the stored sources it would be a candidate of are decided again, reusing their
    # evidence; the brief finds its original
    ids |= _add(engine, "brief.en")
    tgt = _run(engine)
    assert tgt.vectors_computed == 1 and 1 <= tgt.sources_decided <= 3
    assert tgt.evidence_computed == tgt.sources_decided  # the one new pair per source decided again
    assert tgt.evidence_reused == 4 * tgt.sources_decided
    assert _pairs(engine)[(ids["brief.bg"], ids["brief.en"])] == ("parallel", True)


def test_a_new_target_only_touches_the_sources_it_is_close_to(db_url):
    """With two candidates per source, adding one target re-decides at most two sources, whatever is stored."""
    engine = get_engine(db_url)
    narrow = PairingParams(candidates=2)
    _add(engine, "news-a.bg", "news-b.bg", "brief.bg", "other-1.en", "other-2.en", "news-b.en")
    first = _run(engine, params=narrow)
    assert first.sources_decided == 3 and first.evidence_computed == 3 * 2
    ids = _add(engine, "news-a.en")
    added = _run(engine, params=narrow)
    assert 1 <= added.sources_decided <= 2 and added.evidence_computed == added.sources_decided
    assert added.evidence_reused == 2 * added.sources_decided - added.sources_decided  # one old candidate dropped
    assert ("parallel", True) in [v for (s, t), v in _pairs(engine).items() if t == ids["news-a.en"]]


def test_a_translation_arriving_later_replaces_the_related_pair(db_url):
    """A source first paired as comparable with related coverage is decided again when its original
    arrives: the translation is its partner, the old pair stops being current and keeps its alignment."""
    engine = get_engine(db_url)
    ARTICLES["related.en"] = [NEWS_EN[0], SENTENCES[6], NEWS_EN[2], SENTENCES[7], NEWS_EN[1], SENTENCES[8],
                              SENTENCES[9]]
    try:
        ids = _add(engine, "news-a.bg", "related.en", "other-2.en")
        _run(engine)
        assert _pairs(engine) == {(ids["news-a.bg"], ids["related.en"]): ("comparable", True)}
        ids |= _add(engine, "news-a.en")
        _run(engine)
        assert _pairs(engine) == {(ids["news-a.bg"], ids["related.en"]): ("comparable", False),
                                  (ids["news-a.bg"], ids["news-a.en"]): ("parallel", True)}
        with engine.connect() as conn:
            assert len(conn.execute(select(pair_alignments)).all()) == 2
    finally:
        del ARTICLES["related.en"]


def test_a_miner_signature_change_is_seen_by_a_re_run(db_url, monkeypatch):
    """The miner's prior changes mined output: a run after it changed aligns the comparable pair again."""
    engine = get_engine(db_url)
    ARTICLES["related.en"] = [NEWS_EN[0], SENTENCES[6], NEWS_EN[2], SENTENCES[7], NEWS_EN[1], SENTENCES[8]]
    try:
        ids = _add(engine, "news-a.bg", "related.en", "other-2.en")
        _run(engine)
        assert _run(engine) == stage.AlignOutcome()
        original = MinerParams.for_method.__func__

        def shifted(cls, method, **changes):
            return original(cls, method, **changes).with_changes(prior_weight=32)

        monkeypatch.setattr(P.MinerParams, "for_method", classmethod(shifted))
        again = _run(engine)
        assert again.alignments_planned == 1 and again.skipped_existing == 0
        with engine.connect() as conn:
            made = [r.signature for r in conn.execute(select(pair_alignments).order_by(pair_alignments.c.id))]
        pair = _pairs(engine)
        assert pair == {(ids["news-a.bg"], ids["related.en"]): ("comparable", True)}
        assert len(made) == 2 and "|pw:64|" in made[0] and "|pw:32|" in made[1]
        assert _run(engine) == stage.AlignOutcome()
    finally:
        del ARTICLES["related.en"]


def test_a_pass_that_fails_midway_is_finished_by_the_next_run(db_url, monkeypatch):
    """A source's pairs, their alignment, then its state; the marks only after the pass: a failure before the
    second source's state is stored loses nothing and doubles nothing."""
    engine = get_engine(db_url)
    ids = _add(engine, "news-a.bg", "news-a.en", "news-b.bg", "news-b.en")
    real = store.save_source_state
    calls = []

    def fail_second(*args, **kwargs):
        calls.append(kwargs["src_document_id"])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "save_source_state", fail_second)
    with pytest.raises(RuntimeError, match="went away"):
        _run(engine)
    monkeypatch.setattr(store, "save_source_state", real)
    done = _run(engine)
    # the second source is decided again (and the first looked at for the targets the failed pass did not
    # finish announcing), all from the evidence stored before the failure: nothing is computed twice
    assert done.evidence_computed == 0 and done.evidence_reused == 2 * done.sources_decided >= 2
    assert done.alignments_added == 0 and done.skipped_existing >= 1
    assert _pairs(engine) == {(ids["news-a.bg"], ids["news-a.en"]): ("parallel", True),
                              (ids["news-b.bg"], ids["news-b.en"]): ("parallel", True)}
    assert _run(engine) == stage.AlignOutcome()


def test_a_document_without_sentences_and_an_empty_side_are_no_work(db_url):
    engine = get_engine(db_url)
    assert _run(engine) == stage.AlignOutcome()
    _add(engine, "news-a.bg", "brief.bg")
    assert _run(engine) == stage.AlignOutcome()  # no target document: nothing to pair with


def test_a_new_version_of_a_target_takes_its_place(db_url):
    """A changed file is a new document superseding the old one: the sources that had the old version among
    their candidates are decided again against the new one, and the old pair stops being current."""
    engine = get_engine(db_url)
    ids = _add(engine, "news-a.bg", "news-a.en", "other-1.en")
    _run(engine)
    old = ids["news-a.en"]
    assert _pairs(engine) == {(ids["news-a.bg"], old): ("parallel", True)}
    new, _ = store.save_document(engine, doc("\n\n".join(NEWS_EN[:3]) + "\nA line added in the second version.\n",
                                             "news/news-a.en.txt"), run_id=None)
    assert new != old
    again = _run(engine)
    assert again.sources_decided == 1 and again.evidence_computed == 1  # the new version; the rest is reused
    assert _pairs(engine) == {(ids["news-a.bg"], old): ("parallel", False), (ids["news-a.bg"], new): ("parallel", True)}
