"""Sentence alignment: monotone for translations, mining for comparable text.

Public interface (see api.py): `align_sentences` (= `plan_alignment` then
`run_plan`), `pair_documents` and the records they return. Heavy modules
(numpy features, the embedding model) load only when used.
"""
from __future__ import annotations

from .api import AlignmentPlan, AlignmentResult, DocText, Group, PairDecision, align_sentences, plan_alignment, run_plan


def pair_documents(sources, targets, **kw):
    """Which target documents each source document should be aligned with, and how (pairing.py)."""
    from .pairing import pair_documents as _pair

    return _pair(sources, targets, **kw)


__all__ = [
    "AlignmentPlan", "AlignmentResult", "DocText", "Group", "PairDecision",
    "align_sentences", "pair_documents", "plan_alignment", "run_plan",
]
