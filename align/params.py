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

The group-type terms were chosen on all three development sets at once
(Text+Berg dev, FLORES dev, Bible 001 en-zh; benchmarks/alignment_quality.py):
the rewards for many-to-many groups that the search had found on Text+Berg
(negative bias_many, bias_22, bias_size) were what made the aligner fuse
neighbours elsewhere (Bible 001 embed 0.64 strict F1). hybrid keeps one cost,
for a group with two or more sentences on both sides, and holds or gains on
every set; embed scales group scores with size (gamma) and charges each extra
sentence instead, which costs Text+Berg dev 0.9 points and gains FLORES 1.6
and Bible 25.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from xlalign.signatures import Params, param

VERSION: Final = "0.3"
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
    "embed": Weights(w_emb=1.0, w_emb_nb=1.5, w_len=12.0, w_junk=2.0, gamma=0.5, bias_size=1.0, bias_big=8.0, skip=3.0,
                     kappa=0.3),
    "hybrid": Weights(w_mt=1.0, w_mt_nb=0.0, w_emb=0.0, w_emb_nb=4.0, w_embmt=3.0, w_embmt_nb=0.0, w_cl=100.0,
                      w_len=32.0, w_junk=2.0, gamma=0.25, bias_many=1.0, bias_big=8.0, skip=6.0, kappa=0.5),
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


# Development sets a miner or pairing value was checked on (`param(dev=...)`; a value changes only
# when the change holds on all the sets its field names). All are dev data: held-out sets stay unseen.
SEEDS = "seeds: the Bulgarian rewrite against four English articles (../shared/data/seed-comparable)"
COLLECTION = "FLORES collection: 99 bg + 99 en dev articles, 100 Bible, 20 rewrites (benchmarks/pipeline_pairing.py)"
SYNTH = "synthetic comparable FLORES documents (benchmarks/align_data.comparable_docs)"
FLORES_DOCS = "synthetic FLORES bg-en dev documents (benchmarks/align_data.flores_docs)"


@dataclass(frozen=True)
class MinerParams(Params):
    """The comparable-text miner (mode "comparable"), per method (`for_method`).

    z-scores are in units of the document pair's own spread of similarities
    (median/MAD of all pairs, shrunk towards `prior_*` for short documents),
    and the signals are combined for their correlation (miner.combine), so a
    combined z is again such a unit. The bars are relative to the pair's size:
    the best of n x m unrelated pairs reaches about sqrt(2 ln nm) by chance,
    and a mined pair must beat that by `z_over_chance` (miner.thresholds).
    The defaults are hybrid's; `for_method` gives each method its values,
    chosen on the seeds, the FLORES rewrites and the synthetic comparable
    documents together (precision first).
    """

    k: int = param(4, why="neighbours whose mean the margin subtracts (Artetxe & Schwenk's k)", dev=(SYNTH, SEEDS))
    z_over_chance: float = param(0.5, why="z a pair needs beyond the chance level of the n x m pairs, sqrt(2 ln nm)",
                                 abbr="zc", dev=(SEEDS, COLLECTION, SYNTH))
    z_floor: float = param(2.5, why="the z bar never falls below this: a 2 x 2 brief's chance level (1.7) is reached "
                                    "by unrelated pairs whose z leans on the prior", abbr="zfloor", dev=(FLORES_DOCS,))
    margin_min: float = param(1.0, why="margin over the kNN of its row and column a pair needs", abbr="margin",
                              dev=(SEEDS, SYNTH))
    second_over_first: float = param(2.0, why="extra z a second target of the same source needs", abbr="z2",
                                     dev=(SYNTH, COLLECTION))
    lexical_weight: float = param(0.0, why="weight of shared numbers, dates and names (lexical.anchor_z) added to the "
                                           "combined z; 0 turns it off", abbr="lex", dev=(SEEDS, COLLECTION))
    # Median and spread (1.4826 MAD) of the similarity of unrelated sentence pairs, per signal, measured
    # on FLORES bg-en dev (24 documents, Google MT; Text+Berg de-fr: emb 0.791/0.024, embmt 0.808/0.025,
    # mt 0.043/0.027), so that two-sentence briefs can be mined and paired (miner._zscore).
    prior_emb: tuple[float, float] = param((0.744, 0.032), why="unrelated e5 src-tgt cosine: median, spread",
                                           abbr="pemb", dev=(FLORES_DOCS,))
    prior_embmt: tuple[float, float] = param((0.771, 0.034), why="unrelated e5 MT-tgt cosine: median, spread",
                                             abbr="pembmt", dev=(FLORES_DOCS,))
    prior_mt: tuple[float, float] = param((0.073, 0.022), why="unrelated n-gram cosine: median, spread",
                                          abbr="pmt", dev=(FLORES_DOCS,))
    prior_weight: int = param(64, why="sentence pairs the prior weighs as, against the pair's own", abbr="pw",
                              dev=(FLORES_DOCS, SEEDS))
    max_group: int = param(5, why="below 2, a source sentence takes one target only", abbr="maxg")

    def prior(self, signal: str) -> tuple[float, float]:
        return {"emb": self.prior_emb, "embmt": self.prior_embmt, "mt": self.prior_mt}[signal]

    @classmethod
    def for_method(cls, method: str, **changes: object) -> MinerParams:
        """Each method's bars: embeddings alone are weaker evidence per sentence pair (a true pair of a
        rewrite scores barely above chance), so their bar sits lower and the lexical anchors add to it;
        the MT n-grams alone are sharp but noisier at the top, so theirs sits higher. With MT the
        lexical anchors only added pairs the n-grams had and cost precision (seeds 0.95 -> 0.92)."""
        per_method: dict[str, dict[str, float]] = {
            "hybrid": {},
            "mt": {"z_over_chance": 1.5, "margin_min": 1.5, "second_over_first": 1.0},
            "embed": {"z_over_chance": -0.5, "margin_min": 0.5, "second_over_first": 1.0, "lexical_weight": 0.5},
        }
        return cls(**per_method[method]).with_changes(**changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PairingParams(Params):
    """Which documents pair, and whether as translations (pairing.py): every decision compares, no absolute
    cosine threshold decides anything."""

    candidates: int | None = param(20, why="targets per source examined with sentence-level evidence (closest by "
                                           "document cosine; None: all); bounds the work per new document",
                                   abbr="cands", dev=(COLLECTION,))
    anchor_over_chance_embed: float = param(
        0.0, why="a pairing anchor (a sentence pair the miner keeps) beats the chance level of the n x m pairs by "
                 "this with embeddings alone (0.4% of unrelated candidates reach 2 anchors, none 3)",
        abbr="anchor.e", dev=(COLLECTION, SEEDS))
    anchor_over_chance_mt: float = param(1.5, why="the same with MT (hybrid, mt): 0.6% of unrelated candidates reach 2",
                                         abbr="anchor.m", dev=(COLLECTION, SEEDS))
    anchor_margin: float = param(1.0, why="and stands this far above the k best of its row and column",
                                 abbr="anchor.margin", dev=(COLLECTION,))
    anchor_min: int = param(3, why="anchors that make a same-story pair (2 paired 4-6 of 50 orphaned FLORES "
                                   "translations with an unrelated article; 3 none)", abbr="anchors",
                            dev=(COLLECTION, SEEDS))
    mutual_alpha: float = param(0.01, why="or: more mutual-best sentence pairs than all but this share of random "
                                          "matrices of the pair's size reach (pairing.mutual_bar; a rewrite sharing 6 "
                                          "of 9 sentences has 5-8 and 1 anchor; unrelated FLORES articles 0-4)",
                                 abbr="mutual.a", dev=(COLLECTION, SEEDS))
    mutual_methods: tuple[str, ...] = param(("embed",), why="methods that use mutual_alpha: without MT unrelated pairs "
                                                         "have fewer mutual-best pairs than random matrices (0 of 2,250 "
                                                         "over the bar); the MT signals' tails are heavier (8 of 369 "
                                                         "unrelated rewrite candidates over it)", abbr="mutual.m",
                                            dev=(COLLECTION,))
    doc_z_min: float = param(4.0, why="or: document cosine this many spreads above the source's null (its cosines "
                                      "with the collection, most of which are unrelated)", abbr="docz",
                             dev=(COLLECTION, SEEDS))
    doc_prior: tuple[float, float] = param((0.894, 0.0122), why="median, spread of the document cosine of unrelated "
                                                                "FLORES articles: the null of a collection too small "
                                                                "to have its own", abbr="docprior", dev=(COLLECTION,))
    doc_prior_weight: int = param(20, why="documents' worth of weight of doc_prior in a source's null", abbr="docpw",
                                  dev=(COLLECTION, SEEDS))
    null_sample: int = param(256, why="targets (a fixed sample, constant work) whose cosines estimate a source's null",
                             abbr="nullk", dev=(COLLECTION,))
    parallel_coverage: float = param(0.5, why="share of the longer document whose mutual-best partner the aligner's "
                                              "path keeps, in order (translations 0.91-1.0, rewrites <= 0.44, "
                                              "unrelated <= 0.36)", abbr="cover", dev=(COLLECTION,))
    parallel_span: float = param(0.34, why="those pairs start within and end within this share of each document "
                                           "(a translation is matched from start to end)", abbr="span",
                                 dev=(COLLECTION,))
    prefilter_chain: float = param(0.34, why="monotone chain of mutual-best pairs (share of the shorter document) "
                                             "that earns the aligner's look", abbr="chain", dev=(COLLECTION,))
    path_checks: int = param(1, why="candidates (best chains first) that get the aligner's look: bounds the work "
                                    "when many candidates are near-duplicates of one story", abbr="looks",
                             dev=(COLLECTION,))
    parallel_length_ratio: float = param(2.0, why="longer / shorter document, in sentences", abbr="ratio",
                                         dev=(COLLECTION, FLORES_DOCS))
    duplicate_parallel: float = param(0.9, why="a second parallel partner needs this share of the best one's "
                                               "coverage", abbr="dup", dev=(COLLECTION,))
    comparable_beside_parallel: bool = param(False, why="a translation is paired with its original only, not also "
                                                        "with related coverage of the same facts (FLORES has two "
                                                        "articles about cells: 3 wrong pairs with it on)",
                                             abbr="besides", dev=(COLLECTION,))

    def anchor_over_chance(self, method: str) -> float:
        return self.anchor_over_chance_embed if method == "embed" else self.anchor_over_chance_mt
