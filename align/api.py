"""The aligner's public interface: `align_sentences` = `plan_alignment` then `run_plan`.

The pipeline, the CLI and the benchmarks all go through these, so a number
in a benchmark table is the number a user gets.
"""
from __future__ import annotations

from collections.abc import Sequence

from xlalign.errors import UsageError
from xlalign.signatures import format_signature

from . import embeddings
from .blas import one_blas_thread
from .methods import usable_signals
from .params import METHODS, VERSION, AlignerParams, MinerParams
from .types import MODES, MT_FEATURE, AlignmentPlan, AlignmentResult


def _check_texts(name: str, texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a sequence of sentences, not one string")
    out = list(texts)
    for k, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{k}] is {type(t).__name__}, not str")
    return out


def alignment_signature(method: str, mode: str, settings: AlignerParams | MinerParams, *,
                        mt_model: str | None, embedding_model: str | None) -> str:
    """What made an alignment, sacrebleu-style: the signals, then every parameter, the version last."""
    head = [("align", method), ("mode", mode), ("emb", embedding_model or "none"),
            ("mt", MT_FEATURE if method != "embed" else "none")]
    if mt_model:
        head.append(("mtmodel", mt_model))
    return format_signature(head, settings, VERSION)


def alignment_config(method: str) -> str:
    """Every alignment signature a run asking for `method` can make, as one string.

    The pipeline keeps it after a pass over the stored pairs; when it changes
    (a parameter, the miner's prior, the version) every current pair is
    planned again and gets the alignment its new signature names, while a run
    with the same configuration looks only at the pairs decided in it.
    """
    parts = [f"requested:{method}"]
    for used in METHODS:
        for mode in MODES:
            settings = (AlignerParams if mode == "parallel" else MinerParams).for_method(used)
            parts.append(alignment_signature(used, mode, settings, mt_model="*",
                                             embedding_model=embeddings.MODEL_NAME if used != "mt" else None))
    return "||".join(parts)


def plan_alignment(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_mt: Sequence[str] | None = None,
    method: str = "hybrid",
    mode: str = "parallel",
    max_group: int | None = None,
    mt_model: str | None = None,
    params: AlignerParams | MinerParams | None = None,
) -> AlignmentPlan:
    """Check the inputs and fix method, parameters and signature, without aligning.

    `mt_model` names the system that produced `src_mt`; it is part of the
    signature, so alignments made from different MT are kept apart. `params`
    defaults to the tuned values of the method that will run
    (`AlignerParams.for_method`, `MinerParams.for_method`); `max_group`
    overrides its field of the same name.
    """
    src_l = _check_texts("src", src)
    tgt_l = _check_texts("tgt", tgt)
    mt_l = _check_texts("src_mt", src_mt) if src_mt is not None else None
    if mt_l is not None and len(mt_l) != len(src_l):
        raise UsageError(f"src_mt has {len(mt_l)} lines but src has {len(src_l)}: they must match line by line")
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if max_group is not None and (not isinstance(max_group, int) or max_group < 1):
        raise UsageError(f"max_group must be a positive integer, got {max_group!r}")
    mt_l, used, notes = usable_signals(src_l, mt_l, method)
    expected = AlignerParams if mode == "parallel" else MinerParams
    if params is not None and not isinstance(params, expected):
        raise UsageError(f"mode {mode!r} takes {expected.__name__}, not {type(params).__name__}")
    settings = params if params is not None else expected.for_method(used)
    if max_group is not None:
        settings = settings.with_changes(max_group=max_group)
    emb_model = embeddings.MODEL_NAME if used != "mt" else None
    model = mt_model if used != "embed" else None
    record = {"method": used, "mode": mode, "requested_method": method, "n_src": len(src_l), "n_tgt": len(tgt_l),
              "embedding_model": emb_model, "mt_model": model, "version": VERSION, **settings.as_dict()}
    signature = alignment_signature(used, mode, settings, mt_model=model, embedding_model=emb_model)
    return AlignmentPlan(src_l, tgt_l, mt_l, used, mode, settings, model, emb_model, record, signature, tuple(notes))


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_mt: Sequence[str] | None = None,
    method: str = "hybrid",
    mode: str = "parallel",
    max_group: int | None = None,
    mt_model: str | None = None,
    params: AlignerParams | MinerParams | None = None,
) -> AlignmentResult:
    """Align two lists of sentences.

    mode "parallel": monotone groups covering every sentence (translations).
    mode "comparable": only confident, possibly crossing pairs (rewrites,
    related coverage); a source sentence may take two target sentences.
    `src_mt` is the MT of `src` into `tgt`'s language, line by line.
    """
    plan = plan_alignment(src, tgt, src_mt=src_mt, method=method, mode=mode, max_group=max_group,
                          mt_model=mt_model, params=params)
    return run_plan(plan)


def run_plan(plan: AlignmentPlan) -> AlignmentResult:
    """Carry out a plan from `plan_alignment`, with exactly the parameters its signature names."""
    with one_blas_thread():
        if isinstance(plan.settings, AlignerParams):
            from .parallel import align_parallel

            groups = align_parallel(plan.src, plan.tgt, plan.mt, plan.method, plan.settings)
        else:
            from .miner import mine

            groups = mine(plan.src, plan.tgt, plan.mt, plan.method, plan.settings)
    return AlignmentResult(groups, plan.method, plan.mode, plan.params, plan.signature, plan.notes)
