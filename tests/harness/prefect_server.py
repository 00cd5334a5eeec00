"""A real Prefect server, CLI calls and workers for end-to-end tests, all stopped by PID.

Plain module (no pytest import)::

    with PrefectServer.start(tmp_path / "prefect") as server:
        server.cli("work-pool", "create", "xlalign", "--type", "process")
        worker = server.start_worker("xlalign", cwd=elsewhere)
        ...
        stop_process(worker)

Everything runs with a fresh `PREFECT_HOME`, analytics off, on 127.0.0.1 at a
free port, so it never touches a user's Prefect profile or server. The worker
polls every second (not 10 s) and the scheduler loops every few seconds, to
keep the tests short. Processes are started in their own session: `stop_process`
sends SIGTERM to the PID, then SIGKILL to its process group (the worker and the
flow-run processes it started) after a grace period.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

STARTUP_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefect_env(home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    """An environment isolated from the user's Prefect settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW="ignore",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="5",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        PYTHONUNBUFFERED="1",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


def stop_process(proc: subprocess.Popen, grace_s: float = 5.0) -> None:
    """SIGTERM the process, then SIGKILL its whole process group after `grace_s`."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group is ours: start_new_session=True
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@dataclass
class PrefectServer:
    home: Path
    port: int
    proc: subprocess.Popen
    children: list[tuple[subprocess.Popen, Path]] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    def env(self, **extra: str) -> dict[str, str]:
        return prefect_env(self.home, self.api_url, **extra)

    # -- lifecycle
    @classmethod
    def start(cls, home: Path, timeout_s: float = STARTUP_TIMEOUT_S) -> PrefectServer:
        home.mkdir(parents=True, exist_ok=True)
        last: str = ""
        for _ in range(3):  # another process may grab the port between free_port() and bind
            port = free_port()
            log = open(home / "server.log", "w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=prefect_env(home), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=home)
            log.close()
            server = cls(home=home, port=port, proc=proc)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline and proc.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{server.api_url}/health", timeout=2).status_code == 200:
                        return server
                time.sleep(0.5)
            last = _tail(server.log)
            stop_process(proc)
        raise RuntimeError(f"Prefect server did not become healthy in {timeout_s:.0f}s:\n{last}")

    def stop(self) -> None:
        for proc, _ in self.children:
            stop_process(proc)
        stop_process(self.proc, grace_s=10)

    def __enter__(self) -> PrefectServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- commands
    def cli(self, *args: str, cwd: Path | None = None, timeout_s: float = 180, check: bool = True,
            **env: str) -> subprocess.CompletedProcess:
        """`python -m prefect ARGS` against this server."""
        return self.run([sys.executable, "-m", "prefect", *args], cwd=cwd, timeout_s=timeout_s, check=check, **env)

    def run(self, argv: list[str], *, cwd: Path | None = None, timeout_s: float = 180, check: bool = True,
            **env: str) -> subprocess.CompletedProcess:
        proc = subprocess.run(argv, env=self.env(**env), cwd=cwd or self.home, capture_output=True, text=True,
                              timeout=timeout_s, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n"
                               f"--- stderr\n{proc.stderr}")
        return proc

    def start_worker(self, pool: str, *, cwd: Path, name: str, limit: int = 2) -> subprocess.Popen:
        log_path = self.home / f"worker-{name}.log"
        log = open(log_path, "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", name,
             "--limit", str(limit), "--type", "process"],
            env=self.env(), cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        self.children.append((proc, log_path))
        return proc

    def wait_for_worker(self, name: str, timeout_s: float = 120) -> None:
        """Wait until worker `name` says it has started polling (its log's first line)."""
        log_path = self.home / f"worker-{name}.log"
        deadline = time.monotonic() + timeout_s
        while f"Worker '{name}' started" not in _tail(log_path):
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker {name} did not start in {timeout_s:.0f}s\n{self.logs()}")
            time.sleep(0.5)

    def runs_taken_by(self, name: str) -> set[str]:
        """Ids of the flow runs worker `name` submitted (from its log)."""
        try:
            text = (self.home / f"worker-{name}.log").read_text(errors="replace")
        except OSError:
            return set()
        return set(re.findall(rf"Worker '{re.escape(name)}' submitting flow run '([0-9a-f-]+)'", text))

    def logs(self) -> str:
        """Server log and every worker log (for assertion messages)."""
        parts = [f"--- server\n{_tail(self.log)}"]
        parts += [f"--- {path.name}\n{_tail(path)}" for _, path in self.children]
        return "\n".join(parts)

    # -- REST API
    def api(self, method: str, path: str, body: Any = None, attempts: int = 6) -> Any:
        """One REST call; 503 (the SQLite-backed server was locked) is retried, as Prefect's client does."""
        for attempt in range(attempts):
            response = httpx.request(method, f"{self.api_url}{path}", json=body, timeout=30)
            if response.status_code != 503 or attempt == attempts - 1:
                break
            time.sleep(0.5 * 2 ** attempt)
        response.raise_for_status()
        return response.json() if response.content else None

    def deployment(self, flow_name: str, deployment_name: str) -> dict:
        return self.api("GET", f"/deployments/name/{flow_name}/{deployment_name}")

    def run_deployment(self, deployment_id: str, parameters: dict) -> str:
        """Create a flow run of a deployment; returns its id."""
        return self.api("POST", f"/deployments/{deployment_id}/create_flow_run", {"parameters": parameters})["id"]

    def flow_run(self, flow_run_id: str) -> dict:
        return self.api("GET", f"/flow_runs/{flow_run_id}")

    def flow_runs(self, deployment_id: str, state_types: list[str] | None = None) -> list[dict]:
        body: dict = {"deployments": {"id": {"any_": [deployment_id]}}, "limit": 200}
        if state_types:
            body["flow_runs"] = {"state": {"type": {"any_": state_types}}}
        return self.api("POST", "/flow_runs/filter", body)

    def artifacts(self, flow_run_id: str) -> list[dict]:
        return self.api("POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})

    def wait_for_runs(self, flow_run_ids: list[str], timeout_s: float) -> list[dict]:
        """Poll until every run is in a final state; the runs, or TimeoutError with the logs."""
        deadline = time.monotonic() + timeout_s
        while True:
            runs = [self.flow_run(i) for i in flow_run_ids]
            if all(r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in runs):
                return runs
            if time.monotonic() > deadline:
                states = json.dumps({r["id"]: r["state"]["type"] for r in runs})
                raise TimeoutError(f"flow runs not finished after {timeout_s:.0f}s: {states}\n{self.logs()}")
            time.sleep(1)
