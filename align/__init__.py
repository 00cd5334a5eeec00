"""Sentence alignment: monotone for translations, mining for comparable text, and document pairing.

`align_sentences` (= `plan_alignment` then `run_plan`) and `pair_documents`
are the interface; heavy modules (numpy features, the embedding model) load
only when used.
"""
from __future__ import annotations

from collections.abc import Sequence

from xlalign.records import DocText, Group, PairDecision

from .api import align_sentences, plan_alignment, run_plan
from .params import AlignerParams, MinerParams, PairingParams
from .types import AlignmentPlan, AlignmentResult


def pair_documents(sources: Sequence[DocText], targets: Sequence[DocText], *,
                   params: PairingParams | None = None) -> list[PairDecision]:
    """Which target documents each source document should be aligned with, and how (pairing.py)."""
    from .pairing import pair_documents as _pair

    return _pair(sources, targets, params=params)


__all__ = [
    "AlignerParams", "AlignmentPlan", "AlignmentResult", "DocText", "Group", "MinerParams", "PairDecision",
    "PairingParams", "align_sentences", "pair_documents", "plan_alignment", "run_plan",
]
