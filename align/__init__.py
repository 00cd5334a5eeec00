"""Sentence alignment: monotone for translations, mining for comparable text.

Public interface (see api.py): `align_sentences`, `pair_documents` and the
records they return. Heavy modules (numpy features, the embedding model)
load only when used.
"""
from __future__ import annotations

from .api import AlignmentResult, DocText, Group, PairDecision, align_sentences


def pair_documents(sources, targets):
    """Which target documents each source document should be aligned with, and how (pairing.py)."""
    from .pairing import pair_documents as _pair

    return _pair(sources, targets)


__all__ = ["AlignmentResult", "DocText", "Group", "PairDecision", "align_sentences", "pair_documents"]
