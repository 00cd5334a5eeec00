"""The comparable-text miner and document pairing."""
from __future__ import annotations

from xlalign.align import DocText, align_sentences, pair_documents

from harness.samples import BRIEF_BG, BRIEF_EN, UNRELATED, UNRELATED_EN
from harness.samples import NEWS_BG as BG
from harness.samples import NEWS_EN as EN
from harness.samples import SENTENCES as S
from harness.shared_data import DATA, SEEDS, require_shared

OTHER = [
    "The central bank kept interest rates unchanged for the third month in a row.",
    "A new species of frog was discovered in the rainforest of northern Peru.",
    "The festival will feature more than two hundred films from forty countries.",
    "Engineers are testing a battery that charges in less than ten minutes.",
    "The ferry service between the two islands was suspended because of strong winds.",
    "Tourists crowded the old town square to watch the annual flower parade.",
]


def pairs_of(result):
    return {(g.src, g.tgt) for g in result.groups}


def test_miner_matches_reordered_translations_and_leaves_the_rest():
    # target: translations of source 1 and 4 hidden among unrelated sentences, order reversed
    tgt = [OTHER[0], S[4], OTHER[1], OTHER[2], S[1], OTHER[3]]
    r = align_sentences(S, tgt, src_mt=S, method="mt", mode="comparable")
    assert r.mode == "comparable"
    assert pairs_of(r) == {((1,), (4,)), ((4,), (1,))}
    assert all(g.score > 0.9 for g in r.groups)


def test_miner_gives_one_source_two_non_adjacent_targets():
    src = [
        "The mayor opened the new bridge on Monday, and the police closed two roads in the old town.",
    ] + S[:4]
    tgt = [
        "The mayor opened the new bridge on Monday.",
        OTHER[0], OTHER[1], S[2],
        "The police closed two roads in the old town.",
        OTHER[2],
    ]
    r = align_sentences(src, tgt, src_mt=src, method="mt", mode="comparable")
    assert ((0,), (0, 4)) in pairs_of(r)
    assert ((3,), (3,)) in pairs_of(r)
    used = [j for g in r.groups for j in g.tgt]
    assert not {1, 2, 5} & set(used)


def test_miner_with_real_embeddings_finds_translations_among_unrelated():
    tgt = [OTHER[0], EN[3], OTHER[1], EN[0], OTHER[2], OTHER[3]]
    r = align_sentences(BG, tgt, mode="comparable")  # no MT: embeddings only, and says so
    assert r.method == "embed" and r.notes
    assert pairs_of(r) == {((3,), (1,)), ((0,), (3,))}


def test_pair_documents_tells_translation_from_related_coverage():
    src = DocText("bg1", "bg", BG, None)
    translation = DocText("en-translation", "en", EN[:3] + [UNRELATED] + EN[3:], None)
    related = DocText("en-related", "en", [EN[0], OTHER[0], EN[2], OTHER[1], EN[4], OTHER[2], OTHER[3], OTHER[4]],
                      None)
    unrelated = DocText("en-unrelated", "en", OTHER, None)
    decisions = {d.tgt_key: d for d in pair_documents([src], [translation, related, unrelated])}
    # a translation is paired with its original alone (PairingParams.comparable_beside_parallel)
    assert list(decisions) == ["en-translation"] and decisions["en-translation"].mode == "parallel"
    d = decisions["en-translation"]
    assert d.src_key == "bg1" and d.method == "embed" and d.params["reason"] == "translation"
    assert d.params["path_coverage"] >= 0.8 and d.params["path_spans"]
    # without the translation, the article that shares three of its sentences is related coverage
    decisions = {d.tgt_key: d for d in pair_documents([src], [related, unrelated])}
    assert list(decisions) == ["en-related"] and decisions["en-related"].mode == "comparable"
    assert decisions["en-related"].params["anchors"] >= 3
    assert pair_documents([], [translation]) == []


OTHER_BG = [  # unrelated Bulgarian sentences: same language as the source, nothing in common with it
    "Централната банка запази лихвените проценти без промяна за трети пореден месец.",
    "В дъждовната гора в Северно Перу е открит нов вид жаба.",
    "Фестивалът ще покаже повече от двеста филма от четиридесет страни.",
    "Инженерите изпитват батерия, която се зарежда за по-малко от десет минути.",
    "Фериботната линия между двата острова беше спряна заради силния вятър.",
    "Туристи изпълниха площада на стария град, за да гледат годишния парад на цветята.",
]


def test_the_right_partner_second_by_raw_cosine_is_still_paired():
    """A small built collection where a target close to everything by document cosine (unrelated text in
    the source's own language, which e5 places near any Bulgarian document) outranks the real translation:
    the sentence-level comparison picks the translation and leaves the hub alone."""
    import numpy as np

    from xlalign.align.pairing import doc_vector

    src = DocText("bg1", "bg", BG, None)
    hub = DocText("hub", "en", OTHER_BG, None)
    translation = DocText("en-translation", "en", EN, None)
    unrelated = DocText("en-unrelated", "en", OTHER, None)
    targets = [hub, translation, unrelated]
    v = doc_vector(BG)
    raw = [float(v @ doc_vector(t.sentences)) for t in targets]
    assert int(np.argmax(raw)) == 0 and sorted(raw, reverse=True)[1] == raw[1], raw  # the translation is second
    decisions = pair_documents([src], targets)
    assert [(d.tgt_key, d.mode) for d in decisions] == [("en-translation", "parallel")]
    assert decisions[0].params["doc_rank"] == 2 and decisions[0].params["doc_margin"] < 0


def _seed_sentences(path, lang):
    from xlalign.ingest.segment import split_sentences

    out = []
    for para in path.read_text(encoding="utf-8").split("\n"):
        para = para.strip()
        if len(para) > 2:
            out += [para[a:b] for a, b in split_sentences(para, lang) if b - a > 2]
    return out


def test_seed_rewrite_is_comparable_to_related_coverage_with_few_pairs():
    seeds = require_shared(SEEDS)
    bg_path = next(seeds.glob("003_*.txt"))
    en_paths = sorted(p for p in seeds.glob("00[0-4]_*.txt") if p != bg_path)
    bg = DocText("003", "bg", _seed_sentences(bg_path, "bg"), None)
    targets = [DocText(p.name[:3], "en", _seed_sentences(p, "en"), None) for p in en_paths]
    decisions = pair_documents([bg], targets)
    assert decisions, "the same story in English should be paired"
    assert all(d.mode == "comparable" for d in decisions)
    for d in decisions:
        tgt = next(t for t in targets if t.key == d.tgt_key)
        r = align_sentences(bg.sentences, tgt.sentences, mode=d.mode)
        assert len(r.groups) <= 0.3 * len(bg.sentences)


def test_hybrid_ignores_a_degenerate_mt_and_says_so():
    from xlalign.align import align_sentences

    src = ["Кметът откри новата линия.", "Билетът струва едно евро.", "Трамваите тръгват в шест.",
           "Строежът продължи две години."]
    tgt = ["The mayor opened the new line.", "A ticket costs one euro.", "The trams leave at six.",
           "Construction took two years."]
    result = align_sentences(src, tgt, src_mt=["In A9 this so"] * 4, method="hybrid")
    assert result.method == "embed"
    assert result.notes[0].startswith("MT ignored as degenerate: 1 distinct translations for 4")
    assert [(g.src, g.tgt) for g in result.groups] == [((i,), (i,)) for i in range(4)]




def test_two_sentence_briefs_are_paired_and_mined():
    """Too few sentence pairs for a document's own statistics: the FLORES prior carries the decision."""
    from xlalign.align import DocText, align_sentences, pair_documents

    decisions = pair_documents([DocText("bg", "bg", BRIEF_BG, None)],
                               [DocText("en", "en", BRIEF_EN, None), DocText("other", "en", UNRELATED_EN, None)])
    assert [(d.tgt_key, d.mode) for d in decisions] == [("en", "parallel")]
    mined = align_sentences(BRIEF_BG, BRIEF_EN, mode="comparable", method="embed")
    assert [(g.src, g.tgt) for g in mined.groups] == [((0,), (0,)), ((1,), (1,))]
    assert align_sentences(BRIEF_BG, UNRELATED_EN, mode="comparable", method="embed").groups == []


def test_three_sources_with_one_translation_are_a_degenerate_mt():
    from xlalign.align import align_sentences

    src = BRIEF_BG + ["Трамваите тръгват в шест."]
    result = align_sentences(src, BRIEF_EN + ["The trams leave at six."], src_mt=["In A9 this so"] * 3)
    assert result.method == "embed" and result.notes[0].startswith("MT ignored as degenerate: 1 distinct")


def test_only_the_closest_targets_get_the_sentence_level_look():
    import numpy as np

    from xlalign.align import DocText, PairingParams, pair_documents
    from xlalign.align.index import candidate_rows

    sims = np.array([0.90, 0.97, 0.80, 0.93, 0.96])
    assert candidate_rows(sims, None, 2) == [1, 4]
    assert candidate_rows(sims, np.array([0.99, 0.0, 0.0, 0.0, 0.0]), 2) == [0, 1]  # the MT cosine counts
    # no target joins past a threshold (a collection about one story would make that quadratic)
    assert candidate_rows(sims, None, 1) == [1]
    assert candidate_rows(sims, None, None) == [1, 4, 3, 0, 2]
    # with a single candidate per source the brief still finds its original among unrelated documents
    targets = [DocText("other", "en", UNRELATED_EN, None), DocText("en", "en", BRIEF_EN, None)]
    decisions = pair_documents([DocText("bg", "bg", BRIEF_BG, None)], targets, params=PairingParams(candidates=1))
    assert [(d.tgt_key, d.mode, d.params["candidates_examined"]) for d in decisions] == [("en", "parallel", 1)]


def test_the_null_sample_is_fixed_size_and_stable_as_documents_arrive():
    from xlalign.align.index import null_rows

    keys = [str(i) for i in range(1000)]
    sample = null_rows(keys, 256)
    assert len(sample) == 256 and list(sample) == sorted(sample)
    chosen = {keys[i] for i in sample}
    grown = keys + [str(i) for i in range(1000, 1010)]
    more = {grown[i] for i in null_rows(grown, 256)}
    assert len(chosen - more) <= 10  # a new document displaces at most one sampled one
    assert list(null_rows(keys[:5], 256)) == [0, 1, 2, 3, 4]


# a rewrite from benchmarks/pipeline_pairing.py: six FLORES dev lines of one article (920-929) in another
# order among three of another (420-429); its z-scores stay below the chance level of the 9 x 10 matrix
REWRITE_LINES = [424, 926, 927, 426, 923, 929, 924, 422, 925]


def test_a_rewrite_whose_sentences_are_each_others_best_match_is_paired_by_them():
    from xlalign.align.params import PairingParams

    flores = require_shared(DATA / "flores-bg-en-dev")
    bg = (flores / "flores-dev.bg").read_text(encoding="utf-8").split("\n")
    en = (flores / "flores-dev.en").read_text(encoding="utf-8").split("\n")
    rewrite = DocText("rewrite", "bg", [bg[i] for i in REWRITE_LINES], None)
    targets = [DocText(f"en{a}", "en", en[a : a + 10], None) for a in (920, 100, 500, 700)]
    decisions = {d.tgt_key: d for d in pair_documents([rewrite], targets)}
    assert "en920" in decisions, decisions
    p = decisions["en920"].params
    assert decisions["en920"].mode == "comparable"
    assert p["reason"] == "mutual-best pairs"
    assert p["anchors"] < PairingParams().anchor_min  # what the anchors alone would have missed
    assert p["mutual_best"] > p["mutual_bar"]
    assert set(decisions) == {"en920"}  # the unrelated articles stay unpaired


def test_the_mutual_best_bar_grows_with_the_documents_and_is_reproducible():
    from xlalign.align.pairing import MUTUAL_BAR_MAX_CELLS, mutual_bar

    bars = [mutual_bar(k, k, 0.01) for k in (10, 20, 45, 100)]
    assert bars == sorted(bars) and bars[0] < bars[-1]
    assert mutual_bar(10, 12, 0.01) == mutual_bar(12, 10, 0.01)  # symmetric, and the same every time
    assert mutual_bar(20, 20, 0.001) >= mutual_bar(20, 20, 0.1)  # a smaller alpha is a stricter bar
    assert mutual_bar(0, 5, 0.01) == float("inf")
    assert mutual_bar(MUTUAL_BAR_MAX_CELLS, 2, 0.01) == float("inf")  # too big to simulate: anchors decide
