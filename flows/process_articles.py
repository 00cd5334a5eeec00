"""Prefect flows: they orchestrate the plain pipeline functions and hold no logic.

`process_articles` is what `xlalign run` and the ad hoc deployment run;
`process_inbox` is the scheduled deployment: it picks the files of a folder
that the database has not seen yet and hands them to `process_articles`.

Bounded work: the files are dealt into batches (at most `BATCH_FILES` each),
and at most `workers` batches run at once, each in one thread with one
database connection at a time; the engine's pool has room for `MAX_WORKERS`
of them plus the flow itself, so no file waits for a connection. A batch
never raises for a file (`stages.ingest.ingest_batch`): every input ends
stored, or recorded with its error, or (after Ctrl-C) reported as not started.

The other tasks retry a transient failure (the database restarting, SQLite
locked) and nothing else (`xlalign.db.transient`); the writes are idempotent,
so a retry never doubles a row. Translation holds a slot of the global
concurrency limit `translate-cpu` when it exists (`xlalign.flows.cpu_limit`),
and the run summary is published as an artifact. The database password never
enters Prefect (`xlalign.flows.secrets`), and Ctrl-C / SIGTERM end the flow
run `Cancelled` and the run row `interrupted` (`xlalign.flows.interrupt`).
"""
from __future__ import annotations

import concurrent.futures
import logging
import math
from collections import deque
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Cancelled
from prefect.task_runners import ThreadPoolTaskRunner

from xlalign import cancel
from xlalign.db.engine import POOL_SIZE, describe, get_engine
from xlalign.db.transient import describe_error
from xlalign.flows import artifacts, interrupt, secrets
from xlalign.flows.cpu_limit import TRANSLATE_LIMIT, cpu_slot
from xlalign.flows.deploy import require_rendered
from xlalign.flows.parameters import from_parameter, to_parameter
from xlalign.flows.progress import progress_reporter
from xlalign.flows.retries import RETRIES, RETRY_DELAYS_S, retry_if_transient
from xlalign.ingest.finding import Skipped, display_name
from xlalign.stages import runs
from xlalign.stages.alignment import AlignOutcome, pair_and_align
from xlalign.stages.inbox import InboxScan, scan_inbox
from xlalign.stages.ingest import (
    IngestOutcome,
    find_inputs,
    ingest_batch,
    lost_batch,
    not_started,
    record_skipped,
)
from xlalign.stages.translation import TranslateOutcome, languages_to_translate, translate_language

log = logging.getLogger("xlalign.flows")

MAX_WORKERS = POOL_SIZE - 4  # the flow, the heartbeat and a spare need a connection too
DEFAULT_WORKERS = 4
BATCH_FILES = 25  # large enough that a task's own cost (API calls) is small beside its files
DRAIN_S = 3.0  # after Ctrl-C: how long the file in hand may take before the flow ends anyway

_RETRY: dict[str, Any] = dict(retries=RETRIES, retry_delay_seconds=RETRY_DELAYS_S, retry_condition_fn=retry_if_transient,
                              cache_policy=NO_CACHE)
_file_progress: dict[int, Any] = {}  # run id -> callback(outcome), for the batches of a run in this process


def check_workers(workers: int) -> int:
    if not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        from xlalign.errors import UsageError

        raise UsageError(f"workers must be a whole number from 1 to {MAX_WORKERS}, not {workers!r}")
    return workers


def _engine(db_url: str, secret: str | None):
    return get_engine(secrets.connect_url(db_url, secret))


def _batch_name() -> str:
    from prefect.runtime import task_run

    paths = task_run.parameters.get("paths") or []
    if not paths:
        return "ingest (nothing)"
    first = display_name(Path(from_parameter(paths[0])).name)
    return f"ingest {first}" + (f" +{len(paths) - 1}" if len(paths) > 1 else "")


@task(name="start-run", **_RETRY)
def start_run(db_url: str, secret: str | None, paths: list[str], target_lang: str, method: str, workers: int,
              flow_run_id: str | None) -> int:
    return runs.begin(_engine(db_url, secret), paths=[display_name(from_parameter(p)) for p in paths],
                      db_url=describe(db_url), target_lang=target_lang, method=method, workers=workers,
                      flow_run_id=flow_run_id)


@task(name="ingest", task_run_name=_batch_name, cache_policy=NO_CACHE)
def ingest_files(paths: list[str], db_url: str, secret: str | None, run_id: int) -> list[IngestOutcome]:
    """A batch of files, one after the other; retries and failures are handled per file inside."""
    return ingest_batch(_engine(db_url, secret), [from_parameter(p) for p in paths], run_id=run_id,
                        on_done=_file_progress.get(run_id))


@task(name="plan-translation", **_RETRY)
def plan_translation(db_url: str, secret: str | None, target_lang: str, document_ids: list[int]) -> list[str]:
    return languages_to_translate(_engine(db_url, secret), target_lang, document_ids)


@task(name="translate-language", task_run_name="translate {lang}", **_RETRY)
def translate_documents(lang: str, db_url: str, secret: str | None, target_lang: str, run_id: int,
                        document_ids: list[int]) -> TranslateOutcome:
    with cpu_slot(TRANSLATE_LIMIT):
        try:
            return translate_language(_engine(db_url, secret), lang=lang, target_lang=target_lang, run_id=run_id,
                                      document_ids=document_ids,
                                      progress=progress_reporter(f"translate {lang}→{target_lang}", log))
        except cancel.Stopped:
            return TranslateOutcome(lang=lang, model=None, message=f"translation of {lang} stopped by the interrupt")


@task(name="pair-and-align", **_RETRY)
def align_documents(db_url: str, secret: str | None, target_lang: str, method: str, run_id: int) -> AlignOutcome:
    try:
        return pair_and_align(_engine(db_url, secret), target_lang=target_lang, method=method, run_id=run_id,
                              embed_progress=progress_reporter("embed sentences", log),
                              align_progress=progress_reporter("align pairs", log))
    except cancel.Stopped:
        return AlignOutcome(notes=("alignment stopped by the interrupt; the next run aligns the rest",))


@task(name="finish-run", **_RETRY)
def finish_run(db_url: str, secret: str | None, run_id: int, outcomes: list[IngestOutcome],
               translated: list[TranslateOutcome], aligned: AlignOutcome, notes: list[str]) -> dict:
    return runs.finish(_engine(db_url, secret), run_id, outcomes, translated, aligned, notes)


@task(name="scan-inbox", **_RETRY)
def scan(inbox: str, db_url: str, secret: str | None, settle_seconds: float) -> InboxScan:
    return scan_inbox(_engine(db_url, secret), inbox, settle_seconds=settle_seconds)


def _batches(files: list[str], workers: int) -> list[list[str]]:
    """Consecutive batches: enough of them to keep `workers` busy, none larger than BATCH_FILES."""
    if not files:
        return []
    size = max(1, min(BATCH_FILES, math.ceil(len(files) / (4 * workers))))
    return [files[i:i + size] for i in range(0, len(files), size)]


class _Run:
    """What the flow body has going: the futures in flight, and every outcome so far."""

    def __init__(self, db_url: str, secret: str | None):
        self.db_url, self.secret = db_url, secret
        self.run_id: int | None = None
        self.files: list[str] = []
        self.skips: list[IngestOutcome] = []
        self.running: dict[Any, list[str]] = {}
        self.outcomes: list[IngestOutcome] = []
        self.translated: list[TranslateOutcome] = []
        self.aligned: AlignOutcome | None = None
        self.notes: list[str] = []

    @property
    def engine(self):
        return _engine(self.db_url, self.secret)

    def wait(self, future: Any) -> Any:
        """The future's result; the main thread waits in short steps, so a signal is seen at once."""
        self.running[future] = []
        while not future.wrapped_future.done():
            concurrent.futures.wait([future.wrapped_future], timeout=0.5)
        del self.running[future]
        return future.result()

    def ingest(self, files: list[str], workers: int) -> list[IngestOutcome]:
        """Every file through a window of at most `workers` batch tasks; one outcome per file, in order."""
        batches = _batches(files, workers)
        pending = deque(enumerate(batches))
        results: dict[int, list[IngestOutcome]] = {}
        index: dict[Any, int] = {}
        while pending or index:
            while pending and len(index) < workers and not cancel.STOP.is_set():
                i, batch = pending.popleft()
                assert self.run_id is not None
                future = ingest_files.submit(batch, self.db_url, self.secret, self.run_id)
                self.running[future], index[future] = batch, i
            if not index:
                break
            done, _ = concurrent.futures.wait([f.wrapped_future for f in index], timeout=0.5,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            for future in [f for f in index if f.wrapped_future in done]:
                batch = self.running.pop(future)
                result = future.result(raise_on_failure=False)
                results[index.pop(future)] = (result if isinstance(result, list)
                                              else lost_batch([from_parameter(p) for p in batch], result,
                                                              self.engine, self.run_id))
            self.outcomes = [o for i in sorted(results) for o in results[i]]
        for i, batch in pending:
            results[i] = [not_started(from_parameter(p)) for p in batch]
        self.outcomes = [o for i in sorted(results) for o in results[i]]
        return self.outcomes

    def drain(self, seconds: float) -> None:
        """Give the tasks in flight (told to stop) a moment to finish the file in hand."""
        if self.running:
            concurrent.futures.wait([f.wrapped_future for f in self.running], timeout=seconds)
        for future, batch in self.running.items():
            if future.wrapped_future.done() and isinstance(result := future.result(raise_on_failure=False), list):
                self.outcomes.extend(result)


def _process(state: _Run, paths: list[str], target_lang: str, method: str, workers: int,
             skipped: list[Skipped]) -> dict:
    found = find_inputs([from_parameter(p) for p in paths])
    files = state.files = [to_parameter(p) for p in found.files]
    state.run_id = run_id = state.wait(start_run.submit(state.db_url, state.secret, paths, target_lang, method,
                                                        workers, flow_run.get_id()))
    engine = state.engine
    with runs.Heartbeat(engine, run_id):
        for sentence in runs.dead_runs(engine):
            log.warning("%s", sentence)
            state.notes.append(sentence)
        log.info("run %s: %d file(s) into %s with %d worker(s)", run_id, len(files), describe(state.db_url), workers)
        state.skips = [record_skipped(engine, s, run_id=run_id) for s in [*skipped, *found.skipped]]
        progress = progress_reporter("read files", log)
        done = [0]

        def one_done(_: IngestOutcome) -> None:
            done[0] += 1
            progress(done[0], len(files))

        _file_progress[run_id] = one_done
        try:
            state.ingest(files, workers)
        finally:
            _file_progress.pop(run_id, None)
        document_ids = [o.document_id for o in state.outcomes if o.document_id is not None]
        for lang in state.wait(plan_translation.submit(state.db_url, state.secret, target_lang, document_ids)):
            state.translated.append(state.wait(translate_documents.submit(lang, state.db_url, state.secret,
                                                                          target_lang, run_id, document_ids)))
        cancel.check()
        state.aligned = state.wait(align_documents.submit(state.db_url, state.secret, target_lang, method, run_id))
        cancel.check()
        summary = state.wait(finish_run.submit(state.db_url, state.secret, run_id, state.skips + state.outcomes,
                                               state.translated, state.aligned, state.notes))
    artifacts.publish(summary, run_id)
    log.info("run %s finished: %s", run_id, runs.one_line(summary))
    return summary


def _interrupted(state: _Run, signum: int) -> Any:
    """Mark the run interrupted with what it did store, and end the flow run Cancelled."""
    cancel.request(signum)
    name = cancel.signal_name(signum)
    summary: dict = {}
    if state.run_id is not None:
        state.drain(DRAIN_S)
        done = {o.source for o in state.outcomes}
        pending = [not_started(from_parameter(p)) for p in state.files if display_name(from_parameter(p)) not in done]
        state.notes.append(f"interrupted by {name}: the files not started are not recorded; run the same inputs "
                           "again to process them")
        try:
            summary = runs.finish(state.engine, state.run_id, state.skips + state.outcomes + pending, state.translated,
                                  state.aligned, state.notes, status="interrupted")
        except Exception as exc:
            log.error("could not record that run %s was interrupted: %s", state.run_id, describe_error(exc))
        log.warning("run %s interrupted by %s", state.run_id, name)
    return Cancelled(message=f"interrupted by {name}", data={"summary": summary, "signal": signum})


_TASK_RUNNER: Any = ThreadPoolTaskRunner(max_workers=MAX_WORKERS)


@flow(name="process-articles", log_prints=True, task_runner=_TASK_RUNNER)
def process_articles(paths: list[str], db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                     method: str = "hybrid", workers: int = DEFAULT_WORKERS, db_password_secret: str | None = None,
                     skipped: list[dict] | None = None) -> Any:
    """Read, translate, align and store the articles under `paths`; returns the run summary.

    `db_url` carries no password (see `xlalign.flows.secrets`); `skipped`
    lists inputs a caller already found unreadable ({"path", "reason"}).
    """
    require_rendered("db_url", db_url)
    check_workers(workers)
    cancel.reset()
    state = _Run(secrets.public_url(db_url), db_password_secret)
    refused = [Skipped(from_parameter(s["path"]), s["reason"]) for s in skipped or []]
    with interrupt.armed():
        try:
            return _process(state, paths, target_lang, method, workers, refused)
        except BaseException as exc:
            signum = interrupt.interrupted_by(exc) or (cancel.requested() if isinstance(exc, cancel.Stopped) else None)
            if signum is not None:
                return _interrupted(state, signum)
            if state.run_id is not None:
                runs.end(state.engine, state.run_id, "failed", {"error": describe_error(exc)})
            raise


@flow(name="process-inbox", log_prints=True)
def process_inbox(inbox: str, db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                  method: str = "hybrid", settle_seconds: float = 30.0, workers: int = DEFAULT_WORKERS,
                  db_password_secret: str | None = None) -> Any:
    """Process the files of `inbox` that are new (unseen path+content) and no longer being written."""
    require_rendered("db_url", db_url)
    require_rendered("inbox", inbox)
    db_url = secrets.public_url(db_url)
    found = scan(inbox, db_url, db_password_secret, settle_seconds)
    if found.settling:
        log.info("inbox %s: %d file(s) still being written, left for the next run", inbox, len(found.settling))
    if not found.ready and not found.skipped:
        log.info("inbox %s: nothing new (%d already processed)", inbox, len(found.seen))
        return {"files": 0, "settling": len(found.settling)}
    return process_articles([to_parameter(p) for p in found.ready], db_url=db_url, target_lang=target_lang,
                            method=method, workers=workers, db_password_secret=db_password_secret,
                            skipped=[{"path": to_parameter(s.path), "reason": s.reason} for s in found.skipped])
