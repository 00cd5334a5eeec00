"""Inbox semantics for the scheduled deployment: each file once, never half-written.

A file counts as new while its (path, sha256) is not in `input_files`; a
changed file has a new sha256 and so is processed again, as a new document
version. A file modified less than `settle_seconds` ago may still be being
copied in, so it waits for the next scheduled run. Nothing is moved or deleted.
"""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine

from db.store import known_inputs
from pipeline.ingest import file_sha256
from translate.reading import article_files


def files_to_process(engine: Engine, inbox: str | Path, *, settle_seconds: float = 30.0,
                     now: float | None = None) -> list[str]:
    if not Path(inbox).is_dir():
        raise FileNotFoundError(f"inbox folder {inbox} does not exist; create it or fix the deployment's "
                                "`inbox` parameter")
    now = time.time() if now is None else now
    seen = known_inputs(engine)
    fresh = []
    for path in article_files([inbox]):
        if now - path.stat().st_mtime < settle_seconds:
            continue
        if (str(path), file_sha256(path)) not in seen:
            fresh.append(str(path))
    return fresh
