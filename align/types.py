"""What the aligner hands back, and the plan it makes before computing anything."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from xlalign.records import Group

from .params import AlignerParams, MinerParams

MODES: Final = ("parallel", "comparable")
MT_FEATURE: Final = "chrcos"  # tf-idf character n-gram cosine (ngrams.py); the orders are a parameter


@dataclass(frozen=True)
class AlignmentPlan:
    """What an alignment will be, decided before any similarity is computed.

    Separate from the alignment itself so that a pipeline re-run can ask "is
    this pair already aligned this way?" before paying for embeddings and the
    DP, and get the answer from the same code that names a finished alignment.
    """

    src: list[str]
    tgt: list[str]
    mt: list[str] | None  # the MT that will be used (None when dropped or absent)
    method: str  # the method that will run, after any fallback
    mode: str
    settings: AlignerParams | MinerParams  # AlignerParams for "parallel", MinerParams for "comparable"
    mt_model: str | None  # the system that produced `mt`, when it is used
    embedding_model: str | None  # when embeddings are used
    params: dict[str, Any]  # JSON-serialisable record of all of the above, stored with every row
    signature: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class AlignmentResult:
    groups: list[Group]
    method: str  # the method actually used, after any fallback
    mode: str  # "parallel" (monotone) | "comparable" (miner)
    params: dict[str, Any]  # JSON-serialisable; everything needed to reproduce
    signature: str
    notes: tuple[str, ...] = ()
