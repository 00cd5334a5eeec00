"""Group-type decisions on real development text (Text+Berg dev, German -> French, Google MT).

An excerpt of the yearbook chapter whose gold has a 2-2 group (the translator moved a sentence
boundary: German 129-130 against French 171-172) between runs of 1-1 groups, where merging two
neighbouring 1-1 translations would be wrong. Method "mt" (no embedding model): milliseconds.
"""
from __future__ import annotations

from xlalign.align import align_sentences
from xlalign.align import vecalign_format as vf

from harness.shared_data import DATA, require_shared

SRC, TGT = (122, 137), (165, 179)  # line ranges of the excerpt in dev.de / dev.fr


def _excerpt():
    root = require_shared(DATA / "textberg-dev")

    def read(name: str) -> list[str]:
        return (root / name).read_text(encoding="utf-8").split("\n")

    de, fr, mt = read("dev.de"), read("dev.fr"), read("dev.google.fr")
    gold = [(tuple(i - SRC[0] for i in s), tuple(j - TGT[0] for j in t)) for s, t in vf.read(str(root / "dev.defr"))
            if (s and SRC[0] <= s[0] < SRC[1]) or (t and TGT[0] <= t[0] < TGT[1])]
    return de[SRC[0]:SRC[1]], fr[TGT[0]:TGT[1]], mt[SRC[0]:SRC[1]], gold


def test_a_moved_sentence_boundary_is_one_two_to_two_group():
    src, tgt, mt, gold = _excerpt()
    got = [(g.src, g.tgt) for g in align_sentences(src, tgt, src_mt=mt, method="mt").groups]
    assert ((7, 8), (6, 7)) in gold and ((7, 8), (6, 7)) in got


def test_neighbouring_translations_stay_one_to_one_groups():
    src, tgt, mt, gold = _excerpt()
    got = [(g.src, g.tgt) for g in align_sentences(src, tgt, src_mt=mt, method="mt").groups]
    ones = [g for g in gold if len(g[0]) == len(g[1]) == 1]
    assert len(ones) >= 8
    assert set(ones) <= set(got)
    assert sorted(got) == sorted(gold)
