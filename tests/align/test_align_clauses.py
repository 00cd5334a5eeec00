"""Edge clauses: where two translations cut sentences in different places, the aligner merges.

Method "mt" with English on both sides (the source is its own "MT"): no
embedding model, milliseconds per test.
"""
from __future__ import annotations

import pytest

from xlalign.align import AlignerParams, align_sentences
from xlalign.align import params as P
from xlalign.align.clauses import edge_clauses

from harness.samples import SENTENCES as S
from harness.samples import groups

# the source's first sentence ends with a clause that the target puts into its second sentence
SRC_A = ("The council met on Monday and approved the budget for the new school year after a long debate; "
         "the mayor praised the decision warmly")
SRC_B = "He said the new school would open in September with four hundred pupils and thirty teachers"
TGT_A = "The council met on Monday and approved the budget for the new school year after a long debate."
TGT_B = ("The mayor praised the decision warmly, and he said the new school would open in September "
         "with four hundred pupils and thirty teachers.")


def test_first_and_last_clause():
    assert edge_clauses(SRC_A, MIN_CLAUSE) == (
        "The council met on Monday and approved the budget for the new school year after a long debate;",
        "the mayor praised the decision warmly")
    assert edge_clauses("The trains were late, the buses were full, and the roads were closed all morning.", MIN_CLAUSE) == (
        "The trains were late,", "and the roads were closed all morning.")


@pytest.mark.parametrize("sentence", [
    "A short sentence without any break at all in it.",
    "Leiter Ch. Evans hat das Team geführt",  # its only full stop is an abbreviation near the start
    "Tiny, a sentence whose only comma sits too close to the start",
])
def test_no_edge_clauses(sentence):
    assert edge_clauses(sentence, MIN_CLAUSE) is None


MIN_CLAUSE = AlignerParams().min_clause
WITHOUT_CLAUSES = AlignerParams.for_method("mt").with_changes(weights=P.WEIGHTS["mt"].with_changes(w_cl=0.0))


def test_a_clause_across_the_boundary_makes_a_two_to_two_group():
    src = S[:5] + [SRC_A, SRC_B] + S[5:]
    tgt = S[:5] + [TGT_A, TGT_B] + S[5:]
    got = groups(align_sentences(src, tgt, src_mt=src, method="mt"))
    assert ((5, 6), (5, 6)) in got
    assert [g for g in got if g != ((5, 6), (5, 6))] == [((k,), (k,)) for k in range(5)] + [
        ((k,), (k,)) for k in range(7, len(src))]
    # the edge-clause feature is what decides it: without it the split wins
    got = groups(align_sentences(src, tgt, src_mt=src, method="mt", params=WITHOUT_CLAUSES))
    assert ((5,), (5,)) in got and ((6,), (6,)) in got


def test_edges_that_belong_to_their_group_change_nothing():
    """Ordinary 1-1 translations with multi-clause sentences stay 1-1."""
    src = [s.replace(" after ", ", after ").replace(" over ", ", over ") for s in S]
    with_feature = groups(align_sentences(src, src, src_mt=src, method="mt"))
    assert with_feature == groups(align_sentences(src, src, src_mt=src, method="mt", params=WITHOUT_CLAUSES)) == [
        ((k,), (k,)) for k in range(len(S))]
