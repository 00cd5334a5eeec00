"""The deployments really run: a real Prefect server, `xlalign deploy`, process workers.

One module-scoped server; the single-worker run is a fixture so that the
scale-out test can compare its rows with what two workers produce.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from xlalign.db.schema import (
    alignment_sentences,
    alignments,
    document_pairs,
    documents,
    runs,
    sentences,
    translations,
)
from xlalign.stages.inbox import split_batches

from harness.db_counts import CONTENT_TABLES, table_counts
from harness.prefect_server import PrefectServer
from harness.samples import BRIEF_BG, BRIEF_EN

pytestmark = pytest.mark.slow

POOL = "xlalign"
RUN_TIMEOUT_S = 240
ARTICLE = ("Report {n}: the port authority said that {n} container ships were delayed by the storm.\n\n"
           "Crews worked through the night to clear the docks, and ship number {n} left on Tuesday morning.\n")
# a Bulgarian report and its English original: the worker translates (tiny real Argos package) and aligns
# (the brief of test_align_comparable plus one sentence: three, so that the tiny model's output is judged)
BG_REPORT = (f"{BRIEF_BG[0]}\n\n{BRIEF_BG[1]} "
             "Пристанището ще работи с удължено работно време до края на месеца.\n")
EN_REPORT = f"{BRIEF_EN[0]}\n\n{BRIEF_EN[1]} The port will keep longer opening hours until the end of the month.\n"


def row_counts(url: str) -> dict[str, int]:
    """Rows of the content tables; pairs and alignments as far as they are current.

    How files are split over runs changes the order they arrive in: a translation stored before its
    original is first paired with related coverage, then, when the original arrives, with it; the
    earlier pair stays, no longer current (`document_pairs.is_current`). What is current is the same.
    """
    engine = create_engine(url)
    current = select(document_pairs.c.id).where(document_pairs.c.is_current.is_(True))
    try:
        with engine.connect() as conn:
            counts = table_counts(conn, [t for t in CONTENT_TABLES if t not in (document_pairs, alignments,
                                                                                alignment_sentences)])
            counts["document_pairs"] = conn.scalar(select(func.count()).select_from(current.subquery()))
            counts["alignments"] = conn.scalar(select(func.count()).select_from(alignments)
                                               .where(alignments.c.pair_id.in_(current)))
            counts["alignment_sentences"] = conn.scalar(
                select(func.count()).select_from(alignment_sentences)
                .join(alignments, alignments.c.id == alignment_sentences.c.alignment_id)
                .where(alignments.c.pair_id.in_(current)))
            counts["content"] = sorted(conn.execute(select(documents.c.sha256)).scalars())
            return counts
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def deployed(prefect_server: PrefectServer, tmp_path_factory, argos_bg_en_model) -> dict:
    """`xlalign deploy` run from an unrelated folder, with the variables pointing at temp folders.

    Workers inherit the session's Argos home, where `argos_bg_en_model` installed the bg→en package.
    """
    base = tmp_path_factory.mktemp("deployed")
    env = {"XLALIGN_INBOX": str(base / "inbox"), "XLALIGN_DB": f"sqlite:///{base / 'scheduled.sqlite'}"}
    result = prefect_server.run([sys.executable, "-m", "xlalign.cli.main", "deploy"], cwd=base, timeout_s=300, **env)
    assert (base / "inbox").is_dir()
    articles = base / "articles"
    articles.mkdir()
    for i in range(6):
        (articles / f"report-{i}.txt").write_text(ARTICLE.format(n=i + 1), encoding="utf-8")
    (articles / "port.bg.txt").write_text(BG_REPORT, encoding="utf-8")
    (articles / "port.en.txt").write_text(EN_REPORT, encoding="utf-8")
    return {"base": base, "articles": articles, "output": result.stdout + result.stderr, **env}


@pytest.fixture(scope="module")
def one_worker(prefect_server: PrefectServer, deployed: dict, pg_server) -> dict:
    """One worker (started in a folder that is not the project), one ad hoc run over all articles."""
    # A 15-minute boundary during the test would hand a scheduled inbox run to a worker and skew
    # the split between workers: pause the schedule (test_scheduled_deployment_has_future_runs ran).
    inbox = prefect_server.deployment("process-inbox", "inbox")
    prefect_server.api("PATCH", f"/deployments/{inbox['id']}", {"paused": True})
    for scheduled in prefect_server.flow_runs(inbox["id"], ["SCHEDULED"]):
        prefect_server.api("DELETE", f"/flow_runs/{scheduled['id']}")
    url = pg_server.create_database()
    adhoc = prefect_server.deployment("process-articles", "adhoc")
    run_id = prefect_server.run_deployment(adhoc["id"], {"paths": [str(deployed["articles"])], "db_url": url})
    elsewhere = deployed["base"] / "worker-cwd"
    elsewhere.mkdir()
    worker = prefect_server.start_worker(POOL, cwd=elsewhere, name="w1", limit=1)
    (flow_run,) = prefect_server.wait_for_runs([run_id], RUN_TIMEOUT_S)
    return {"url": url, "flow_run": flow_run, "worker": worker, "counts": row_counts(url)}


def test_deploy_creates_pool_and_both_deployments(prefect_server, deployed):
    pool = prefect_server.api("GET", f"/work_pools/{POOL}")
    assert pool["type"] == "process"
    inbox = prefect_server.deployment("process-inbox", "inbox")
    assert inbox["parameters"]["inbox"] == deployed["XLALIGN_INBOX"]
    assert inbox["parameters"]["db_url"] == deployed["XLALIGN_DB"]
    assert inbox["global_concurrency_limit"]["limit"] == 1, "scheduled runs must not overlap"
    assert inbox["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]["directory"] == \
        str(Path(__file__).resolve().parents[2])
    adhoc = prefect_server.deployment("process-articles", "adhoc")
    assert adhoc["parameters"]["db_url"] == deployed["XLALIGN_DB"]


def test_scheduled_deployment_has_future_runs(prefect_server, deployed):
    import time

    inbox = prefect_server.deployment("process-inbox", "inbox")
    assert [s["schedule"]["cron"] for s in inbox["schedules"] if s["active"]] == ["*/15 * * * *"]
    deadline = time.monotonic() + 60
    while not (scheduled := prefect_server.flow_runs(inbox["id"], ["SCHEDULED"])):
        assert time.monotonic() < deadline, f"no scheduled runs after 60 s\n{prefect_server.logs()}"
        time.sleep(1)
    times = sorted(r["next_scheduled_start_time"] or r["expected_start_time"] for r in scheduled)
    assert len(times) >= 2 and all(t[14:16] in ("00", "15", "30", "45") for t in times)


def test_adhoc_run_through_a_worker_stores_the_articles(prefect_server, one_worker):
    run = one_worker["flow_run"]
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{prefect_server.logs()}"
    counts = one_worker["counts"]
    assert counts["documents"] == 8 and counts["input_files"] == 8 and counts["sentences"] >= 16
    artifacts = {a["key"]: a for a in prefect_server.artifacts(run["id"])}
    assert "xlalign-run-summary" in artifacts, "the run summary artifact is missing"
    engine = create_engine(one_worker["url"])
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.status, runs.c.flow_run_id)).all() == [("completed", run["id"])]
        # the worker's flow run translated the Bulgarian report with the installed package ...
        models = conn.execute(select(translations.c.model).distinct()).scalars().all()
        bg_sentences = conn.scalar(select(func.count()).select_from(sentences).where(sentences.c.lang == "bg"))
        # ... and aligned it with English coverage
        aligned_bg = conn.scalar(
            select(func.count()).select_from(alignments.join(document_pairs)
                                             .join(documents, documents.c.id == document_pairs.c.src_document_id))
            .where(documents.c.lang == "bg"))
    engine.dispose()
    assert len(models) == 1 and models[0].startswith("argos:") and counts["translations"] == bg_sentences == 3
    assert aligned_bg > 0


def test_two_workers_on_split_runs_store_exactly_what_one_worker_does(prefect_server, deployed, one_worker,
                                                                      pg_server):
    url = pg_server.create_database()
    files = sorted(str(p) for p in deployed["articles"].iterdir())
    adhoc = prefect_server.deployment("process-articles", "adhoc")
    prefect_server.start_worker(POOL, cwd=deployed["base"], name="w2", limit=1)
    prefect_server.wait_for_worker("w2")
    run_ids = [prefect_server.run_deployment(adhoc["id"], {"paths": batch, "db_url": url})
               for batch in split_batches(files, 3)]
    finished = prefect_server.wait_for_runs(run_ids, RUN_TIMEOUT_S)
    assert [r["state"]["type"] for r in finished] == ["COMPLETED"] * 3, prefect_server.logs()
    by_w1, by_w2 = (prefect_server.runs_taken_by(w) & set(run_ids) for w in ("w1", "w2"))
    assert by_w1 and by_w2 and by_w1 | by_w2 == set(run_ids), f"w1: {by_w1}, w2: {by_w2}"
    two = row_counts(url)
    print(f"one worker: {one_worker['counts'] | {'content': '...'}}; two workers "
          f"(w1 ran {len(by_w1)}, w2 ran {len(by_w2)} of 3 runs): {two | {'content': '...'}}")
    assert two == one_worker["counts"]

    # The scheduled deployment, run now on the same database, finds nothing new.
    inbox = prefect_server.deployment("process-inbox", "inbox")
    run_id = prefect_server.run_deployment(inbox["id"], {"inbox": str(deployed["articles"]), "db_url": url,
                                                         "settle_seconds": 0})
    (run,) = prefect_server.wait_for_runs([run_id], RUN_TIMEOUT_S)
    assert run["state"]["type"] == "COMPLETED", prefect_server.logs()
    assert row_counts(url) == one_worker["counts"]
