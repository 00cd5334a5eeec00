"""xlalign: offline cross-lingual translation and sentence alignment of news articles.

The folders of this package are the stages of a run, in order:
`ingest` (read, clean, identify, segment) -> `translate` (Argos packages,
CTranslate2) -> `align` (pair documents, align sentences) -> `db` (store,
query, export); `stages` joins them into the steps of a run, `flows` runs
those as Prefect flows, `cli` is the `xlalign` command. `records` and
`errors` are what they all share.

    >>> from xlalign import align_sentences
    >>> [g.kind for g in align_sentences(["A cat.", "A dog."], ["A cat.", "A dog."],
    ...                                  src_mt=["A cat.", "A dog."], method="mt").groups]
    ['1-1', '1-1']

`process_articles` (the Prefect flow behind `xlalign run`) is imported on
first use, so `import xlalign` does not start Prefect.
"""
from __future__ import annotations

from typing import Any

from xlalign.align import (
    AlignerParams,
    AlignmentResult,
    MinerParams,
    PairingParams,
    align_sentences,
    pair_documents,
    plan_alignment,
    run_plan,
)
from xlalign.align.scoring import score_documents
from xlalign.errors import ArticleError, UsageError, UserError
from xlalign.ingest.prepare import prepare_file
from xlalign.records import DocText, Group, PairDecision, SegmentedDocument

__all__ = [
    "AlignerParams", "AlignmentResult", "ArticleError", "DocText", "Group", "MinerParams", "PairDecision",
    "PairingParams", "SegmentedDocument", "UsageError", "UserError", "align_sentences", "pair_documents",
    "plan_alignment", "prepare_file", "process_articles", "process_inbox", "run_plan", "score_documents",
]


def __getattr__(name: str) -> Any:
    if name in ("process_articles", "process_inbox"):
        from xlalign.flows import process_articles as flows

        return getattr(flows, name)
    raise AttributeError(f"module 'xlalign' has no attribute {name!r}")
