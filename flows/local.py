"""`xlalign run`: one flow run in this process, with Prefect kept quiet and under control.

- Prefect's own loggers at WARNING (no "Finished in state Completed()" per
  task, no server banner); xlalign's progress and sentences are what show.
- The API is the configured server, checked first, or a temporary one that
  dies with this process (`flows.server`).
- Ctrl-C / SIGTERM: the flow ends `Cancelled`, the run row `interrupted`,
  the server stops; `cancel.Interrupted` reaches the CLI (exit 130 / 143),
  carrying what the run stored. A second signal exits at once.
"""
from __future__ import annotations

import logging
from typing import Any

from xlalign import cancel
from xlalign.flows import interrupt, secrets
from xlalign.flows.parameters import to_parameter
from xlalign.flows.server import TemporaryServer, check_configured, configured_api_url, drain_prefect_workers

PREFECT_LOGGERS = ("prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.server", "prefect.client",
                   "prefect._internal", "prefect.events", "uvicorn", "httpx", "httpcore")


class RunInterrupted(cancel.Interrupted):
    """The run was interrupted; `summary` is what it had stored by then ({} if it had not started)."""

    def __init__(self, signum: int, summary: dict):
        super().__init__(signum)
        self.summary = summary


def quiet_prefect() -> None:
    for name in PREFECT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def run_in_process(paths: list[str], *, db_url: str, target_lang: str, method: str, workers: int) -> dict:
    """Run `process_articles` here and return its summary (RunInterrupted after a signal)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from xlalign.flows.process_articles import process_articles

    quiet_prefect()
    configured = configured_api_url()
    server = None if configured else TemporaryServer()
    cancel.reset()
    with interrupt.armed(on_force=server.kill if server else None):
        try:
            if configured:
                check_configured(configured)
                state = _run(process_articles, paths, db_url, target_lang, method, workers)
            else:
                assert server is not None
                server.start()
                with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
                    try:
                        state = _run(process_articles, paths, db_url, target_lang, method, workers)
                    finally:
                        drain_prefect_workers()
        finally:
            if server is not None:
                server.close()
    if state.is_cancelled():
        data: Any = state.result(raise_on_failure=False)
        data = data if isinstance(data, dict) else {}
        raise RunInterrupted(int(data.get("signal") or cancel.requested() or 2), data.get("summary") or {})
    return state.result()


def _run(flow_fn: Any, paths: list[str], db_url: str, target_lang: str, method: str, workers: int) -> Any:
    return flow_fn(paths=[to_parameter(p) for p in paths], db_url=secrets.public_url(db_url),
                   target_lang=target_lang, method=method, workers=workers, return_state=True)
