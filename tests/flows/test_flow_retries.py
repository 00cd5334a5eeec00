"""The real `process-articles` flow in-process (prefect_test_harness): summary, artifact,
concurrency limit, and a PostgreSQL outage mid-run that retries lose nothing and double nothing."""
from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from xlalign.db.schema import documents, input_files, paragraphs, runs, sentences
from xlalign.ingest.prepare import prepare_file

pytestmark = pytest.mark.slow

ARTICLE = ("Story {n}: the regional council approved a plan to repair {n} bridges before the winter.\n\n"
           "Engineers said the work on bridge number {n} would start next week. Traffic will be diverted.\n\n"
           "Residents welcomed the decision after years of complaints about the state of the roads.\n")


def make_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"story-{i:03d}.txt"
        path.write_text(ARTICLE.format(n=i + 1), encoding="utf-8")
        paths.append(path)
    return paths


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.scalar(select(func.count()).select_from(t))
                    for t in (documents, paragraphs, sentences, input_files)}
    finally:
        engine.dispose()


def expected_counts(paths: list[Path]) -> dict[str, int]:
    """What storing `paths` once must produce, computed by the plain pipeline functions."""
    docs = [prepare_file(p) for p in paths]
    return {"documents": len(docs), "paragraphs": sum(len(d.paragraphs) for d in docs),
            "sentences": sum(len(d.sentences) for d in docs), "input_files": len(docs)}


def flow_run_id_of(state) -> str:
    return str(state.state_details.flow_run_id)


def test_flow_stores_documents_records_failures_and_publishes_summary(prefect_harness, tmp_path, db_url):
    """On PostgreSQL a run with one bad file used to fail at its end: `completed_with_failures` did not fit."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId

    from xlalign.flows.process_articles import process_articles

    good = make_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\xff\x00\xfe" * 100)
    url = db_url
    state = process_articles(paths=[str(tmp_path / "in")], db_url=url, return_state=True)
    assert state.is_completed(), state
    summary = state.result()
    assert summary["documents"] == 3 and summary["languages"] == {"en": 3}
    assert len(summary["failures"]) == 1 and "broken.txt" in summary["failures"][0]["error"]
    counts = table_counts(url)
    assert counts == {**expected_counts(good), "input_files": 4}

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
        names = sorted(t.name for t in client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))))
    assert [n for n in names if n.startswith("ingest ")] == ["ingest broken.txt", "ingest story-000.txt",
                                                              "ingest story-001.txt", "ingest story-002.txt"], names
    by_key = {a.key: a for a in artifacts}
    table = by_key["xlalign-run-summary"]
    assert table.type == "table" and '"documents"' in str(table.data)
    assert "broken.txt" in str(by_key["xlalign-run-failures"].data)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.status)).scalar_one() == "completed_with_failures"
    engine.dispose()



def test_inbox_flow_processes_each_new_file_once(prefect_harness, tmp_path):
    from xlalign.flows.process_articles import process_inbox

    inbox = tmp_path / "inbox"
    make_articles(inbox, 2)
    os.mkfifo(inbox / "pipe.txt")  # never opened (it would block for ever), reported once
    url = f"sqlite:///{tmp_path / 'inbox.sqlite'}"
    first = process_inbox(inbox=str(inbox), db_url=url, settle_seconds=0)
    assert first["documents"] == 2 and [f["status"] for f in first["failures"]] == ["skipped"]
    assert "pipe.txt: is a FIFO" in first["failures"][0]["error"]
    (inbox / "late.txt").write_text(ARTICLE.format(n=99), encoding="utf-8")
    assert process_inbox(inbox=str(inbox), db_url=url, settle_seconds=3600)["files"] == 0, "late.txt is too fresh"
    third = process_inbox(inbox=str(inbox), db_url=url, settle_seconds=0)
    assert third["files"] == 1 and third["documents_new"] == 1
    assert process_inbox(inbox=str(inbox), db_url=url, settle_seconds=0) == {"files": 0, "settling": 0}
    assert table_counts(url)["input_files"] == 4 and len(list(inbox.iterdir())) == 4

def test_translate_cpu_limit_is_used_when_it_exists(prefect_harness):
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    from xlalign.flows.cpu_limit import cpu_slot

    @flow
    def hold(name: str) -> bool:
        with cpu_slot(name) as held:
            return held

    assert hold("no-such-limit") is False, "a missing limit must not fail or block the run"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="translate-cpu-test", limit=1))
    assert hold("translate-cpu-test") is True


def test_database_outage_mid_run_is_retried_with_nothing_lost_or_doubled(prefect_harness, pg_server, tmp_path, caplog):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from xlalign.flows.process_articles import process_articles

    paths = make_articles(tmp_path / "in", 30)
    url = pg_server.create_database()
    create_engine(url).dispose()
    outage: dict[str, float] = {}

    def take_database_down_when_the_first_file_is_stored() -> None:
        engine = create_engine(url)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline:
                try:
                    with engine.connect() as conn:
                        started = conn.execute(text("SELECT count(*) FROM runs")).scalar()
                        stored = conn.execute(text("SELECT count(*) FROM input_files")).scalar()
                except Exception:  # tables not created yet
                    started, stored = 0, 0
                if started and stored:
                    engine.dispose()
                    outage["stored_before"] = stored
                    outage["down_at"] = time.monotonic()
                    pg_server.stop_server()
                    time.sleep(4)
                    pg_server.start_server()
                    outage["up_at"] = time.monotonic()
                    return
                time.sleep(0.02)
        finally:
            engine.dispose()

    saboteur = threading.Thread(target=take_database_down_when_the_first_file_is_stored, daemon=True)
    saboteur.start()
    state = process_articles(paths=[str(tmp_path / "in")], db_url=url, return_state=True)
    saboteur.join(timeout=60)
    assert "up_at" in outage, "the database was never taken down: the test did not test anything"
    assert state.is_completed(), f"the run did not survive a 4 s database outage: {state}"
    summary = state.result()
    assert summary["failures"] == [] and summary["documents"] == len(paths)

    assert table_counts(url) == expected_counts(paths), "rows lost or doubled by the retries"
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.status)).scalars().all() == ["completed"]
        assert conn.execute(select(func.count()).select_from(input_files)
                            .where(input_files.c.status != "processed")).scalar() == 0
    engine.dispose()
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    # files are retried inside their batch (stages.ingest.ingest_one), other tasks by Prefect
    retried = Counter(t.name.rsplit("-", 1)[0] for t in task_runs if t.run_count > 1)
    retried_files = {r.getMessage().split(":")[0] for r in caplog.records if "trying again in" in r.getMessage()}
    assert retried or retried_files, "nothing was retried, so the outage hit nothing"
    print(f"outage after {outage['stored_before']}/{len(paths)} files stored; retried tasks: {dict(retried)}, "
          f"files retried in their batch: {len(retried_files)}")
    pg_server.drop_database(url)


def all_counts(url: str) -> dict[str, int]:
    from xlalign.db.schema import alignment_sentences, alignments, document_pairs, translations

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.scalar(select(func.count()).select_from(t))
                    for t in (documents, paragraphs, sentences, input_files, translations, document_pairs,
                              alignments, alignment_sentences)}
    finally:
        engine.dispose()


def test_examples_translate_under_the_cpu_limit_and_a_rerun_adds_nothing(prefect_harness, argos_bg_en_model,
                                                                          tmp_path):
    """The repository's examples (Bulgarian + English) with a real (tiny) bg→en Argos package."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    from xlalign.flows.process_articles import process_articles

    examples = Path(__file__).resolve().parents[2] / "examples"
    url = f"sqlite:///{tmp_path / 'examples.sqlite'}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="translate-cpu", limit=1))
    try:
        first = process_articles(paths=[str(examples)], db_url=url)
        assert first["failures"] == [] and first["languages"].get("bg") == 1 and first["languages"].get("en", 0) >= 1
        assert first["translated"] > 0 and first["untranslated_languages"] == []
        counts = all_counts(url)
        # Whether the tiny random-weight model's output pairs the documents is the aligner's business;
        # what matters here is that whatever the run stored, a rerun stores again not one row more.
        assert counts["translations"] == first["translated"] and counts["sentences"] == first["sentences"]

        again = process_articles(paths=[str(examples)], db_url=url)
        assert again["documents_new"] == 0 and again["translated"] == 0 and again["alignment_groups_added"] == 0
        assert all_counts(url) == counts, "a second run over the same files added rows"
        with get_client(sync_client=True) as client:
            assert client.read_global_concurrency_limit_by_name("translate-cpu").active_slots == 0
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name("translate-cpu")
