"""prefect.yaml and what `xlalign deploy` fills in, checked without a server."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy.exc import OperationalError

from xlalign.db.transient import is_transient
from xlalign.flows.artifacts import failures_markdown, summary_table
from xlalign.flows.cpu_limit import cpu_slot
from xlalign.flows.deploy import PROJECT_ROOT, deploy_commands, deploy_environment, require_rendered

from harness.prefect_server import prefect_env


def test_prefect_yaml_declares_the_two_deployments():
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in config["deployments"]}
    inbox, adhoc = by_name["inbox"], by_name["adhoc"]
    assert inbox["entrypoint"] == "flows/process_articles.py:process_inbox"
    assert inbox["concurrency_limit"] == 1
    assert inbox["schedules"][0]["cron"] == "*/15 * * * *"
    assert {"inbox", "db_url"} <= set(inbox["parameters"])
    assert adhoc["entrypoint"] == "flows/process_articles.py:process_articles"
    assert {"paths", "db_url"} <= set(adhoc["parameters"])
    step = config["pull"][0]["prefect.deployments.steps.set_working_directory"]
    assert step["directory"] == "{{ $PWD }}"


def test_unset_variables_get_absolute_defaults_and_say_so(tmp_path):
    env, notes = deploy_environment({}, cwd=tmp_path, project_root=Path("/srv/xlalign"))
    assert env["PWD"] == "/srv/xlalign"
    assert env["XLALIGN_DB"] == "sqlite:////srv/xlalign/xlalign.sqlite"
    assert env["XLALIGN_INBOX"] == "/srv/xlalign/inbox"
    assert len(notes) == 2 and all("not set" in n for n in notes)


def test_relative_paths_are_made_absolute_and_other_urls_kept(tmp_path):
    env, _ = deploy_environment({"XLALIGN_DB": "sqlite:///data/x.sqlite", "XLALIGN_INBOX": "in"}, cwd=tmp_path)
    assert env["XLALIGN_DB"] == f"sqlite:///{tmp_path / 'data' / 'x.sqlite'}"
    assert env["XLALIGN_INBOX"] == str(tmp_path / "in")
    pg = "postgresql+psycopg://u@db:5432/x"
    env, notes = deploy_environment({"XLALIGN_DB": pg, "XLALIGN_INBOX": "/abs"}, cwd=tmp_path)
    assert env["XLALIGN_DB"] == pg and env["XLALIGN_INBOX"] == "/abs" and notes == []


def test_the_password_is_never_baked_into_a_deployment(tmp_path):
    """`xlalign deploy` used to put $XLALIGN_DB, password and all, into the deployment's parameters."""
    env, notes = deploy_environment({"XLALIGN_DB": "postgresql+psycopg://u:pa$$word@db:5432/x",
                                     "XLALIGN_INBOX": "/abs"}, cwd=tmp_path)
    assert env["XLALIGN_DB"] == "postgresql+psycopg://u@db:5432/x"
    assert len(notes) == 1 and "not stored in the deployments" in notes[0] and "XLALIGN_DB_PASSWORD" in notes[0]
    assert "pa$$word" not in notes[0]


def test_unrendered_placeholder_is_rejected_with_the_fix():
    assert require_rendered("db_url", "sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    with pytest.raises(ValueError, match="xlalign deploy"):
        require_rendered("db_url", "{{ $XLALIGN_DB }}")


def test_only_database_outages_are_transient():
    refused = OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    assert is_transient(refused)
    try:
        try:
            raise ConnectionResetError("reset")
        except ConnectionResetError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as wrapped:
        assert is_transient(wrapped)
    assert not is_transient(ValueError("bad article"))
    assert not is_transient(None)


def test_cpu_slot_runs_the_body_without_prefect_and_never_swallows_its_errors():
    with cpu_slot("translate-cpu") as held:
        assert held is False
    with pytest.raises(KeyError):
        with cpu_slot("translate-cpu"):
            raise KeyError("body error")


def test_summary_artifact_rows_and_failures():
    summary = {"files": 3, "documents": 2, "documents_new": 2, "languages": {"bg": 1, "en": 1}, "sentences": 9,
               "translated": 4, "translations_reused": 0, "untranslated_languages": [], "document_pairs": 1,
               "alignment_groups_added": 4, "failures": [{"source": "x.txt", "error": "x.txt: empty file"}],
               "notes": []}
    rows = {r["what"]: r for r in summary_table(summary)}
    assert rows["documents"]["count"] == 2 and rows["languages"]["detail"] == "bg: 1, en: 1"
    assert rows["failures"]["count"] == 1 and rows["alignment groups"]["count"] == 4
    assert "`x.txt`: x.txt: empty file" in failures_markdown(summary)
    assert failures_markdown({"failures": [], "notes": []}) == ""


def test_deploy_commands_honour_another_pool():
    assert deploy_commands("xlalign") == [["--no-prompt", "deploy", "--all"]]
    assert deploy_commands("gpu") == [["--no-prompt", "deploy", "--name", "inbox", "--pool", "gpu"],
                                      ["--no-prompt", "deploy", "--name", "adhoc", "--pool", "gpu"]]


def test_deploy_without_a_server_says_how_to_start_one(tmp_path):
    done = subprocess.run([sys.executable, "-m", "xlalign.cli.main", "deploy"], cwd=tmp_path, env=prefect_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "PREFECT_API_URL" in done.stderr
