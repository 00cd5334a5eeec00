"""The database password never reaches Prefect: not its flow run parameters, logs or artifacts, nor our run rows.

`xlalign run` used to store the URL, password and all, in Prefect's own
database (flow_run.parameters), which the UI shows to anyone who reaches it.
"""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import create_engine, select

from xlalign.cli.main import main
from xlalign.db.schema import runs
from xlalign.flows import secrets

pytestmark = pytest.mark.slow
PASSWORD = "s3cret-pw"


def test_xlalign_run_keeps_the_password_out_of_prefect_and_the_run_rows(prefect_harness, pg_db_url, tmp_path,
                                                                       capsys, caplog):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId

    article = tmp_path / "a.txt"
    article.write_text("The tram line opened on Monday after two years of work. Passengers filled the trams.\n")
    (tmp_path / "broken.txt").write_bytes(b"")  # a failure, so the failures artifact is written too
    url = pg_db_url.replace("postgres@", f"postgres:{PASSWORD}@")  # the test cluster trusts any password
    assert main(["run", str(tmp_path), "--db", url]) == 3
    printed = capsys.readouterr()
    engine = create_engine(pg_db_url)
    with engine.connect() as conn:
        [(parameters, flow_run_id)] = conn.execute(select(runs.c.parameters, runs.c.flow_run_id)).all()
    engine.dispose()
    assert "postgres@127.0.0.1" in json.loads(parameters)["db_url"]
    for handler in logging.getLogger("xlalign").handlers + logging.getLogger("prefect").handlers:
        handler.flush()
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])))
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run.id])))
    assert flow_run.parameters["db_url"] == pg_db_url, "the flow run's parameters hold the URL without password"
    assert len(artifacts) == 2, "nothing was published, so nothing was checked"
    published = " ".join([json.dumps(flow_run.parameters), *(str(a.data) for a in artifacts),
                          *(log.message for log in logs)])
    assert PASSWORD not in published + parameters + printed.out + printed.err + caplog.text


def test_a_worker_finds_the_password_in_its_environment(monkeypatch):
    bare = "postgresql+psycopg://xl@db.example:5432/xlalign"
    monkeypatch.delenv("XLALIGN_DB_PASSWORD", raising=False)
    monkeypatch.setenv("XLALIGN_DB", "postgresql+psycopg://xl:from-env@db.example:5432/xlalign")
    assert secrets.connect_url(bare) == "postgresql+psycopg://xl:from-env@db.example:5432/xlalign"
    monkeypatch.delenv("XLALIGN_DB")
    monkeypatch.setenv("XLALIGN_DB_PASSWORD", "p@ss:w/rd")
    assert secrets.connect_url(bare) == "postgresql+psycopg://xl:p%40ss%3Aw%2Frd@db.example:5432/xlalign"
    monkeypatch.delenv("XLALIGN_DB_PASSWORD")
    assert secrets.connect_url(bare) == bare  # trust, peer or .pgpass
    assert secrets.public_url("postgresql+psycopg://xl:mine@h/x") == "postgresql+psycopg://xl@h/x"
    assert secrets.connect_url("postgresql+psycopg://xl@h/x") == "postgresql+psycopg://xl:mine@h/x"
    assert secrets.connect_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
