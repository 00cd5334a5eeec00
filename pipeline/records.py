"""Plain records passed between the pipeline stages.

They are frozen dataclasses rather than ORM objects so that every stage can be
called and tested without a database, and so that data only flows one way:
read -> clean -> identify -> segment -> translate -> align -> store.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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


class ArticleError(ValueError):
    """An input that cannot become a document. The message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
