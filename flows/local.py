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

import copy
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


class _NoTraceback(logging.Formatter):
    """Formats a record without its traceback: on the terminal an error is one line (--debug shows more)."""

    def __init__(self, inner: logging.Formatter | None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            record = copy.copy(record)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return self.inner.format(record)


def _not_a_final_state(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Finished in state")


def quiet_prefect(debug: bool = False) -> None:
    """Prefect's loggers at WARNING, no tracebacks, no "Finished in state ...": the CLI says how the run ended."""
    if debug:
        return
    for name in PREFECT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("prefect.flow_runs").setLevel(logging.CRITICAL)
    task_runs = logging.getLogger("prefect.task_runs")
    if _not_a_final_state not in task_runs.filters:
        task_runs.addFilter(_not_a_final_state)  # a failed task's error is what the CLI's sentence says
    for logger in (logging.getLogger(), *(logging.getLogger(n) for n in PREFECT_LOGGERS)):
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler.formatter, _NoTraceback):
                handler.setFormatter(_NoTraceback(handler.formatter))


def run_in_process(paths: list[str], *, db_url: str, target_lang: str, method: str, workers: int,
                   debug: bool = False) -> dict:
    """Run `process_articles` here and return its summary (RunInterrupted after a signal)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from xlalign.flows.process_articles import process_articles

    quiet_prefect(debug)
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
