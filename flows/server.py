"""The Prefect API a local `xlalign run` talks to: checked when configured, else a temporary server.

`PREFECT_API_URL` set: the server must answer `/health` now, or the run stops
before it starts with a sentence (not a minute of retries and a traceback).

Not set: xlalign starts the temporary server itself, instead of letting
Prefect do it, because Prefect's own one

- is in the terminal's process group, so Ctrl-C kills it before the flow
  can record that it was interrupted (then every API call fails for minutes);
- outlives a `kill -9` of its parent (an orphan uvicorn of ~200 MB each time);
- gives up after 20 s on a busy machine with a raw traceback.

This one runs in its own session, is tied to its parent (`PR_SET_PDEATHSIG`
on Linux, and a thread in it that watches the parent's pid everywhere: see
`xlalign.flows.server_child`), waits up to `XLALIGN_SERVER_STARTUP_TIMEOUT`
(90 s) and tries a second port before it gives up with a sentence.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from xlalign.errors import UserError

ENV_TIMEOUT = "XLALIGN_SERVER_STARTUP_TIMEOUT"
DEFAULT_TIMEOUT_S = 90.0
ATTEMPTS = 2


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(api_url: str, timeout_s: float = 3.0) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def configured_api_url() -> str | None:
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def check_configured(api_url: str) -> None:
    """A sentence (UserError) unless the configured Prefect server answers."""
    if not _healthy(api_url, timeout_s=5.0):
        raise UserError(f"PREFECT_API_URL is {api_url}, but no Prefect server answers there: start it "
                        "(`prefect server start`), fix the URL, or unset PREFECT_API_URL to run with a temporary "
                        "server of xlalign's own")


def drain_prefect_workers(timeout_s: float = 5.0) -> None:
    """Send the logs and events Prefect still holds, while the server is up (at most `timeout_s`).

    Prefect ships them from background threads and drains those at exit; with
    the server already stopped, that exit waits on connection retries.
    """
    import threading

    def drain() -> None:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        with contextlib.suppress(Exception):
            APILogWorker.drain_all(timeout=timeout_s)
        with contextlib.suppress(Exception):
            EventsWorker.drain_all(timeout=timeout_s)

    worker = threading.Thread(target=drain, name="xlalign-drain-prefect", daemon=True)
    worker.start()
    worker.join(timeout_s)


class TemporaryServer:
    """A `prefect.server` API on 127.0.0.1 for the lifetime of this process (and not a second longer)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="xlalign-prefect-server-", suffix=".log")[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "xlalign.flows.server_child", str(os.getpid()), str(port)]

    def _environment(self) -> dict[str, str]:
        from prefect.settings import get_current_settings

        env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True)}
        env.update(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
        env.pop("PREFECT_API_URL", None)
        return env

    def start(self, timeout_s: float | None = None) -> TemporaryServer:
        limit = timeout_s if timeout_s is not None else float(os.environ.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT_S)
        env = self._environment()
        why = ""
        for _ in range(ATTEMPTS):
            self.port = _free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(self._command(self.port), env=env, stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    why = f"it exited with status {self.proc.returncode}"
                    break
                if _healthy(self.api_url, timeout_s=2.0):
                    return self
                time.sleep(0.2)
            else:
                why = f"it did not answer within {limit:g} s"
            self.stop()
        tail = self._log_tail()
        raise UserError(f"the temporary Prefect server could not be started ({why}; {tail or 'no output'}); the "
                        f"machine may be busy: run again, raise {ENV_TIMEOUT} (seconds), or start a server yourself "
                        "(`prefect server start`) and set PREFECT_API_URL")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            lines = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
            return " / ".join(lines[-3:])[-400:]
        return ""

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 3 s); safe to call twice."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    def kill(self) -> None:
        """At once, no waiting: for a second Ctrl-C."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, 9)

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            self.log_path.unlink()
