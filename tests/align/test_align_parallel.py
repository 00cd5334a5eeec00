"""The monotone aligner: every group type on inputs where the answer is unambiguous.

Most tests use method "mt" with English on both sides (the "MT" of the
source is the source itself), which needs no embedding model and runs in
milliseconds; the real-embedding tests are marked as such in their names.
"""
from __future__ import annotations

import pytest

from xlalign.align import AlignerParams, Group, align_sentences
from xlalign.align import params as P
from xlalign.align.confidence import confidence

from harness.samples import NEWS_BG as BG
from harness.samples import NEWS_EN as EN
from harness.samples import SENTENCES as S
from harness.samples import UNRELATED, groups


def align_mt(src, tgt, **kw):
    return align_sentences(src, tgt, src_mt=src, method="mt", **kw)


def test_one_to_one():
    r = align_mt(S, S)
    assert groups(r) == [((k,), (k,)) for k in range(len(S))]
    assert all(g.kind == "1-1" for g in r.groups)
    assert r.method == "mt" and r.mode == "parallel" and r.notes == ()
    assert all(g.score > 0.9 for g in r.groups)


def test_insertion_zero_to_one():
    tgt = S[:4] + [UNRELATED] + S[4:]
    got = groups(align_mt(S, tgt))
    assert ((), (4,)) in got
    assert ((4,), (5,)) in got and ((3,), (3,)) in got


def test_deletion_one_to_zero():
    tgt = S[:6] + S[7:]
    r = align_mt(S, tgt)
    assert ((6,), ()) in groups(r)
    assert [g.kind for g in r.groups].count("1-0") == 1


def test_merge_two_to_one():
    tgt = S[:3] + [S[3] + " " + S[4]] + S[5:]
    got = groups(align_mt(S, tgt))
    assert ((3, 4), (3,)) in got
    assert ((5,), (4,)) in got


def test_split_one_to_two():
    first, second = "The national team lost its final match.", "It went to a penalty shoot-out against Portugal."
    tgt = S[:3] + [first, second] + S[4:]
    got = groups(align_mt(S, tgt))
    assert ((3,), (3, 4)) in got


def test_crossing_content_two_to_two():
    # the sentence boundary moved: S4 = A + B, S5 = C; T4 = A, T5 = B + C
    src = S[:4] + [
        "The mayor opened the bridge, and a brass band from the fire brigade played old songs "
        "for the large crowd that had gathered on both banks.",
        "Traffic was heavy.",
    ] + S[6:]
    tgt = S[:4] + [
        "The mayor opened the bridge.",
        "A brass band from the fire brigade played old songs for the large crowd that had gathered "
        "on both banks, and traffic was heavy.",
    ] + S[6:]
    got = groups(align_mt(src, tgt))
    assert ((4, 5), (4, 5)) in got


def test_one_to_three_and_three_to_one():
    parts = ["Scientists found traces of water.", "The samples were brought back from the moon.",
             "They come from its far side."]
    tgt = S[:4] + parts + S[5:]
    assert ((4,), (4, 5, 6)) in groups(align_mt(S, tgt))
    tgt = S[:2] + [" ".join(S[2:5])] + S[5:]
    assert ((2, 3, 4), (2,)) in groups(align_mt(S, tgt))


def test_max_group_bounds_group_size():
    tgt = S[:2] + [" ".join(S[2:5])] + S[5:]
    r = align_mt(S, tgt, max_group=2)
    assert all(len(g.src) <= 2 and len(g.tgt) <= 2 for g in r.groups)
    assert r.params["max_group"] == 2 and "|maxg:2|" in r.signature


def test_every_sentence_is_covered_once_and_in_order():
    tgt = S[:2] + [UNRELATED] + [S[2] + " " + S[3]] + S[5:]
    r = align_mt(S, tgt)
    src_seen = [i for g in r.groups for i in g.src]
    tgt_seen = [j for g in r.groups for j in g.tgt]
    assert src_seen == list(range(len(S)))
    assert tgt_seen == list(range(len(tgt)))


def test_empty_sides():
    r = align_mt(S[:2], [])
    assert groups(r) == [((0,), ()), ((1,), ())]
    r = align_sentences([], ["a b c"], src_mt=[], method="mt")
    assert groups(r) == [((), (0,))]


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="line by line"):
        align_sentences(S, S, src_mt=S[:-1], method="mt")
    with pytest.raises(ValueError, match="needs a machine translation"):
        align_sentences(S, S, method="mt")
    with pytest.raises(ValueError, match="unknown method"):
        align_sentences(S, S, src_mt=S, method="bleu")
    with pytest.raises(ValueError, match="unknown mode"):
        align_sentences(S, S, src_mt=S, method="mt", mode="sideways")
    with pytest.raises(TypeError):
        align_sentences("one string", S, src_mt=S, method="mt")


def test_group_record_and_confidence_scale():
    g = Group((1, 2), (3,), 0.5)
    assert g.kind == "2-1" and Group((), (0,), None).kind == "0-1"
    assert confidence(0.0) < 0.1 and confidence(8.0) > 0.99


def test_result_params_are_json_and_reproducible():
    import json

    r1 = align_mt(S, S[:5] + S[6:])
    r2 = align_mt(S, S[:5] + S[6:])
    json.dumps(r1.params)
    assert r1.signature == r2.signature and groups(r1) == groups(r2)
    assert r1.signature.startswith(f"align:mt|mode:parallel|emb:none|mt:chrcos|maxg:{AlignerParams().max_group}|")
    assert r1.signature.endswith(f"|v:{P.VERSION}")


# --- with the real embedding model -------------------------------------------------



def test_real_embeddings_recover_a_merge_and_note_the_fallback():
    tgt = EN[:2] + [EN[2] + " " + EN[3]] + EN[4:]
    r = align_sentences(BG, tgt)  # hybrid without MT: falls back to embeddings
    assert r.method == "embed"
    assert any("no MT" in n for n in r.notes)
    assert groups(r) == [((0,), (0,)), ((1,), (1,)), ((2, 3), (2,)), ((4,), (3,)), ((5,), (4,))]
    assert "emb:e5-small-q4" in r.signature and r.params["embedding_model"] == "e5-small-q4"


def test_real_embeddings_hybrid_with_mt():
    tgt = EN[:3] + [UNRELATED] + EN[3:]
    r = align_sentences(BG, tgt, src_mt=EN)
    assert r.method == "hybrid" and r.notes == ()
    assert groups(r) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((), (3,)), ((3,), (4,)), ((4,), (5,)), ((5,), (6,))]


def test_long_repetitive_document_goes_through_the_coarse_to_fine_band():
    """300 sentences (the same 10 repeated): above the full-DP limit, and periodic,
    which once made the coarse level lock onto a copy shifted by one repetition."""
    from xlalign.align import search
    from xlalign.align.band import Band

    src = S * 30
    tgt = list(src)
    tgt.insert(151, UNRELATED)
    tgt[200:202] = [tgt[200] + " " + tgt[201]]
    assert len(src) > AlignerParams().coarse_max
    r = align_mt(src, tgt)
    got = groups(r)
    assert ((), (151,)) in got
    assert ((199, 200), (200,)) in got
    assert sum(1 for g in r.groups if g.kind == "1-1") == len(src) - 2
    assert search.find_band(*_unit_vectors(src, tgt)).size < Band.full(len(src), len(tgt)).size / 5


def _unit_vectors(src, tgt):
    from xlalign.align.parallel import coarse_vectors
    from xlalign.align.similarity import PairFeatures

    f = PairFeatures(src, tgt, src, use_mt=True, use_emb=False, max_size=4).prepare()
    return coarse_vectors(f) + (AlignerParams(band_width=8),)


@pytest.mark.parametrize("mode", ["parallel", "comparable"])
def test_plan_names_the_alignment_before_it_is_computed(mode):
    """The pipeline skips a pair whose planned signature is stored: plan and result must agree."""
    from xlalign.align import plan_alignment

    plan = plan_alignment(S, S[:7], src_mt=S, method="mt", mode=mode, mt_model="argos:x@1")
    result = align_sentences(S, S[:7], src_mt=S, method="mt", mode=mode, mt_model="argos:x@1")
    assert plan.signature == result.signature and plan.params == result.params
    assert result.params["mt_model"] == "argos:x@1" and "|mtmodel:argos:x@1|" in result.signature
    other = plan_alignment(S, S[:7], src_mt=S, method="mt", mode=mode, mt_model="argos:y@1")
    assert other.signature != plan.signature  # output of another MT model is another alignment


def test_one_sentence_against_five():
    """1-5 is a default group type (Text+Berg dev has several); 2-5 is not."""
    from xlalign.align.parallel import group_types

    long_src = S[:2] + [" ".join(S[2:7])] + S[7:]
    r = align_mt(long_src, S)
    assert ((2,), (2, 3, 4, 5, 6)) in groups(r)
    assert (1, 5) in group_types(5, 6) and (5, 1) in group_types(5, 6)
    assert (2, 5) not in group_types(5, 6) and (3, 4) not in group_types(5, 6)
    assert group_types(4, 6) == [(a, b) for a in range(1, 5) for b in range(1, 5) if a + b <= 6]


@pytest.mark.parametrize("method", ["hybrid", "mt", "embed"])
def test_only_weighted_features_are_computed_and_the_path_is_the_same(method):
    """An alignment computes the features its weights use (parallel.weighted_features); tuning, which
    re-weights the same candidates, gets all of them. Both must decode to the same groups."""
    from xlalign.align.parallel import FEATURES, candidates, decode, weighted_features
    from xlalign.align.similarity import PairFeatures

    src, tgt = BG + BG[:2], EN + [UNRELATED] + EN[:2]
    p = AlignerParams.for_method(method)
    f = PairFeatures.for_method(src, tgt, EN + EN[:2] if method != "embed" else None, method, p)
    wanted = weighted_features(p.weights)
    full, lean = candidates(f, p), candidates(f, p, wanted=wanted)
    computed = set().union(*[set(ft) for ft in lean.feats]) & set(FEATURES)
    made_from = {name[: -len("_nb")] for name in wanted if name.endswith("_nb")}  # a margin needs its cosine
    assert wanted <= computed <= wanted | made_from  # nothing else without a weight, nothing with one missing
    if method == "hybrid":
        assert "mt_nb" not in computed and "embmt_nb" not in computed
    assert set().union(*[set(ft) for ft in full.feats]) & set(FEATURES) >= wanted
    assert decode(full, p.weights) == decode(lean, p.weights)


def test_alignment_runs_numpy_blas_on_one_thread_and_gives_the_threads_back():
    from threadpoolctl import threadpool_info

    from xlalign.align.blas import one_blas_thread

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    assert before, "numpy's BLAS should be visible to threadpoolctl"
    with one_blas_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def test_embedding_features_from_band_dots_equal_those_from_run_vectors():
    """similarity.embedding_dots: a group's cosine and its neighbours' from sentence-pair dots and run-sum norms
    are the cosines of the normalised run vectors (runs embedded as sums, embed_runs 1)."""
    import numpy as np

    from xlalign.align.band import Band
    from xlalign.align.parallel import group_types
    from xlalign.align.similarity import PairFeatures

    src, tgt = BG + BG[:3], EN + [UNRELATED] + EN[:3]
    p = AlignerParams.for_method("hybrid")
    f = PairFeatures.for_method(src, tgt, EN + EN[:3], "hybrid", p)
    band = Band.full(len(src), len(tgt))
    dots = f.pair_dots(band)
    i_all, j_all = band.nodes()
    f.embedding_dots(band)
    assert set(f.emb_dots) == {"emb", "embmt"}
    checked = 0
    for a, b in group_types(p.max_group, p.many_to_many_max):
        ok = (i_all >= a) & (j_all >= b)
        i, j = i_all[ok], j_all[ok]
        banded = f.group_features(a, b, i, j, dots)
        saved, f.emb_dots = f.emb_dots, {}
        vectors = f.group_features(a, b, i, j, dots)
        f.emb_dots = saved
        for name in ("emb", "emb_nb", "embmt", "embmt_nb"):
            np.testing.assert_allclose(banded[name], vectors[name], atol=1e-4)
            checked += len(i)
    assert checked > 100
