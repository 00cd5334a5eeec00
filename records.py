"""Plain records passed between the pipeline stages, at the bottom of the import graph.

They are frozen dataclasses rather than ORM objects so that every stage can be
called and tested without a database, and so that data only flows one way:
read -> clean -> identify -> segment -> translate -> pair -> align -> store.
Every package imports this module; it imports nothing of xlalign's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawArticle:
    """An input file after decoding: text plus what identifies it."""

    source: str  # path or URL as the user gave it
    sha256: str  # of the raw bytes: the document's identity
    n_bytes: int
    fmt: str  # "txt" | "md" | "html"
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    position: int
    text: str
    lang: str
    lang_confidence: float
    in_document_lang: bool
    status: str  # "kept", or why it is not among the sentences: a cleaning rule, "other-language:ru"


@dataclass(frozen=True)
class Sentence:
    position: int  # 0-based within the document's kept sentences
    paragraph: int  # Paragraph.position it came from
    text: str
    char_start: int  # offsets into the paragraph's text
    char_end: int


@dataclass(frozen=True)
class DocumentMeta:
    """What a page states about itself; `evidence` names where each value was read (provenance)."""

    url: str | None = None
    published: str | None = None  # ISO 8601, as precise as the page: "2023-09-15" or "2023-09-15T08:30:00+03:00"
    outlet: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)  # e.g. {"url": "original-url-line"}


@dataclass(frozen=True)
class SegmentedDocument:
    """A cleaned article, split into paragraphs and sentences, language known."""

    article: RawArticle
    title: str
    lang: str
    lang_confidence: float
    clean_text: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    warnings: tuple[str, ...] = field(default=())
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True)
class DocText:
    """A document as the pair and align stages see it: its sentences and their MT, if any."""

    key: str
    lang: str
    sentences: Sequence[str]
    mt: Sequence[str] | None  # MT into the target language, line by line, or None


@dataclass(frozen=True)
class Group:
    """One aligned group: source sentences with target sentences (0-based positions)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True)
class PairDecision:
    """Two documents that belong together, and how to align them ("parallel" or "comparable")."""

    src_key: str
    tgt_key: str
    score: float
    mode: str
    method: str
    params: dict[str, Any]  # every number the decision used, stored with the pair
