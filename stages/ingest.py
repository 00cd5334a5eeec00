"""Files in, stored documents (or recorded failures) out, never a file unaccounted for.

`ingest_batch` is the unit of work a flow hands one worker thread: a few
dozen files, read and stored one after the other. It never raises for a file:

- a bad article (`ArticleError`) is recorded as `failed` with its error;
- a lost database (a transient error) is retried here, after 2, 5 and 10 s;
  if it is still gone the file is `deferred`: it is in the run's failures,
  and recorded (when the database answers again) so that the inbox tries it
  again, never as seen;
- any other error (a bug) is recorded as that file's failure, in one line;
- once a stop is requested (Ctrl-C, SIGTERM) the files not started are
  returned as `not started`, unrecorded, so the next run takes them.

Every outcome carries the file's name as stored (`display_name`), so a name
that is not valid UTF-8 reaches the database and the summary intact.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xlalign import cancel
from xlalign.db import store
from xlalign.db.transient import describe_error, is_transient
from xlalign.errors import ArticleError
from xlalign.ingest.finding import FoundFiles, Skipped, display_name, find_articles
from xlalign.ingest.prepare import prepare_file
from xlalign.ingest.reading import stream_sha256

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

RETRY_DELAYS_S = (2.0, 5.0, 10.0)  # ~17 s in all: enough for a database restart or failover
NOT_STARTED = "not started: the run was interrupted first"


@dataclass(frozen=True)
class IngestOutcome:
    source: str
    document_id: int | None = None
    lang: str | None = None
    sentences: int = 0
    new: bool = False
    error: str | None = None
    warnings: tuple[str, ...] = ()
    status: str = "stored"  # stored | failed | skipped | deferred | not started


def files_under(paths: Sequence[str | Path]) -> list[str]:
    """The article files a run over `paths` (files or folders) processes, in a stable order."""
    return [str(p) for p in find_articles(paths).files]


def find_inputs(paths: Sequence[str | Path]) -> FoundFiles:
    """The files to read under `paths`, and every input that is skipped, with the reason."""
    return find_articles(paths)


def file_sha256(path: str | Path) -> str:
    """sha256 of a regular file, streamed (constant memory whatever its size); "" if it is not one."""
    return stream_sha256(path)


def ingest_file(engine: Engine, path: str | Path, *, run_id: int | None) -> IngestOutcome:
    """Prepare and store one article; an ArticleError becomes a recorded, logged failure.

    Database errors are not caught: the caller (`ingest_batch`) decides
    whether they are transient and retries them.
    """
    source = display_name(path)
    try:
        doc = prepare_file(path)
    except ArticleError as exc:
        log.error("%s", exc)
        store.record_input(engine, source=source, sha256=file_sha256(path), status="failed", error=str(exc),
                           run_id=run_id)
        return IngestOutcome(source=source, error=str(exc), status="failed")
    for warning in doc.warnings:
        log.warning("%s", warning)
    doc_id, new = store.save_document(engine, doc, run_id=run_id)
    store.record_input(engine, source=source, sha256=doc.article.sha256, status="processed",
                       document_id=doc_id, run_id=run_id, error=None)
    return IngestOutcome(source=source, document_id=doc_id, lang=doc.lang, sentences=len(doc.sentences),
                         new=new, warnings=doc.warnings)


def record_skipped(engine: Engine, skipped: Skipped, *, run_id: int | None) -> IngestOutcome:
    """An input that is not read (a FIFO, a broken link, ...): recorded as failed with its reason."""
    error = f"{skipped.source}: {skipped.reason}"
    log.error("skipped %s", error)
    try:
        store.record_input(engine, source=skipped.source, sha256="", status="failed", error=error, run_id=run_id)
    except Exception as exc:  # the summary still lists it; the database may be what is failing
        log.error("could not record that %s was skipped: %s", skipped.source, describe_error(exc))
    return IngestOutcome(source=skipped.source, error=error, status="skipped")


def _record_failure(engine: Engine, path: str | Path, source: str, error: str, status: str,
                    run_id: int | None) -> None:
    try:
        store.record_input(engine, source=source, sha256=file_sha256(path), status=status, error=error,
                           run_id=run_id)
    except Exception as exc:  # the database may be what failed; the run summary still has it
        log.error("could not record the failure of %s in the database: %s", source, describe_error(exc))


def ingest_one(engine: Engine, path: str | Path, *, run_id: int | None,
               retry_delays: Sequence[float] = RETRY_DELAYS_S,
               should_stop: Callable[[], bool] = lambda: False) -> IngestOutcome:
    """`ingest_file` that always returns an outcome: retried on a lost database, recorded otherwise."""
    source = display_name(path)
    for attempt in range(len(retry_delays) + 1):
        try:
            return ingest_file(engine, path, run_id=run_id)
        except cancel.Stopped:
            return not_started(path)
        except Exception as exc:
            if not is_transient(exc):
                error = f"{source}: {describe_error(exc)}"
                log.error("failed on %s", error)
                _record_failure(engine, path, source, error, "failed", run_id)
                return IngestOutcome(source=source, error=error, status="failed")
            if attempt == len(retry_delays):
                error = (f"{source}: the database was unreachable ({describe_error(exc)}); not stored, and "
                         "tried again by the next run")
                log.error("%s", error)
                _record_failure(engine, path, source, error, "deferred", run_id)
                return IngestOutcome(source=source, error=error, status="deferred")
            log.warning("%s: database unreachable (%s), trying again in %g s", source, describe_error(exc),
                        retry_delays[attempt])
            if cancel.STOP.wait(retry_delays[attempt]) or should_stop():
                return not_started(path)
    raise AssertionError("unreachable")


def not_started(path: str | Path) -> IngestOutcome:
    """A file the run did not get to (it was stopped): not recorded, so the next run takes it."""
    source = display_name(path)
    return IngestOutcome(source=source, error=f"{source}: {NOT_STARTED}", status="not started")


def ingest_batch(engine: Engine, paths: Sequence[str | Path], *, run_id: int | None,
                 should_stop: Callable[[], bool] = lambda: False,
                 retry_delays: Sequence[float] = RETRY_DELAYS_S,
                 on_done: Callable[[IngestOutcome], None] | None = None) -> list[IngestOutcome]:
    """One outcome per path, in order: stored, failed, deferred, or not started after a stop."""
    outcomes: list[IngestOutcome] = []
    for path in paths:
        if should_stop() or cancel.STOP.is_set():
            outcomes.append(not_started(path))
            continue
        outcome = ingest_one(engine, path, run_id=run_id, retry_delays=retry_delays, should_stop=should_stop)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes


def lost_batch(paths: Sequence[str | Path], error: BaseException | str, engine: Engine | None,
               run_id: int | None) -> list[IngestOutcome]:
    """Outcomes for a batch whose task itself failed (it should not): each file failed with that error."""
    message = error if isinstance(error, str) else describe_error(error)
    transient = not isinstance(error, str) and is_transient(error)
    outcomes = []
    for path in paths:
        source = display_name(path)
        text = f"{source}: {message}"
        status = "deferred" if transient else "failed"
        if engine is not None:
            _record_failure(engine, path, source, text, status, run_id)
        outcomes.append(IngestOutcome(source=source, error=text, status=status))
    return outcomes
