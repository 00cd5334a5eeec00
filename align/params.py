"""Tuned parameters of the monotone aligner, one set per signal combination.

Tuned on strict F1 over development data only: the Text+Berg dev document
(German-French, Google MT) and synthetic FLORES bg-en dev documents (see
benchmarks/alignment_quality.py). The weights came from coordinate ascent
(version 0.1); version 0.2 added 1-5/5-1 groups (bias_big) and the
edge-clause feature (w_cl), each kept because it raised strict F1 on the
whole Text+Berg document, on each half of it and on FLORES at once
(hybrid, Text+Berg dev: 0.913 -> 0.917 -> 0.923; halves 0.906/0.903 ->
0.915/0.925). benchmarks/tune_aligner.py re-runs the search and explains
why single-document gains are not enough. Every value a result depends on
ends up in `AlignmentResult.params` and, abbreviated, in its signature, so a
stored alignment can always be reproduced.

Meaning of the keys (see parallel.py and similarity.py):
  w_<feature>  weight of a normalised similarity (mt: char n-gram cosine of
               MT vs target; emb: e5 cosine source vs target; embmt: e5
               cosine MT vs target; *_nb: the same minus the similarity with
               the neighbouring sentences), in units of random-pair spread
  w_cl         weight of the edge-clause leak (clauses.py; a cosine difference,
               hence the large value)
  w_len        weight of the |log length ratio| penalty
  w_junk       penalty per line without words inside a group
  gamma        group score is scaled by ((a+b)/2)**gamma
  bias_*       per-type costs beyond 1-1 (bias_size per extra sentence,
               bias_many for many-to-many, bias_12/13/22/23 per type family,
               bias_big for 5 or more sentences on one side)
  sat          optional saturation of group scores (unused: 0)
  skip         cost of a 1-0 / 0-1, plus kappa x the sentence's best 1-1 score
  skip_junk    cost of leaving a line without words unaligned
"""
from __future__ import annotations

VERSION = "0.2"
MAX_GROUP = 5  # default largest group on either side (1-5 and 5-1)
MANY_TO_MANY_MAX = 6  # sentences in a group with two or more on both sides (2-4, 3-3, ...)
BAND_WIDTH = 8  # half-width of the final DP band (sentences)
EMBED_RUNS = 1  # longest run of sentences embedded as one text (longer: sum)

PARAMS: dict[str, dict[str, float]] = {
    "mt": {
        "w_mt": 1.0, "w_mt_nb": 0.25, "w_cl": 16.0, "w_len": 12.0, "w_junk": 4.0, "gamma": 0.5,
        "bias_size": 1.5, "bias_many": 0.0, "bias_13": 1.0, "bias_big": 8.0, "skip": 4.0, "kappa": 0.2,
    },
    "embed": {
        "w_emb": 1.0, "w_emb_nb": 1.5, "w_len": 12.0, "w_junk": 2.0, "gamma": 0.0,
        "bias_size": -0.5, "bias_many": -1.0, "bias_13": 1.0, "bias_big": 8.0, "skip": 3.0, "kappa": 0.3,
    },
    "hybrid": {
        "w_mt": 1.0, "w_mt_nb": 0.0, "w_emb": 0.0, "w_emb_nb": 4.0, "w_embmt": 3.0, "w_embmt_nb": 0.0,
        "w_cl": 100.0, "w_len": 32.0, "w_junk": 2.0, "gamma": 0.25, "bias_size": 1.0, "bias_many": -2.0,
        "bias_12": 1.0, "bias_13": 2.0, "bias_22": -1.0, "bias_big": 8.0, "skip": 6.0, "kappa": 0.5,
    },
}

# Comparable-text miner (miner.py), per method: z-scores are in units of the
# document pair's own spread of similarities (median/MAD of all pairs).
# Calibrated on synthetic comparable FLORES documents (benchmarks/align_data.py,
# seed 11; the benchmark uses another seed) for precision first, and checked on
# the seed articles (a Bulgarian rewrite against related English coverage).
MINER: dict[str, dict[str, float]] = {
    "hybrid": {"k": 4, "z_min": 5.0, "margin_min": 1.5, "z_min2": 6.0, "margin_min2": 1.5},
    "mt": {"k": 4, "z_min": 5.0, "margin_min": 1.5, "z_min2": 6.0, "margin_min2": 1.5},
    "embed": {"k": 4, "z_min": 3.0, "margin_min": 0.5, "z_min2": 4.0, "margin_min2": 0.5},
}

# Median and spread (1.4826 MAD) of the similarity of unrelated sentence pairs, per signal, measured
# on FLORES bg-en dev (24 documents, Google MT; Text+Berg de-fr: emb 0.791/0.024, embmt 0.808/0.025,
# mt 0.043/0.027). A document pair's own statistics are shrunk towards these with the weight of
# MINER_PRIOR_WEIGHT sentence pairs, so that two-sentence briefs can be mined and paired (miner._zscore).
MINER_PRIOR = {"emb": (0.744, 0.032), "embmt": (0.771, 0.034), "mt": (0.073, 0.022)}
MINER_PRIOR_WEIGHT = 64

# Document pairing (pairing.py)
PAIRING = {
    "same_story_cos": 0.945,  # cosine of mean e5 sentence embeddings (unrelated <= 0.94, same story >= 0.95)
    "min_pairs": 2,  # ... or this many confident sentence pairs:
    "evidence_z_over_chance": 1.0,  # z a sentence pair needs beyond the best expected by chance
    "evidence_margin": 1.5,
    "parallel_coverage": 0.5,  # share of the shorter document's sentences in confident pairs
    "parallel_monotone": 0.85,  # share of those pairs in one increasing chain
    "parallel_length_ratio": 2.0,  # longer / shorter document, in sentences
}
# targets per source examined with sentence-level evidence (the closest by document cosine; pairing.py)
PAIR_CANDIDATES = 20

# hybrid ignores an MT with fewer distinct outputs than this share of distinct inputs (api.degenerate_mt)
MIN_MT_DISTINCT_RATIO = 0.5
