"""Character n-gram vectors: the same n-grams for the same text however it was tokenised, exact dot products."""
from __future__ import annotations

import numpy as np

from xlalign.align import align_sentences
from xlalign.align import vecalign_format as vf
from xlalign.align.ngrams import SparseRows, block_dots, featurise, normalise
from xlalign.align.scoring import score

from harness.shared_data import DATA, require_shared


def test_word_segmented_chinese_gives_the_ngrams_of_chinese_as_written():
    assert normalise("起初 ， 上帝 创造 了 天地 。") == normalise("起初，上帝创造了天地。")
    assert normalise("東京 タワー") == normalise("東京タワー")
    # spaces between words of other scripts, and between a CJK character and a Latin word, stay
    assert normalise("Der Berg , hoch .") == "der berg, hoch."
    assert normalise("上帝 God 创造") == "上帝 god 创造"


def _dense(x: SparseRows, vocab: int) -> np.ndarray:
    out = np.zeros((x.n, vocab))
    for k in range(x.n):
        ids, vals = x.row(k)
        out[k, ids] = vals
    return out


def test_block_dots_are_the_exact_dot_products():
    rng = np.random.default_rng(3)
    words = ["berg", "hütte", "gipfel", "seil", "lager", "grat", "fels", "schnee"]
    texts = [" ".join(rng.choice(words, rng.integers(1, 9))) for _ in range(40)]
    x, y = featurise([texts[:25], texts[25:]])
    vocab = int(max(x.ids.max(), y.ids.max())) + 1
    want = _dense(x, vocab) @ _dense(y, vocab).T
    got = block_dots(x, y, range(3, 21), range(2, 15))
    assert np.allclose(got, want[3:21, 2:15], rtol=1e-5, atol=1e-5)
    assert block_dots(x, y, range(0), range(4)).shape == (0, 4)


def _bible_excerpt(lines: int = 40):
    root = require_shared(DATA / "bible-en-zh")
    gold = vf.read(str(root / "001.gold"))
    keep = []
    for s, t in gold:
        if s and s[0] >= lines:
            break
        keep.append((s, t))
    n = max(i for s, _ in keep for i in s) + 1
    m = max(j for _, t in keep for j in t) + 1
    def read(name: str) -> list[str]:
        return (root / name).read_text(encoding="utf-8").split("\n")

    return read("001.en")[:n], read("001.zh")[:m], read("001.en-mt.zh")[:n], keep


def test_word_segmented_chinese_mt_aligns_with_chinese_as_written():
    """Bible 001 (English -> Chinese, MT with spaces between Chinese words): the MT signal alone finds the verses."""
    src, tgt, mt, gold = _bible_excerpt()
    got = [(g.src, g.tgt) for g in align_sentences(src, tgt, src_mt=mt, method="mt").groups]
    assert score(gold, got).f1_lax > 0.97
    assert score(gold, got).f1_strict > MT_EXCERPT_STRICT


MT_EXCERPT_STRICT = 0.7  # verse-level gold: a verse the aligner splits into two sentence groups counts as wrong


def test_hashing_all_texts_at_once_gives_each_text_its_own_n_grams():
    """row_hashes hashes the joined texts in one pass; no window may cross from one text into the next,
    and every text gets exactly what hashing it alone gives (short texts and empty ones included)."""
    import numpy as np

    from xlalign.align.ngrams import _MULT, row_hashes

    def _ngram_hashes(text, orders):  # the definition, one text at a time
        cps = np.frombuffer((" " + text + " ").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        out = []
        with np.errstate(over="ignore"):
            for n in orders:
                if len(cps) < n:
                    continue
                h = np.full(len(cps) - n + 1, np.uint64(n), dtype=np.uint64)
                for t in range(n):
                    h = h * _MULT + cps[t : len(cps) - n + 1 + t]
                out.append(h ^ (h >> np.uint64(29)))
        return np.concatenate(out) if out else np.zeros(0, dtype=np.uint64)

    texts = ["Der Gipfel", "", "a", "Le sommet est atteint à midi.", "起初 ， 上帝 创造", "ab"]
    hr = row_hashes(texts)
    assert hr.n == len(texts)
    for k, t in enumerate(texts):
        alone = np.sort(_ngram_hashes(normalise(t), (1, 2, 3, 4, 5)))
        assert np.array_equal(np.sort(hr.hashes[hr.rows == k]), alone), t
