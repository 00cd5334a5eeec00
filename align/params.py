"""Every number that changes what the aligner, the miner and pairing decide.

Frozen dataclasses (`xlalign.signatures.Params`): each field is named and
typed, has a default and a reason, and the signature of every alignment and
pairing is derived from these objects, so no value can be left out of it and
a mistyped name is an error (`AlignerParams.from_mapping`).

The monotone weights were tuned on strict F1 over development data only: the
Text+Berg dev document (German-French, Google MT) and synthetic FLORES bg-en
dev documents (see benchmarks/alignment_quality.py). They came from
coordinate ascent (version 0.1); version 0.2 added 1-5/5-1 groups
(bias_big) and the edge-clause feature (w_cl), each kept because it raised
strict F1 on the whole Text+Berg document, on each half of it and on FLORES
at once. benchmarks/tune_aligner.py re-runs the search.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from xlalign.signatures import Params, param

VERSION: Final = "0.2"
METHODS: Final = ("hybrid", "mt", "embed")

# hybrid ignores an MT with fewer distinct outputs than this share of distinct inputs (methods.degenerate_mt):
# a broken model translating everything to one string would otherwise drown the embeddings
MIN_MT_DISTINCT_RATIO: Final = 0.5


@dataclass(frozen=True)
class Weights(Params):
    """How the monotone aligner scores a candidate group (parallel.group_score, parallel.decode).

    Similarities are normalised per document pair, so weights are in units of
    the spread of random-pair similarities.
    """

    w_mt: float = param(0.0, why="char n-gram cosine of the MT with the target", abbr="mt")
    w_mt_nb: float = param(0.0, why="the same minus its value with neighbouring sentences", abbr="mtnb")
    w_emb: float = param(0.0, why="e5 cosine of source and target", abbr="emb")
    w_emb_nb: float = param(0.0, why="the same minus its value with neighbouring sentences", abbr="embnb")
    w_embmt: float = param(0.0, why="e5 cosine of the MT and the target", abbr="embmt")
    w_embmt_nb: float = param(0.0, why="the same minus its value with neighbouring sentences", abbr="embmtnb")
    w_cl: float = param(0.0, why="edge clauses that fit the neighbour better (clauses.py; a cosine difference)",
                        abbr="cl")
    w_len: float = param(12.0, why="penalty per unit of |log length ratio|", abbr="len")
    w_junk: float = param(0.0, why="penalty per line without words inside a group", abbr="junk")
    gamma: float = param(0.0, why="group score is scaled by ((a+b)/2)**gamma", abbr="g")
    bias_size: float = param(0.0, why="cost per sentence beyond a 1-1", abbr="bsize")
    bias_many: float = param(0.0, why="cost of a group with two or more sentences on both sides", abbr="bmany")
    bias_12: float = param(0.0, why="cost of a 1-2 or 2-1", abbr="b12")
    bias_13: float = param(0.0, why="cost of a 1-3 or larger one-to-many", abbr="b13")
    bias_22: float = param(0.0, why="cost of a 2-2", abbr="b22")
    bias_23: float = param(0.0, why="cost of other many-to-many groups", abbr="b23")
    bias_big: float = param(8.0, why="cost of 5 or more sentences on one side (lists are rare)", abbr="bbig")
    skip: float = param(3.0, why="cost of leaving a sentence unaligned (1-0 / 0-1)", abbr="skip")
    kappa: float = param(0.0, why="share of a sentence's best 1-1 score added to its skip cost", abbr="kappa")
    skip_junk: float | None = param(None, why="cost of leaving a line without words unaligned (None: skip)",
                                    abbr="skipjunk")


# per method, as tuned (see the module docstring)
WEIGHTS: Final[dict[str, Weights]] = {
    "mt": Weights(w_mt=1.0, w_mt_nb=0.25, w_cl=16.0, w_len=12.0, w_junk=4.0, gamma=0.5, bias_size=1.5,
                  bias_many=0.0, bias_13=1.0, bias_big=8.0, skip=4.0, kappa=0.2),
    "embed": Weights(w_emb=1.0, w_emb_nb=1.5, w_len=12.0, w_junk=2.0, gamma=0.0, bias_size=-0.5, bias_many=-1.0,
                     bias_13=1.0, bias_big=8.0, skip=3.0, kappa=0.3),
    "hybrid": Weights(w_mt=1.0, w_mt_nb=0.0, w_emb=0.0, w_emb_nb=4.0, w_embmt=3.0, w_embmt_nb=0.0, w_cl=100.0,
                      w_len=32.0, w_junk=2.0, gamma=0.25, bias_size=1.0, bias_many=-2.0, bias_12=1.0, bias_13=2.0,
                      bias_22=-1.0, bias_big=8.0, skip=6.0, kappa=0.5),
}


@dataclass(frozen=True)
class AlignerParams(Params):
    """The monotone aligner (mode "parallel"): search space, features and weights."""

    max_group: int = param(5, why="largest group on either side: 1-5 and 5-1 (Text+Berg dev has lists)",
                           abbr="maxg")
    many_to_many_max: int = param(6, why="sentences in a group with two or more on both sides (2-4, 3-3)",
                                  abbr="m2m")
    band_width: int = param(8, why="half-width of the final DP band around the coarse path", abbr="band")
    coarse_max: int = param(200, why="full DP at the coarsest level below this many units", abbr="coarse")
    level_width: int = param(6, why="band half-width at intermediate levels of the search", abbr="lvlw")
    diagonal_prior: float = param(0.1, why="coarsest level: cost per unit of distance from the diagonal",
                                  abbr="diag")
    embed_runs: int = param(1, why="longest run of sentences embedded as one text (longer: normalised sum)",
                            abbr="runs")
    random_sample: int = param(48, why="sentences of the other side that make the random-pair baseline",
                               abbr="rand")
    ngram_orders: tuple[int, ...] = param((1, 2, 3, 4, 5), why="character n-gram orders of the MT signal",
                                          abbr="ngram")
    min_clause: int = param(15, why="characters each side of a clause break (clauses.py)", abbr="clause")
    weights: Weights = param(WEIGHTS["hybrid"], why="group scores (per method: WEIGHTS)", abbr="w")

    @classmethod
    def for_method(cls, method: str, **changes: object) -> AlignerParams:
        """The defaults with `method`'s tuned weights."""
        return cls(weights=WEIGHTS[method]).with_changes(**changes)


@dataclass(frozen=True)
class MinerParams(Params):
    """The comparable-text miner (mode "comparable"), per method.

    z-scores are in units of the document pair's own spread of similarities
    (median/MAD of all pairs), shrunk towards `prior_*` for short documents.
    Calibrated on synthetic comparable FLORES documents (benchmarks/align_data.py,
    seed 11; the benchmark uses another seed) for precision first, and checked
    on the seed articles (a Bulgarian rewrite against related English coverage).
    """

    k: int = param(4, why="neighbours in the kNN margin")
    z_min: float = param(5.0, why="z a pair needs", abbr="z")
    margin_min: float = param(1.5, why="margin over the kNN a pair needs", abbr="margin")
    z_min2: float = param(6.0, why="z a second target of the same source needs", abbr="z2")
    margin_min2: float = param(1.5, why="margin a second target needs", abbr="margin2")
    # Median and spread (1.4826 MAD) of the similarity of unrelated sentence pairs, per signal, measured
    # on FLORES bg-en dev (24 documents, Google MT; Text+Berg de-fr: emb 0.791/0.024, embmt 0.808/0.025,
    # mt 0.043/0.027), so that two-sentence briefs can be mined and paired (miner._zscore).
    prior_emb: tuple[float, float] = param((0.744, 0.032), why="unrelated e5 src-tgt cosine: median, spread",
                                           abbr="pemb")
    prior_embmt: tuple[float, float] = param((0.771, 0.034), why="unrelated e5 MT-tgt cosine: median, spread",
                                             abbr="pembmt")
    prior_mt: tuple[float, float] = param((0.073, 0.022), why="unrelated n-gram cosine: median, spread",
                                          abbr="pmt")
    prior_weight: int = param(64, why="sentence pairs the prior weighs as, against the pair's own", abbr="pw")
    max_group: int = param(5, why="below 2, a source sentence takes one target only", abbr="maxg")

    def prior(self, signal: str) -> tuple[float, float]:
        return {"emb": self.prior_emb, "embmt": self.prior_embmt, "mt": self.prior_mt}[signal]

    @classmethod
    def for_method(cls, method: str, **changes: object) -> MinerParams:
        if method == "embed":
            return cls(k=4, z_min=3.0, margin_min=0.5, z_min2=4.0, margin_min2=0.5).with_changes(**changes)
        return cls().with_changes(**changes)


@dataclass(frozen=True)
class PairingParams(Params):
    """Which documents pair, and whether as translations (pairing.py)."""

    same_story_cos: float = param(0.945, why="cosine of mean e5 sentence embeddings: unrelated <= 0.94, same "
                                             "story >= 0.95", abbr="story")
    min_pairs: int = param(2, why="... or this many confident sentence pairs", abbr="pairs")
    evidence_z_over_chance: float = param(1.0, why="z a sentence pair needs beyond the best expected by chance",
                                          abbr="zchance")
    evidence_margin: float = param(1.5, why="kNN margin a sentence pair needs", abbr="margin")
    parallel_coverage: float = param(0.5, why="share of the shorter document's sentences in confident pairs",
                                     abbr="cover")
    parallel_monotone: float = param(0.85, why="share of those pairs in one increasing chain", abbr="mono")
    parallel_length_ratio: float = param(2.0, why="longer / shorter document, in sentences", abbr="ratio")
    candidates: int | None = param(20, why="targets per source examined closely (closest by document cosine; "
                                           "None: all)", abbr="cands")
