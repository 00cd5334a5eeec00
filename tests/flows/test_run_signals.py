"""`xlalign run` as a user runs it, in a child process: Ctrl-C, SIGTERM, kill -9, a held lock, bad inputs.

Before: Ctrl-C printed "Crash detected!" every ~7 s for minutes and left the run
`running`; a second one exited 1 with a traceback; SIGTERM did not stop a FIFO
read or a lock wait; every kill -9 left the temporary Prefect server running.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from xlalign.db.locks import source_bucket
from xlalign.db.schema import documents, input_files, runs

from harness.child_stderr import Lines, wait_for

pytestmark = pytest.mark.slow

ARTICLE = ("Story {n}: the regional council approved a plan to repair {n} bridges before the winter.\n\n"
           "Engineers said the work on bridge number {n} would start next week. Traffic will be diverted.\n")


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"story-{i:04d}.txt" for i in range(n)]
    for i, path in enumerate(paths):
        path.write_text(ARTICLE.format(n=i), encoding="utf-8")
    return paths


def with_password(url: str) -> str:
    """The throwaway cluster trusts every login; a password in the URL must still never be shown or stored."""
    return url.replace("postgres@", "postgres:s3cret-pw@") if url.startswith("postgresql") else url


def start(args: list[str], cwd: Path, **env: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment.update(PREFECT_HOME=str(cwd / ".prefect"), PYTHONUNBUFFERED="1", **env)
    return subprocess.Popen([sys.executable, "-m", "xlalign.cli.main", "run", *args], cwd=cwd, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def wait_for_line(proc: subprocess.Popen, words: str, timeout_s: float = 240) -> Lines:
    """Read stderr until a line holds `words`; the rest is read in the background (wait with `.finish()`)."""
    seen = wait_for(proc, words, timeout_s)
    assert seen.holds(words), "".join(seen)[-3000:]
    return seen


def stdout_and_exit(proc: subprocess.Popen, timeout_s: float = 60) -> str:
    """Wait for the process (a hang fails here); its stdout (stderr belongs to the `Lines` reader)."""
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait(timeout_s)
    return out


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(running(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def rows(url: str, query) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_run_marks_it_interrupted_stops_the_server_and_exits(db_url, tmp_path, signum):
    write_articles(tmp_path / "in", 400)
    proc = start([str(tmp_path / "in"), "--db", with_password(db_url)], tmp_path)
    seen = wait_for_line(proc, "read files")
    server = children(proc.pid)
    assert server, "no temporary Prefect server was started"
    proc.send_signal(signum)
    out = stdout_and_exit(proc)
    errors = seen.finish()
    assert proc.returncode == 128 + signum, errors[-2000:]
    assert gone_within(server, 15), "the temporary Prefect server outlived the run"
    assert "Traceback" not in errors and "Crash detected" not in errors
    assert f"interrupted by {signal.Signals(signum).name}" in errors and "run again to do the rest" in errors
    assert "s3cret-pw" not in errors + out
    [(status, summary)] = rows(db_url, select(runs.c.status, runs.c.summary))
    assert status == "interrupted" and '"documents"' in summary
    stored = rows(db_url, select(func.count()).select_from(documents))[0][0]
    recorded = rows(db_url, select(func.count()).select_from(input_files))[0][0]
    assert 0 < stored < 400 and recorded == stored, "an unprocessed file was recorded, or a stored one was not"


def test_a_second_ctrl_c_leaves_at_once_without_a_traceback(tmp_path):
    """A second Ctrl-C used to exit 1 with a traceback, leaving the run `running`."""
    write_articles(tmp_path / "in", 400)
    proc = start([str(tmp_path / "in"), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"], tmp_path)
    seen = wait_for_line(proc, "read files")
    server = children(proc.pid)
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    stdout_and_exit(proc)
    assert proc.returncode == 130 and "Traceback" not in seen.finish()
    assert gone_within(server, 15), "the temporary Prefect server outlived the run"


def test_kill_9_leaves_no_prefect_server_behind_and_the_dead_run_is_reported(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    write_articles(tmp_path / "in", 400)
    proc = start([str(tmp_path / "in"), "--db", url], tmp_path)
    seen = wait_for_line(proc, "read files")
    server = children(proc.pid)
    proc.kill()
    stdout_and_exit(proc)
    seen.finish()
    assert server and gone_within(server, 15), "kill -9 left the temporary Prefect server running (an orphan)"
    summary = subprocess.run([sys.executable, "-m", "xlalign.cli.main", "summary", "--db", url], capture_output=True,
                             text=True, timeout=120, cwd=tmp_path)
    assert summary.returncode == 0
    assert f"(pid {proc.pid} on " in summary.stdout and "stopped without finishing (its process is gone" in summary.stdout


def test_bad_inputs_missing_paths_and_fifos_are_reported_and_the_rest_stored(db_url, tmp_path):
    """One missing path used to refuse the whole run; a FIFO blocked it for ever; exit 0 with failures."""
    folder = tmp_path / "in"
    good = write_articles(folder, 3)
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "empty.txt").write_bytes(b"")
    raw_name = os.fsencode(folder) + b"/caf\xe9.txt"  # a Latin-1 name from an old zip
    with open(raw_name, "wb") as f:
        f.write(ARTICLE.format(n=99).encode())
    os.mkfifo(tmp_path / "named-pipe.txt")
    args = [str(folder), str(tmp_path / "missing"), str(tmp_path / "named-pipe.txt"), "--db", with_password(db_url)]
    for attempt in (1, 2):  # the second run adds nothing and says the same
        proc = start(args, tmp_path)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 3, err[-2000:]
        assert "Traceback" not in err
        # Prefect's own chatter is kept down: no "Finished in state Completed()" per task, no server banner
        assert "Finished in state" not in err and "Starting temporary server" not in err
        failed = [line for line in out.splitlines() if line.startswith("  failed: ")]
        assert len(failed) == 5, out
        for words in ("pipe.txt: is a FIFO", "dangling.txt: is a broken symbolic link", "missing: no such file",
                      "named-pipe.txt: is a FIFO", "empty.txt: file is empty"):
            assert any(words in line for line in failed), (words, out)
        assert out.startswith("4/9 files stored"), out
        stored = {r[0] for r in rows(db_url, select(documents.c.source))}
        assert {str(p) for p in good} | {f"{folder}/caf\\xe9.txt"} == stored
        assert rows(db_url, select(func.count()).select_from(documents))[0][0] == 4
        assert rows(db_url, select(func.count()).select_from(input_files))[0][0] == 9
    statuses = [r[0] for r in rows(db_url, select(runs.c.status).order_by(runs.c.id))]
    assert statuses == ["completed_with_failures", "completed_with_failures"]


def test_an_empty_folder_is_an_error_not_a_success(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = start([str(tmp_path / "empty"), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"], tmp_path)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and "found no article files in" in err and "Traceback" not in err


def test_a_held_lock_ends_in_a_sentence_or_on_sigterm(pg_db_url, tmp_path):
    """A run waiting on a lock held elsewhere waited 12+ minutes and ignored SIGTERM."""
    [path] = write_articles(tmp_path / "in", 1)
    create_engine(pg_db_url).dispose()
    from xlalign.db.engine import get_engine

    get_engine(pg_db_url)  # migrated, so the lock table exists
    holder = create_engine(pg_db_url)
    with holder.connect() as conn, conn.begin():
        conn.execute(text(f"SELECT bucket FROM xlalign_locks WHERE bucket = {source_bucket(str(path))} FOR UPDATE"))
        proc = start([str(path), "--db", pg_db_url], tmp_path, XLALIGN_LOCK_TIMEOUT="2")
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 3, err[-2000:]
        assert f"failed: {path}: LockTimeout: gave up after waiting 2 s for the lock on versions of {path}" in out
        proc = start([str(path), "--db", pg_db_url], tmp_path, XLALIGN_LOCK_TIMEOUT="600")
        seen = wait_for_line(proc, "run 2: 1 file(s)")
        time.sleep(3)  # now polling for the lock
        proc.send_signal(signal.SIGTERM)
        stdout_and_exit(proc)
        err = seen.finish()
    holder.dispose()
    assert proc.returncode == 143 and "Traceback" not in err
    statuses = [r[0] for r in rows(pg_db_url, select(runs.c.status).order_by(runs.c.id))]
    assert statuses == ["completed_with_failures", "interrupted"]


def test_a_failure_inside_the_flow_is_one_sentence_without_a_traceback(pg_db_url, tmp_path):
    """The migration lock held elsewhere while the run's first task migrates: LockTimeout, as a sentence."""
    from xlalign.db.engine import make_engine
    from xlalign.db.locks import LEGACY_ADVISORY_KEY
    from xlalign.db.migrate import upgrade

    [path] = write_articles(tmp_path / "in", 1)
    upgrade(make_engine(pg_db_url), "0003")  # before the lock table: the old advisory key guards migrations
    holder = create_engine(pg_db_url)
    with holder.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LEGACY_ADVISORY_KEY})
        proc = start([str(path), "--db", with_password(pg_db_url)], tmp_path, XLALIGN_LOCK_TIMEOUT="2")
        out, err = proc.communicate(timeout=300)
    holder.dispose()
    assert proc.returncode == 1, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and "Finished in state" not in err, err
    assert lines[-1].startswith("xlalign run: gave up after waiting 2 s for the migration lock"), err
    assert len([line for line in lines if "migration lock" in line]) == 1, err
