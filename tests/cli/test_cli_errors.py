"""One error model: a sentence and an exit code, never a traceback, decided before Prefect starts.

Each case is the real command in a child process, as a user runs it. Before
this, most of them printed 100-450 lines of traceback after 12-28 s of start-up.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from xlalign.cli.main import main
from xlalign.db.engine import get_engine

from harness.prefect_server import free_port
from harness.samples import populate


def xlalign(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    base.update(PREFECT_HOME=str(cwd / ".prefect"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "xlalign.cli.main", *args], cwd=cwd, env=base, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def sentence(proc: subprocess.CompletedProcess) -> str:
    """The one line the command printed on stderr (and that it printed no traceback)."""
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("The tram line opened on Monday after two years of work. Passengers filled the trams.\n")
    return path


@pytest.fixture
def stored(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'stored.sqlite'}"
    populate(get_engine(url))
    return url


@pytest.mark.parametrize("db, code, words", [
    ("notaurl", 2, "'notaurl' is not a database URL; give sqlite:///PATH or postgresql+psycopg://"),
    ("postgresql+pg8000://u@127.0.0.1/x", 2, "the database driver for postgresql+pg8000 is not installed"),
    ("mysql+nosuchdriver://u@h/x", 2, "unknown kind of database"),
    ("sqlite://", 2, "an in-memory SQLite database disappears with the process"),
])
def test_a_url_that_cannot_work_is_a_usage_error(tmp_path, article, db, code, words):
    proc = xlalign("run", str(article), "--db", db, cwd=tmp_path)
    assert proc.returncode == code and words in sentence(proc)


def test_a_server_that_is_down_is_one_sentence(tmp_path, article):
    port = free_port()
    proc = xlalign("run", str(article), "--db", f"postgresql+psycopg://u:hunter2@127.0.0.1:{port}/x", cwd=tmp_path)
    line = sentence(proc)
    assert proc.returncode == 1 and f"cannot reach the PostgreSQL server at 127.0.0.1:{port}" in line
    assert "hunter2" not in proc.stderr + proc.stdout


def test_a_database_that_does_not_exist_on_the_server(tmp_path, article, pg_url):
    proc = xlalign("summary", "--db", pg_url.rsplit("/", 1)[0] + "/no_such_db", cwd=tmp_path)
    assert proc.returncode == 1 and "the database 'no_such_db' does not exist" in sentence(proc)


def test_an_sqlite_file_that_cannot_be_created_or_is_not_a_database(tmp_path, article):
    (tmp_path / "plain").write_text("x")
    proc = xlalign("run", str(article), "--db", f"sqlite:///{tmp_path / 'plain' / 'x.sqlite'}", cwd=tmp_path)
    assert proc.returncode == 1 and "cannot create the SQLite database" in sentence(proc)
    (tmp_path / "notes.sqlite").write_text("these are my notes, not a database\n" * 100)
    for argv in (["summary"], ["run", str(article)], ["db", "upgrade"]):
        proc = xlalign(*argv, "--db", f"sqlite:///{tmp_path / 'notes.sqlite'}", cwd=tmp_path)
        assert proc.returncode == 1 and "is not an SQLite database" in sentence(proc), argv


def test_read_only_commands_never_create_a_database(tmp_path):
    """`summary --db sqlite:///typo.sqlite` silently created an empty database."""
    for argv in (["summary"], ["search", "tram"], ["export", "--format", "tsv", "out.tsv"]):
        proc = xlalign(*argv, "--db", "sqlite:///typo.sqlite", cwd=tmp_path)
        assert proc.returncode == 1 and "there is no database at typo.sqlite" in sentence(proc), argv
    assert not (tmp_path / "typo.sqlite").exists()
    sqlite3.connect(tmp_path / "empty.sqlite").execute("CREATE TABLE t (x)")
    proc = xlalign("summary", "--db", "sqlite:///empty.sqlite", cwd=tmp_path)
    assert proc.returncode == 1 and "holds no xlalign data" in sentence(proc)


def test_summary_into_a_closed_pipe_is_quiet(tmp_path, stored):
    """`xlalign summary | head -1`: the reader leaves while summary still has lines to write.

    The reader is gone before the first write, so the write always meets a
    closed pipe: reading a line first and then closing raced with a summary
    small enough to fit the pipe's buffer (it could finish and exit 0 first).
    """
    assert xlalign("summary", "--db", stored, cwd=tmp_path).stdout.count("\n") > 1  # more than head -1 shows
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    read_end, write_end = os.pipe()
    os.close(read_end)
    proc = subprocess.Popen([sys.executable, "-m", "xlalign.cli.main", "summary", "--db", stored], cwd=tmp_path,
                            env=env, stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141 and err == b""


def test_an_unwritable_export_path_is_a_sentence(tmp_path, stored):
    (tmp_path / "plain").write_text("a file, not a folder")
    proc = xlalign("export", "--format", "tsv", str(tmp_path / "plain" / "out.tsv"), "--db", stored, cwd=tmp_path)
    assert proc.returncode == 1 and f"{tmp_path / 'plain'} is a file, where a folder is needed" in sentence(proc)
    (tmp_path / "adir").mkdir()
    proc = xlalign("export", "--format", "tmx", str(tmp_path / "adir"), "--db", stored, cwd=tmp_path)
    assert proc.returncode == 1 and "Is a directory" in sentence(proc)


def test_method_mt_without_any_translation_model_is_a_sentence(tmp_path, article):
    proc = xlalign("run", str(article), "--method", "mt", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", cwd=tmp_path,
                   env={"XDG_DATA_HOME": str(tmp_path / "no-argos"), "ARGOS_PACKAGES_DIR": str(tmp_path / "no-argos")})
    assert proc.returncode == 2 and "--method mt aligns by machine translation, but no translation model" in \
        sentence(proc)


def test_method_mt_needs_only_translations_in_the_database(db_url, tmp_path):
    """Imported MT (`translations import`) makes --method mt possible without an installed model."""
    from xlalign.db.check import holds_translations_into

    fresh = tmp_path / "new.sqlite"
    assert not holds_translations_into(f"sqlite:///{fresh}", "en") and not fresh.exists()
    engine = get_engine(db_url)
    assert not holds_translations_into(db_url, "en")
    populate(engine)
    assert holds_translations_into(db_url, "en") and not holds_translations_into(db_url, "de")


def test_a_prefect_api_url_with_no_server_behind_it_is_a_sentence(tmp_path, article):
    url = f"http://127.0.0.1:{free_port()}/api"
    proc = xlalign("run", str(article), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", cwd=tmp_path,
                   env={"PREFECT_API_URL": url})
    assert proc.returncode == 1 and f"PREFECT_API_URL is {url}, but no Prefect server answers there" in sentence(proc)


def test_a_temporary_server_that_does_not_start_is_a_sentence(tmp_path, article):
    """1 in 21 concurrent starts on a busy machine failed with a raw "Timed out ... ephemeral" traceback."""
    proc = xlalign("run", str(article), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", cwd=tmp_path,
                   env={"XLALIGN_SERVER_STARTUP_TIMEOUT": "0.01"})
    line = sentence(proc)
    assert proc.returncode == 1 and "the temporary Prefect server could not be started" in line
    assert "run again, raise XLALIGN_SERVER_STARTUP_TIMEOUT" in line


def test_nothing_to_read_and_bad_arguments(tmp_path):
    proc = xlalign("run", str(tmp_path / "nope"), cwd=tmp_path)
    assert proc.returncode == 1 and "no such file or folder" in sentence(proc)
    proc = xlalign("run", str(tmp_path), "--workers", "0", cwd=tmp_path)
    assert proc.returncode == 2 and "must be from 1 to 32" in proc.stderr and "Traceback" not in proc.stderr


def test_grant_readonly_on_sqlite_is_a_sentence(tmp_path, stored):
    proc = xlalign("db", "grant-readonly", "researcher", "--db", stored, cwd=tmp_path)
    assert proc.returncode == 2 and "read-only roles exist only on PostgreSQL" in sentence(proc)


def test_prefect_telemetry_is_off_unless_asked_for(monkeypatch, tmp_path):
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    main(["summary", "--db", f"sqlite:///{tmp_path / 'missing.sqlite'}"])
    assert os.environ["DO_NOT_TRACK"] == "1" and os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    monkeypatch.setenv("DO_NOT_TRACK", "0")
    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED")
    main(["summary", "--db", f"sqlite:///{tmp_path / 'missing.sqlite'}"])
    assert os.environ["DO_NOT_TRACK"] == "0" and "PREFECT_SERVER_ANALYTICS_ENABLED" not in os.environ


def test_a_huge_search_term_is_one_sentence_without_sql(pg_db_url, capsys):
    """A 20,000-word search term on PostgreSQL printed a 450-line traceback holding the whole statement."""
    populate(get_engine(pg_db_url))
    term = " ".join(f"w{i}" for i in range(20000))
    code = main(["search", term, "--db", pg_db_url])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err
    assert "[SQL:" not in err and len(err) < 400 and "a phrase of at most" in err
