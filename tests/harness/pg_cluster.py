"""Throwaway PostgreSQL clusters for tests and benchmarks.

Plain module (no pytest import) so benchmarks and scripts can use it too::

    from harness.pg_cluster import throwaway_cluster

    with throwaway_cluster() as url:          # postgresql+psycopg://postgres@127.0.0.1:PORT/xlalign_test
        engine = sqlalchemy.create_engine(url)

For more control, ``start_cluster()`` returns a :class:`PgCluster` (``url``,
``create_database()``, ``drop_database()``, ``stop()``).

What it does: finds ``initdb``/``pg_ctl`` (``$PG_BINDIR``, then ``PATH``, then
the highest ``/usr/lib/postgresql/*/bin``), ``initdb``s a fresh cluster in a
temporary folder (trust auth, C locale, UTF8), listens only on 127.0.0.1 at a
free port with its unix socket inside that folder and durability switched off
for speed, and on ``stop()`` shuts it down (fast, then immediate, then SIGKILL)
and removes the folder. ``initdb`` and ``pg_ctl`` refuse to run as root: when
the effective uid is 0 they run as the ``postgres`` system user (falling back
to ``nobody``) with the folder chowned to it. It never touches any other
server (e.g. a system cluster on port 5432).
"""
from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "xlalign_test"
SUPERUSER = "postgres"

# Settings appended to postgresql.conf: unsafe on power loss, fine for tests.
_FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "checkpoint_timeout": "1h",
    "max_wal_size": "1GB",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "logging_collector": "off",
    "timezone": "'UTC'",
}


class PgUnavailable(RuntimeError):
    """PostgreSQL server binaries (initdb, pg_ctl) could not be found."""


class PgStartError(RuntimeError):
    """The binaries exist but the throwaway cluster could not be started."""


# --------------------------------------------------------------------- binaries

def _version_key(path: str) -> tuple:
    name = Path(path).parent.name  # /usr/lib/postgresql/<ver>/bin
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.]", name))


def find_pg_bindir() -> Path | None:
    """Folder holding both ``initdb`` and ``pg_ctl``, or None.

    Order: ``$PG_BINDIR``; ``PATH``; highest ``/usr/lib/postgresql/*/bin``.
    """
    candidates: list[Path] = []
    env = os.environ.get("PG_BINDIR")
    if env:
        candidates.append(Path(env))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
        candidates.append(Path(on_path).parent)
    versioned = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates.extend(Path(p) for p in versioned)
    for d in candidates:
        if all(os.access(d / exe, os.X_OK) for exe in ("initdb", "pg_ctl")):
            return d
    return None


def require_pg_bindir() -> Path:
    d = find_pg_bindir()
    if d is None:
        raise PgUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BINDIR, PATH or "
            "/usr/lib/postgresql/*/bin; install them (Debian: apt-get install -y "
            "--no-install-recommends postgresql, or run scripts/test.sh as root) or set PG_BINDIR"
        )
    return d


# ------------------------------------------------------------------- helpers

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as, or None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("PG_RUN_AS_USER") or "postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PgStartError("running as root but neither a 'postgres' nor a 'nobody' account exists")


def _world_traversable(path: Path) -> bool:
    for p in [path, *path.parents]:
        try:
            if not (p.stat().st_mode & 0o001):
                return False
        except OSError:
            return False
    return True


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no server log)"


# ------------------------------------------------------------------- cluster

@dataclass(eq=False)
class PgCluster:
    bindir: Path
    root: Path
    port: int
    owner: pwd.struct_passwd | None
    host: str = "127.0.0.1"
    dbname: str = DEFAULT_DB
    _running: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    # -- process control
    def _cmd(self, args: list[str], timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        kw: dict = {}
        if self.owner is not None:
            kw = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        proc = subprocess.run(
            args, cwd=self.root, env=_clean_env(), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout, **kw,
        )
        if check and proc.returncode != 0:
            raise PgStartError(
                f"{' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n"
                f"--- server log ---\n{_tail(self.logfile)}"
            )
        return proc

    def _initdb(self) -> None:
        self._cmd([
            str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", SUPERUSER,
            "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
        ])
        settings = dict(_FAST_SETTINGS)
        settings["listen_addresses"] = f"'{self.host}'"
        settings["port"] = str(self.port)
        settings["unix_socket_directories"] = f"'{self.root}'"
        with open(self.datadir / "postgresql.conf", "a") as f:
            f.write("\n# --- throwaway test cluster (tests/pg_cluster.py) ---\n")
            for k, v in settings.items():
                f.write(f"{k} = {v}\n")

    def _start(self) -> None:
        self._cmd([
            str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
            "-w", "-t", "60", "start",
        ])
        self._running = True

    def stop(self) -> None:
        """Stop the server (fast, then immediate, then SIGKILL) and delete the folder."""
        try:
            if self._running or (self.datadir / "postmaster.pid").exists():
                pg_ctl = str(self.bindir / "pg_ctl")
                for mode in ("fast", "immediate"):
                    try:
                        p = self._cmd([pg_ctl, "-D", str(self.datadir), "-m", mode, "-w", "-t", "30", "stop"],
                                      timeout=60, check=False)
                        if p.returncode == 0:
                            break
                    except subprocess.TimeoutExpired:
                        pass
                self._kill_leftover()
        finally:
            self._running = False
            _live.discard(self)
            shutil.rmtree(self.root, ignore_errors=True)

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server but keep the cluster (to simulate an outage); `start_server()` brings it back.

        `fast` disconnects every client at once, as a database restart or a
        failover does.
        """
        self._cmd([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop"],
                  timeout=90)
        self._running = False

    def start_server(self) -> None:
        """Start a server stopped by `stop_server()` again, on the same port and data."""
        self._start()

    def _kill_leftover(self) -> None:
        pidfile = self.datadir / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        # Only the postmaster this cluster started: its command line names our data folder.
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return
        if str(self.datadir) not in cmdline:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)

    # -- databases
    def admin_connect(self, dbname: str = "postgres"):
        import psycopg  # local: keep the module importable without it

        return psycopg.connect(host=self.host, port=self.port, user=SUPERUSER, dbname=dbname,
                               autocommit=True, connect_timeout=10, sslmode="disable")

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (random name unless given); returns its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        _check_ident(name)
        with self.admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def drop_database(self, name_or_url: str) -> None:
        """Drop a database, disconnecting anyone still connected to it."""
        name = name_or_url.rsplit("/", 1)[-1].split("?", 1)[0]
        _check_ident(name)
        with self.admin_connect() as conn:
            if conn.info.server_version >= 130000:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _check_ident(name: str) -> None:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise ValueError(f"unsafe database name: {name!r}")


# Safety net: stop clusters still running when the interpreter exits normally.
_live: set[PgCluster] = set()


@atexit.register
def _stop_all() -> None:
    for c in list(_live):
        with contextlib.suppress(Exception):
            c.stop()


def _make_root(owner: pwd.struct_passwd | None) -> Path:
    base = Path(tempfile.gettempdir())
    # The server account must be able to reach its folder, and the unix socket path
    # (folder + "/.s.PGSQL.NNNNN") must stay under 108 bytes: otherwise use /tmp.
    if (owner is not None and not _world_traversable(base)) or len(str(base)) > 70:
        base = Path("/tmp")
    root = Path(tempfile.mkdtemp(prefix="xlpg-", dir=base))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    return root


def start_cluster(dbname: str = DEFAULT_DB, attempts: int = 3) -> PgCluster:
    """initdb + start a throwaway cluster and create ``dbname`` in it.

    Raises PgUnavailable when the binaries are missing, PgStartError otherwise.
    The caller must call ``stop()`` (an atexit hook is a safety net).
    """
    bindir = require_pg_bindir()
    owner = _run_as()
    last: Exception | None = None
    for _ in range(attempts):
        cluster = PgCluster(bindir=bindir, root=_make_root(owner), port=_free_port(),
                            owner=owner, dbname=dbname)
        _live.add(cluster)
        try:
            cluster._initdb()
            cluster._start()
            cluster.create_database(dbname)
            return cluster
        except BaseException as exc:
            log = _tail(cluster.logfile)
            cluster.stop()
            if isinstance(exc, PgStartError) and "already in use" in (str(exc) + log):
                last = exc  # lost the race for the port: try another one
                continue
            raise
    raise PgStartError(f"could not start a throwaway cluster after {attempts} attempts: {last}")


@contextlib.contextmanager
def throwaway_cluster(dbname: str = DEFAULT_DB) -> Iterator[str]:
    """``with throwaway_cluster() as url:`` -- URL of a fresh database, all gone afterwards."""
    cluster = start_cluster(dbname)
    try:
        yield cluster.url
    finally:
        cluster.stop()


if __name__ == "__main__":  # smoke test: python tests/pg_cluster.py
    t0 = time.monotonic()
    with throwaway_cluster() as u:
        print(f"up in {time.monotonic() - t0:.2f}s: {u}")
