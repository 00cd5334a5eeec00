"""One file in, one stored document (or one recorded failure) out.

The unit of work a flow maps over: it never raises for a bad article, so one
broken file cannot stop a batch, and it records the outcome per (path, content)
so the inbox deployment knows what it has already seen.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xlalign.db import store
from xlalign.errors import ArticleError
from xlalign.ingest.prepare import prepare_file
from xlalign.ingest.reading import article_files

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestOutcome:
    source: str
    document_id: int | None = None
    lang: str | None = None
    sentences: int = 0
    new: bool = False
    error: str | None = None
    warnings: tuple[str, ...] = ()


def files_under(paths: Sequence[str | Path]) -> list[str]:
    """The article files a run over `paths` (files or folders) processes, in a stable order."""
    return [str(p) for p in article_files(paths)]


def file_sha256(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def ingest_file(engine: Engine, path: str | Path, *, run_id: int | None) -> IngestOutcome:
    """Prepare and store one article; an ArticleError becomes a recorded, logged failure.

    Database errors are not caught: they are transient, and the caller (a flow
    task with retries) should try again rather than record the file as bad.
    """
    source = str(path)
    try:
        doc = prepare_file(path)
    except ArticleError as exc:
        log.error("%s", exc)
        store.record_input(engine, source=source, sha256=file_sha256(path), status="failed", error=str(exc),
                           run_id=run_id)
        return IngestOutcome(source=source, error=str(exc))
    for warning in doc.warnings:
        log.warning("%s", warning)
    doc_id, new = store.save_document(engine, doc, run_id=run_id)
    store.record_input(engine, source=source, sha256=doc.article.sha256, status="processed",
                       document_id=doc_id, run_id=run_id, error=None)
    return IngestOutcome(source=source, document_id=doc_id, lang=doc.lang, sentences=len(doc.sentences),
                         new=new, warnings=doc.warnings)
