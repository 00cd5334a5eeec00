"""`--method mt` in a run where a document has no machine translation: a note, not a crashed flow."""
from __future__ import annotations

from sqlalchemy import func, select

from xlalign.db import store
from xlalign.db.engine import get_engine
from xlalign.db.schema import alignments, document_pairs
from xlalign.stages.alignment import pair_and_align

from harness.samples import BG_SOURCE, EN_SOURCE, STORY_BG, STORY_EN, doc


def test_method_mt_without_mt_notes_the_documents_and_aligns_nothing(db_url):
    engine = get_engine(db_url)
    bg_id, _ = store.save_document(engine, doc(STORY_BG, BG_SOURCE), run_id=None)
    store.save_document(engine, doc(STORY_EN, EN_SOURCE), run_id=None)
    outcome = pair_and_align(engine, target_lang="en", method="mt", run_id=None)
    assert outcome.pairs == 1 and outcome.alignments_added == 0
    assert any(f"document {bg_id} has no usable machine translation" in n and "--method hybrid" in n
               for n in outcome.notes), outcome.notes
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(alignments)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(document_pairs)).scalar_one() == 1
