"""Prefect flows: they orchestrate the plain pipeline functions and hold no logic.

`process_articles` is what `xlalign run` and the ad hoc deployment run;
`process_inbox` is the scheduled deployment: it picks the files of a folder
that the database has not seen yet and hands them to `process_articles`.

Every task that touches the database retries a transient failure (the database
restarting, SQLite locked) and nothing else (`xlalign.db.transient`); the
writes are idempotent, so a retry never doubles a row. Translation holds a slot
of the global concurrency limit `translate-cpu` when it exists
(`xlalign.flows.cpu_limit`), and the run summary is published as an artifact.
"""
from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "xlalign")

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from xlalign.db.engine import describe, get_engine
from xlalign.flows import artifacts
from xlalign.flows.cpu_limit import TRANSLATE_LIMIT, cpu_slot
from xlalign.flows.deploy import require_rendered
from xlalign.flows.progress import progress_reporter
from xlalign.flows.retries import RETRIES, RETRY_DELAYS_S, retry_if_transient
from xlalign.stages import runs
from xlalign.stages.alignment import AlignOutcome, pair_and_align
from xlalign.stages.inbox import InboxScan, scan_inbox
from xlalign.stages.ingest import IngestOutcome, files_under, ingest_file
from xlalign.stages.translation import TranslateOutcome, languages_to_translate, translate_language

_RETRY: dict[str, Any] = dict(retries=RETRIES, retry_delay_seconds=RETRY_DELAYS_S, retry_condition_fn=retry_if_transient)


@task(name="start-run", **_RETRY)
def start_run(db_url: str, paths: list[str], target_lang: str, method: str, flow_run_id: str | None) -> int:
    return runs.begin(get_engine(db_url), paths=paths, db_url=describe(db_url), target_lang=target_lang,
                             method=method, flow_run_id=flow_run_id)


@task(name="ingest-document", **_RETRY)
def ingest_document(path: str, db_url: str, run_id: int) -> IngestOutcome:
    return ingest_file(get_engine(db_url), path, run_id=run_id)


@task(name="plan-translation", **_RETRY)
def plan_translation(db_url: str, target_lang: str, document_ids: list[int]) -> list[str]:
    return languages_to_translate(get_engine(db_url), target_lang, document_ids)


@task(name="translate-language", **_RETRY)
def translate_documents(lang: str, db_url: str, target_lang: str, run_id: int,
                        document_ids: list[int]) -> TranslateOutcome:
    logger = get_run_logger()
    with cpu_slot(TRANSLATE_LIMIT):
        return translate_language(get_engine(db_url), lang=lang, target_lang=target_lang, run_id=run_id,
                                  document_ids=document_ids,
                                  progress=progress_reporter(f"translate {lang}→{target_lang}", logger))


@task(name="pair-and-align", **_RETRY)
def align_documents(db_url: str, target_lang: str, method: str, run_id: int) -> AlignOutcome:
    return pair_and_align(get_engine(db_url), target_lang=target_lang, method=method, run_id=run_id)


@task(name="finish-run", **_RETRY)
def finish_run(db_url: str, run_id: int, outcomes: list[IngestOutcome], translated: list[TranslateOutcome],
               aligned: AlignOutcome) -> dict:
    return runs.finish(get_engine(db_url), run_id, outcomes, translated, aligned)


@task(name="scan-inbox", **_RETRY)
def scan(inbox: str, db_url: str, settle_seconds: float) -> InboxScan:
    return scan_inbox(get_engine(db_url), inbox, settle_seconds=settle_seconds)


@flow(name="process-articles", log_prints=True)
def process_articles(paths: list[str], db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                     method: str = "hybrid") -> dict:
    """Read, translate, align and store the articles under `paths`; returns the run summary."""
    logger = get_run_logger()
    require_rendered("db_url", db_url)
    files = files_under(paths)
    run_id = start_run(db_url, paths, target_lang, method, flow_run.get_id())
    logger.info("run %s: %d file(s) into %s", run_id, len(files), describe(db_url))
    futures = ingest_document.map(files, db_url=db_url, run_id=run_id)
    outcomes = [runs.outcome_of(path, future.result(raise_on_failure=False), get_engine(db_url), run_id)
                for path, future in zip(files, futures)]
    document_ids = [o.document_id for o in outcomes if o.document_id is not None]
    translated = [translate_documents(lang, db_url, target_lang, run_id, document_ids)
                  for lang in plan_translation(db_url, target_lang, document_ids)]
    aligned = align_documents(db_url, target_lang, method, run_id)
    summary = finish_run(db_url, run_id, outcomes, translated, aligned)
    artifacts.publish(summary, run_id)
    logger.info("run %s finished: %s", run_id, runs.one_line(summary))
    return summary


@flow(name="process-inbox", log_prints=True)
def process_inbox(inbox: str, db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                  method: str = "hybrid", settle_seconds: float = 30.0) -> dict:
    """Process the files of `inbox` that are new (unseen path+content) and no longer being written."""
    logger = get_run_logger()
    require_rendered("db_url", db_url)
    require_rendered("inbox", inbox)
    found = scan(inbox, db_url, settle_seconds)
    if found.settling:
        logger.info("inbox %s: %d file(s) still being written, left for the next run", inbox, len(found.settling))
    if not found.ready:
        logger.info("inbox %s: nothing new (%d already processed)", inbox, len(found.seen))
        return {"files": 0, "settling": len(found.settling)}
    return process_articles(found.ready, db_url=db_url, target_lang=target_lang, method=method)
