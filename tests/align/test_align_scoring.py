"""The scorer (Vecalign's strict/lax definitions) and the Vecalign text format."""
from __future__ import annotations

import pytest

from xlalign.align import vecalign_format as vf
from xlalign.align.scoring import score, score_documents

from harness.shared_data import DATA, require_shared


def test_gold_against_itself_is_perfect():
    gold = [((0,), (0, 1)), ((1, 2), (2,)), ((3,), ()), ((), (3,)), ((4,), (4,))]
    s = score(gold, gold)
    assert s.as_dict() == {k: 1.0 for k in s.as_dict()}


def test_small_case_by_hand():
    gold = [((0,), (0,)), ((1,), (1, 2)), ((2, 3), (3,)), ((), (4,)), ((4,), (5,))]
    hyp = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2, 3), (3,)), ((), (4,)), ((4,), (5,))]
    s = score(gold, hyp)
    # precision over all 6 hypothesis groups: strict hits [0]:[0], [2,3]:[3], []:[4], [4]:[5] -> 4/6;
    # lax adds [1]:[1] (shares the pair 1-1 with gold [1]:[1,2]); []:[2] has no pair -> 5/6
    assert s.precision_strict == pytest.approx(4 / 6)
    assert s.precision_lax == pytest.approx(5 / 6)
    # recall over the 4 gold groups with both sides: strict 3/4, lax 4/4
    assert s.recall_strict == pytest.approx(3 / 4)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_strict == pytest.approx(2 * (4 / 6) * (3 / 4) / (4 / 6 + 3 / 4))


def test_counts_are_summed_over_documents_not_averaged():
    doc1_gold = [((0,), (0,))]
    doc1_hyp = [((0,), (0,))]
    doc2_gold = [((k,), (k,)) for k in range(3)]
    doc2_hyp = [((0,), (1,)), ((1,), (0,)), ((2,), (2,))]
    s = score_documents([doc1_gold, doc2_gold], [doc1_hyp, doc2_hyp])
    assert s.precision_strict == pytest.approx(2 / 4)  # not the mean of 1.0 and 1/3
    with pytest.raises(ValueError):
        score_documents([doc1_gold], [doc1_hyp, doc2_hyp])


def test_format_round_trip_and_errors():
    lines = ["[0]:[0, 1]\t0.9512", "[2, 3]:[2]", "[4]:[]", "[]:[3]", "[5]:[4]:0.5"]
    parsed = vf.parse(lines)
    assert parsed == [((0,), (0, 1)), ((2, 3), (2,)), ((4,), ()), ((), (3,)), ((5,), (4,))]
    assert vf.format_group((0,), (0, 1), 0.95123) == "[0]:[0, 1]:0.9512"  # Vecalign's own layout
    assert vf.format_group((), (3,)) == "[]:[3]"
    with pytest.raises(vf.FormatError, match="line 2"):
        vf.parse(["[0]:[0]", "0-0"], name="x.txt")


def test_textberg_gold_scores_itself_perfectly():
    gold = vf.read(str(require_shared(DATA / "textberg-dev" / "dev.defr")))
    assert len(gold) == 422
    assert score(gold, gold).f1_strict == 1.0
