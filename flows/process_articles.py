"""Prefect flows: they orchestrate the plain pipeline functions and hold no logic.

`process_articles` is what `xlalign run` and the ad hoc deployment run;
`process_inbox` is the scheduled deployment: it picks the files of a folder
that the database has not seen yet and hands them to `process_articles`.
"""
from __future__ import annotations

import os

os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "xlalign")

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.runtime import flow_run  # noqa: E402

from db.engine import describe, get_engine  # noqa: E402
from pipeline import run_records  # noqa: E402
from pipeline.alignment import pair_and_align  # noqa: E402
from pipeline.ingest import IngestOutcome, ingest_file  # noqa: E402
from pipeline.inbox import files_to_process  # noqa: E402
from pipeline.progress import progress_reporter  # noqa: E402
from pipeline.translation import languages_to_translate, translate_language  # noqa: E402
from translate.reading import article_files  # noqa: E402

TRANSIENT_RETRIES = 3


@task(name="ingest-document", retries=TRANSIENT_RETRIES, retry_delay_seconds=[2, 5, 10])
def ingest_document(path: str, db_url: str, run_id: int) -> IngestOutcome:
    return ingest_file(get_engine(db_url), path, run_id=run_id)


@task(name="translate-language", retries=TRANSIENT_RETRIES, retry_delay_seconds=[2, 5, 10])
def translate_documents(lang: str, db_url: str, target_lang: str, run_id: int, document_ids: list[int]):
    logger = get_run_logger()
    return translate_language(get_engine(db_url), lang=lang, target_lang=target_lang, run_id=run_id,
                              document_ids=document_ids,
                              progress=progress_reporter(f"translate {lang}→{target_lang}", logger))


@task(name="pair-and-align", retries=TRANSIENT_RETRIES, retry_delay_seconds=[2, 5, 10])
def align_documents(db_url: str, target_lang: str, method: str, run_id: int):
    return pair_and_align(get_engine(db_url), target_lang=target_lang, method=method, run_id=run_id)


@flow(name="process-articles", log_prints=True)
def process_articles(paths: list[str], db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                     method: str = "hybrid") -> dict:
    """Read, translate, align and store the articles under `paths`; returns the run summary."""
    logger = get_run_logger()
    engine = get_engine(db_url)
    files = [str(p) for p in article_files(paths)]
    run_id = run_records.begin(engine, paths=paths, db_url=describe(db_url), target_lang=target_lang,
                               method=method, flow_run_id=flow_run.get_id())
    logger.info("run %s: %d file(s) into %s", run_id, len(files), describe(db_url))
    futures = ingest_document.map(files, db_url=db_url, run_id=run_id)
    outcomes = [run_records.outcome_of(path, future.result(raise_on_failure=False), engine, run_id)
                for path, future in zip(files, futures)]
    document_ids = [o.document_id for o in outcomes if o.document_id is not None]
    translated = [translate_documents(lang, db_url, target_lang, run_id, document_ids)
                  for lang in languages_to_translate(engine, target_lang, document_ids)]
    aligned = align_documents(db_url, target_lang, method, run_id)
    summary = run_records.finish(engine, run_id, outcomes, translated, aligned)
    logger.info("run %s finished: %s", run_id, run_records.one_line(summary))
    return summary


@flow(name="process-inbox", log_prints=True)
def process_inbox(inbox: str, db_url: str = "sqlite:///xlalign.sqlite", target_lang: str = "en",
                  method: str = "hybrid", settle_seconds: float = 30.0) -> dict:
    """Process the files of `inbox` that are new (unseen path+content) and no longer being written."""
    logger = get_run_logger()
    files = files_to_process(get_engine(db_url), inbox, settle_seconds=settle_seconds)
    if not files:
        logger.info("inbox %s: nothing new", inbox)
        return {"files": 0}
    return process_articles(files, db_url=db_url, target_lang=target_lang, method=method)
