"""Fault probe: the failures a real archive and a real inbox produce, one line per case.

    .venv/bin/python benchmarks/fault_probe.py                  # the full probe (3,000 files, 5 kills per database)
    .venv/bin/python benchmarks/fault_probe.py --files 600 --kills 2 --batch 150   # a quicker one

Every case runs the real `xlalign run` in a child process (its own temporary
Prefect server), against an SQLite file and a throwaway PostgreSQL cluster
(tests/harness/pg_cluster.py), and compares the database with the state one
uninterrupted run of the same inputs reaches:

- files lost:       good inputs not stored, plus bad inputs neither stored nor
                    recorded with an error;
- rows duplicated:  rows beyond the uninterrupted state, summed over the tables.

Cases: the bad-input corpus; kill -9 at random points, then a re-run; SIGINT
and SIGTERM mid-run; a PostgreSQL outage mid-run; three concurrent runs over
overlapping folders (with the honest-count check: the runs' "documents new"
and "alignment groups added" add up to the rows stored); a folder of --files
articles; a lock held elsewhere; the read-only role's probes; URLs and
servers that are wrong. Wall times are for orientation on a shared machine,
not bars.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from xlalign.db.schema import documents, input_files, runs

import test_harness

test_harness.load()
from harness.child_stderr import wait_for  # noqa: E402
from harness.db_counts import CONTENT_TABLES, table_counts  # noqa: E402
from harness.pg_cluster import PgCluster, start_cluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TABLES = tuple(t for t in CONTENT_TABLES if t is not input_files)  # input_files: compared by status instead
ARTICLE = ("Story {n}: the regional council of district {n} approved a plan to repair its bridges before winter.\n\n"
           "Engineers said the work on bridge number {n} would start next week. Traffic will be diverted.\n")
BG = ("Градският съвет на Пловдив одобри новия бюджет във вторник вечерта след дълъг дебат. "
      "Фермерите в северната част на страната са притеснени от дългата суша това лято.\n")


@dataclass
class Row:
    case: str
    expected: str
    observed: str
    lost: int | str
    duplicated: int | str
    seconds: float


ROWS: list[Row] = []


def report(row: Row) -> None:
    ROWS.append(row)
    print(f"{row.case:<44} | {row.expected:<44} | {row.observed:<58} | {row.lost!s:>5} | {row.duplicated!s:>5} | "
          f"{row.seconds:6.1f}", flush=True)


# ------------------------------------------------------------------ inputs


def write_articles(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        sub = folder / f"part{i // 1000}"
        sub.mkdir(exist_ok=True)
        path = sub / f"story-{i:05d}.txt"
        path.write_text(ARTICLE.format(n=i), encoding="utf-8")
        paths.append(path)
    return paths


def bad_corpus(folder: Path) -> tuple[list[str], int, int]:
    """Good and bad inputs mixed; the paths to give `xlalign run`, how many are good, how many bad."""
    write_articles(folder / "good", 20)
    bad = folder / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "huge-line.txt").write_bytes(b"word " * (1 << 20))
    with open(bad / "oversized.txt", "wb") as f:
        f.truncate(1 << 30)  # sparse 1 GiB: it used to be read whole (1.23 GB RSS)
    raw = ARTICLE.format(n=7).encode() * 900
    (bad / "late-nul.txt").write_bytes(raw[:70000] + b"\x00" + raw[70000:])
    os.mkfifo(bad / "pipe.txt")
    (bad / "dangling.txt").symlink_to(bad / "gone.txt")
    (bad / "loop").symlink_to(bad)
    (bad / "escape.txt").symlink_to("/etc/hostname")
    (bad / "zero.txt").symlink_to("/dev/zero")
    (bad / "stray.pdf").write_bytes(b"%PDF-1.4")  # another type: ignored, not an error
    # good ones that used to be damaged or refused
    stray = (BG * 4).encode()
    (folder / "good" / "stray-ff.bg.txt").write_bytes(stray[:200] + b"\xff" + stray[200:])
    (folder / "good" / "utf16.txt").write_bytes(b"\xff\xfe" + ARTICLE.format(n=9001).encode("utf-16-le"))
    (folder / "good" / "entities.html").write_text(
        "<html><body><p>AT&amp;amp;T said the council of district 9002 approved the plan on Monday.</p>"
        "<p>Engineers said the work would start next week and traffic would be diverted.</p></body></html>")
    with open(os.fsencode(folder / "good") + b"/caf\xe9-9003.txt", "wb") as f:
        f.write(ARTICLE.format(n=9003).encode())
    os.mkfifo(folder / "named-pipe.txt")
    inputs = [str(folder / "good"), str(bad), str(folder / "missing-folder"), str(folder / "named-pipe.txt")]
    return inputs, 24, 12  # good: 20 + 4 once damaged; bad: 10 under bad/ (not the pdf), the missing folder, the FIFO


# ------------------------------------------------------------------ running


class Env:
    def __init__(self, work: Path, cluster: PgCluster):
        self.work, self.cluster = work, cluster
        self.n = 0

    def url(self, backend: str) -> str:
        self.n += 1
        if backend == "sqlite":
            return f"sqlite:///{self.work / f'db{self.n}.sqlite'}"
        return self.cluster.create_database().replace("postgres@", "postgres:probe-pw@")

    def start(self, args: list[str], **env: str) -> subprocess.Popen:
        environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        environment.update(PREFECT_HOME=str(self.work / "prefect-home"), PYTHONUNBUFFERED="1", **env)
        return subprocess.Popen([sys.executable, "-m", "xlalign.cli.main", *args], cwd=self.work, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)

    def run(self, args: list[str], timeout: float = 1800, **env: str) -> tuple[int, str, str, float]:
        t0 = time.monotonic()
        proc = self.start(args, **env)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err, time.monotonic() - t0


def plain(url: str) -> str:
    return url.replace(":probe-pw@", "@")


def snapshot(url: str) -> dict:
    engine = create_engine(plain(url))
    try:
        with engine.connect() as conn:
            counts = table_counts(conn, TABLES)
            shas = set(conn.execute(select(documents.c.sha256)).scalars())
            recorded = dict(conn.execute(select(input_files.c.status, func.count())
                                         .group_by(input_files.c.status)).all())
            statuses = [r for r in conn.execute(select(runs.c.status).order_by(runs.c.id)).scalars()]
            summaries = [json.loads(s) for s in conn.execute(select(runs.c.summary).order_by(runs.c.id)).scalars() if s]
    finally:
        engine.dispose()
    return {"counts": counts, "shas": shas, "recorded": recorded, "statuses": statuses, "summaries": summaries}


def compare(got: dict, ref: dict) -> tuple[int, int]:
    lost = len(ref["shas"] - got["shas"])
    duplicated = sum(max(0, got["counts"][t] - ref["counts"][t]) for t in ref["counts"])
    return lost, duplicated


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def orphans_after(pids: list[int], seconds: float = 15) -> int:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return sum(alive(p) for p in pids)


# ------------------------------------------------------------------ cases


def case_bad_inputs(env: Env, backend: str) -> None:
    folder = Path(tempfile.mkdtemp(dir=env.work, prefix="bad-"))
    inputs, good, bad = bad_corpus(folder)
    url = env.url(backend)
    rc, out, err, seconds = env.run(["run", *inputs, "--db", url])
    failed = [line for line in out.splitlines() if line.startswith("  failed: ")]
    got = snapshot(url)
    stored = got["counts"]["documents"]
    leaked = "probe-pw" in out + err
    lost = max(0, good - stored) + max(0, bad - len(failed))
    tracebacks = err.count("Traceback")
    report(Row(f"bad-input corpus [{backend}]", "exit 3, 24 stored, 12 reported, 0 tracebacks",
               f"exit {rc}, {stored} stored, {len(failed)} reported, {tracebacks} tracebacks"
               + (", PASSWORD SHOWN" if leaked else ""), lost, 0, seconds))


def reference(env: Env, backend: str, inputs: list[str]) -> tuple[dict, float]:
    """The state one uninterrupted run reaches, and how long its work takes (from its run row to its end)."""
    url = env.url(backend)
    proc = env.start(["run", *inputs, "--db", url])
    lines = wait_for(proc, "INFO xlalign.flows: run ")
    started = time.monotonic()
    while proc.poll() is None and not any(" finished: " in line for line in lines):
        time.sleep(0.05)
    work = time.monotonic() - started
    proc.wait(1800)
    if proc.returncode != 0:
        raise SystemExit(f"the reference run failed (exit {proc.returncode})")
    return snapshot(url), work


def case_kills(env: Env, backend: str, inputs: list[str], ref: dict, ref_seconds: float, kills: int,
               rng: random.Random) -> None:
    url = env.url(backend)
    orphans = 0
    t0 = time.monotonic()
    mid_run = 0
    for _ in range(kills):
        proc = env.start(["run", *inputs, "--db", url])
        wait_for(proc, "INFO xlalign.flows: run ", timeout_s=300)
        time.sleep(rng.uniform(0.0, ref_seconds))  # somewhere in its work: reading, storing, aligning
        server = children(proc.pid)
        proc.kill()
        proc.wait(60)
        orphans += orphans_after(server)
        mid_run += snapshot(url)["statuses"][-1:] == ["running"]
    rc, _, _, _ = env.run(["run", *inputs, "--db", url])
    got = snapshot(url)
    lost, dup = compare(got, ref)
    abandoned = got["statuses"].count("abandoned")
    report(Row(f"kill -9 x{kills} at random points, re-run [{backend}]",
               "re-run = uninterrupted state, 0 orphans, dead runs marked",
               f"{mid_run} killed mid-run, {abandoned} marked abandoned, re-run exit {rc}, {orphans} orphans", lost, dup,
               time.monotonic() - t0))


def case_signal(env: Env, backend: str, inputs: list[str], ref: dict, signum: int) -> None:
    url = env.url(backend)
    proc = env.start(["run", *inputs, "--db", url])
    wait_for(proc, "read files")
    server = children(proc.pid)
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        proc.wait(120)
    except subprocess.TimeoutExpired:
        proc.kill()
    took = time.monotonic() - sent
    orphans = orphans_after(server)
    status = snapshot(url)["statuses"]
    rc, _, _, _ = env.run(["run", *inputs, "--db", url])
    lost, dup = compare(snapshot(url), ref)
    name = signal.Signals(signum).name
    report(Row(f"{name} mid-run, then re-run [{backend}]", f"exit {128 + signum}, run interrupted, 0 orphans",
               f"exit {proc.returncode} after {took:.1f} s, run {status[0] if status else '?'}, {orphans} orphans",
               lost, dup, took))


def case_outage(env: Env, inputs: list[str], ref: dict) -> None:
    url = env.url("postgresql")
    proc = env.start(["run", *inputs, "--db", url])
    lines = wait_for(proc, "read files")
    t0 = time.monotonic()
    env.cluster.stop_server()
    time.sleep(4)
    env.cluster.start_server()
    assert proc.stdout is not None
    proc.stdout.read()
    proc.wait(1800)
    err = lines.finish()
    lost, dup = compare(snapshot(url), ref)
    report(Row("PostgreSQL down 4 s mid-run (big folder) [postgresql]", "exit 0, everything stored once",
               f"exit {proc.returncode}, {err.count('trying again in')} file retries", lost, dup,
               time.monotonic() - t0))


def case_concurrent(env: Env, backend: str, folders: list[str], examples: str) -> None:
    sets = [[folders[0], folders[1], examples], [folders[1], folders[2], examples], [folders[0], folders[2]]]
    ref, _ = reference(env, backend, [*folders, examples])
    url = env.url(backend)
    env.run(["db", "upgrade", "--db", url])
    t0 = time.monotonic()
    procs = [env.start(["run", *s, "--db", url]) for s in sets]
    codes = [p.wait(1800) for p in procs]
    for p in procs:
        p.communicate()
    got = snapshot(url)
    lost, dup = compare(got, ref)
    new_docs = sum(s.get("documents_new", 0) for s in got["summaries"])
    groups = sum(s.get("alignment_groups_added", 0) for s in got["summaries"])
    honest = new_docs == got["counts"]["documents"] and groups == got["counts"]["alignments"]
    report(Row(f"3 concurrent runs, overlapping folders [{backend}]", "= one run; summaries add up to the rows",
               f"exits {codes}; docs new {new_docs}/{got['counts']['documents']}, groups added "
               f"{groups}/{got['counts']['alignments']}" + ("" if honest else " DISHONEST"), lost, dup,
               time.monotonic() - t0))


def case_big_folder(env: Env, backend: str, folder: Path, n: int) -> None:
    url = env.url(backend)
    rc, out, err, seconds = env.run(["run", str(folder), "--db", url, "--workers", "4"])
    got = snapshot(url)
    stored = got["counts"]["documents"]
    report(Row(f"{n:,}-file folder, 4 workers [{backend}]", f"exit 0, {n:,} stored and recorded",
               f"exit {rc}, {stored:,} stored, {got['recorded'].get('processed', 0):,} recorded, "
               f"{n / seconds:.0f} files/s", n - stored, max(0, stored - n), seconds))


def case_lock(env: Env) -> None:
    from xlalign.db.engine import get_engine
    from xlalign.db.locks import source_bucket

    url = env.url("postgresql")
    folder = env.work / "lock"
    [path] = write_articles(folder, 1)
    get_engine(plain(url))
    holder = create_engine(plain(url))
    t0 = time.monotonic()
    with holder.connect() as conn, conn.begin():
        conn.execute(text(f"SELECT bucket FROM xlalign_locks WHERE bucket = {source_bucket(str(path))} FOR UPDATE"))
        rc, out, err, _ = env.run(["run", str(path), "--db", url], XLALIGN_LOCK_TIMEOUT="3")
        sentence = "gave up after waiting 3 s" in out
        proc = env.start(["run", str(path), "--db", url], XLALIGN_LOCK_TIMEOUT="600")
        wait_for(proc, "run 2:")
        time.sleep(2)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        took = time.monotonic() - sent
    holder.dispose()
    report(Row("a lock held elsewhere [postgresql]", "exit 3 with a sentence; SIGTERM: 143 at once",
               f"exit {rc}{' with the sentence' if sentence else ' NO SENTENCE'}; SIGTERM: {proc.returncode} after "
               f"{took:.1f} s", 0, 0, time.monotonic() - t0))


def case_readonly(env: Env) -> None:
    import psycopg
    from sqlalchemy import make_url

    from xlalign.db.locks import LEGACY_ADVISORY_KEY

    url = env.url("postgresql")
    folder = env.work / "ro"
    write_articles(folder, 3)
    env.run(["run", str(folder), str(ROOT / "examples"), "--db", url])
    password = "pa$$word'; DROP TABLE documents; --"
    proc = subprocess.run([sys.executable, "-m", "xlalign.cli.main", "db", "grant-readonly", "reader",
                           "--password-stdin", "--db", url], input=password + "\n", capture_output=True, text=True,
                          cwd=env.work, timeout=300)
    shown = password in proc.stdout + proc.stderr
    u = make_url(plain(url))
    conn = psycopg.connect(host=u.host, port=u.port, user="reader", password=password, dbname=u.database,
                           autocommit=True)
    probes = [
        ("large object (lo_from_bytea) after SET ... READ WRITE", "SET default_transaction_read_only = off; "
         "SELECT lo_from_bytea(0, 'x'::bytea)"),
        ("ALTER ROLE ... SET read_only off, then write", "ALTER ROLE reader SET default_transaction_read_only = off; "
         "INSERT INTO runs (status) VALUES ('x')"),
        ("temporary table", "CREATE TEMP TABLE t (x int)"),
        ("a table in public", "CREATE TABLE t (x int)"),
        ("base table read", "SELECT count(*) FROM documents"),
        ("xlalign's lock rows", "SELECT * FROM xlalign_locks FOR UPDATE"),
    ]
    t0 = time.monotonic()
    for name, sql in probes:
        try:
            for statement in sql.split("; "):
                conn.execute(statement)
            observed = "ALLOWED"
        except psycopg.Error as exc:
            observed = f"refused ({type(exc).__name__})"
        report(Row(f"read-only role: {name}", "refused", observed, "-", "-", time.monotonic() - t0))
    conn.execute("SELECT pg_advisory_lock(%s)", (LEGACY_ADVISORY_KEY,))  # the key xlalign used before 0004
    conn.execute("SELECT pg_advisory_lock(hashtext('xlalign:source:' || %s))", (str(folder / "part0" / "new.txt"),))
    write_articles(folder / "more", 2, start=500)
    rc, out, err, seconds = env.run(["run", str(folder / "more"), "--db", url], XLALIGN_LOCK_TIMEOUT="20")
    report(Row("read-only role holds the advisory lock keys", "ingestion not stalled (exit 0)",
               f"exit {rc} in {seconds:.0f} s", "-", "-", seconds))
    views = conn.execute("SELECT count(*) FROM parallel_sentences").fetchone()
    report(Row("read-only role reads the views", "allowed", f"{views[0]} rows", "-", "-", 0.0))
    report(Row("grant-readonly with pa$$word'; DROP TABLE ...", "exit 0, password never printed",
               f"exit {proc.returncode}, password {'PRINTED' if shown else 'not printed'}", "-", "-", 0.0))
    conn.close()


def case_sentences(env: Env) -> None:
    from harness.prefect_server import free_port

    article = env.work / "one.txt"
    article.write_text(ARTICLE.format(n=1))
    cases = [
        ("--db notaurl", ["run", str(article), "--db", "notaurl"], {}),
        ("--db with a driver not installed", ["run", str(article), "--db", "postgresql+pg8000://u@h/x"], {}),
        ("PostgreSQL server down", ["run", str(article), "--db",
                                    f"postgresql+psycopg://u:pw@127.0.0.1:{free_port()}/x"], {}),
        ("summary --db sqlite:///typo.sqlite", ["summary", "--db", "sqlite:///typo.sqlite"], {}),
        ("PREFECT_API_URL at a stopped server", ["run", str(article), "--db", f"sqlite:///{env.work / 's.sqlite'}"],
         {"PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}),
    ]
    for name, argv, extra in cases:
        rc, out, err, seconds = env.run(argv, **extra)
        lines = [line for line in err.splitlines() if line.strip()]
        one = len(lines) == 1 and "Traceback" not in err
        report(Row(f"error: {name}", "one sentence, no traceback", f"exit {rc}, {len(lines)} line(s)"
                   + ("" if one else " NOT ONE SENTENCE"), "-", "-", seconds))
    created = (env.work / "typo.sqlite").exists()
    report(Row("error: read-only command on a missing file", "no empty database created",
               "created" if created else "not created", "-", "-", 0.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=3000, help="size of the big-folder case")
    parser.add_argument("--batch", type=int, default=300, help="files in the kill, signal and outage cases")
    parser.add_argument("--kills", type=int, default=5, help="kill -9s per database")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="xlalign-fault-probe-"))
    cluster = start_cluster()
    env = Env(work, cluster)
    print(f"{'case':<44} | {'expected':<44} | {'observed':<58} | {'lost':>5} | {'dups':>5} | {'s':>6}")
    print("-" * 176)
    try:
        for backend in ("sqlite", "postgresql"):
            case_bad_inputs(env, backend)
        batch = work / "batch"
        write_articles(batch, args.batch)
        for backend in ("sqlite", "postgresql"):
            ref, ref_seconds = reference(env, backend, [str(batch)])
            case_kills(env, backend, [str(batch)], ref, ref_seconds, args.kills, rng)
            case_signal(env, backend, [str(batch)], ref, signal.SIGINT)
            case_signal(env, backend, [str(batch)], ref, signal.SIGTERM)
        folders = [str(p) for p in (work / "c1", work / "c2", work / "c3")]
        for i, folder in enumerate(folders):
            write_articles(Path(folder), 40, start=10000 + 40 * i)
        for backend in ("sqlite", "postgresql"):
            case_concurrent(env, backend, folders, str(ROOT / "examples"))
        big = work / "big"
        write_articles(big, args.files, start=20000)
        for backend in ("sqlite", "postgresql"):
            case_big_folder(env, backend, big, args.files)
        case_outage(env, [str(big)], reference(env, "postgresql", [str(big)])[0])
        case_lock(env)
        case_readonly(env)
        case_sentences(env)
    finally:
        cluster.stop()
        subprocess.run(["rm", "-rf", str(work)], check=False)
    bad = [r for r in ROWS if r.lost not in (0, "-") or r.duplicated not in (0, "-")]
    print(f"\n{len(ROWS)} cases; {len(bad)} with files lost or rows duplicated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
