"""A cluster-wide cap on CPU-heavy steps, that never stops a run from working.

CTranslate2 already uses every core of the machine it runs on, so two
translation steps on one machine only fight over the cores. Prefect's global
concurrency limits (`prefect gcl create translate-cpu --limit 1`) queue them
instead, across all workers that share the server. Without such a limit, or
without a Prefect run around the call (plain function calls, unit tests), the
step simply runs: a missing limit must not turn into a failed run.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)

TRANSLATE_LIMIT = "translate-cpu"
ACQUIRE_TIMEOUT_S = 6 * 3600.0  # waiting behind other translations is normal; hours is not


def _inside_prefect_run() -> bool:
    try:
        from prefect.context import FlowRunContext, TaskRunContext
    except ImportError:
        return False
    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


@contextlib.contextmanager
def cpu_slot(name: str = TRANSLATE_LIMIT, *, occupy: int = 1,
             timeout_seconds: float = ACQUIRE_TIMEOUT_S) -> Iterator[bool]:
    """Hold one slot of the global concurrency limit `name` while the body runs.

    Yields True when a slot of an existing limit is held, False when the body
    runs unlimited (no limit named `name`, no Prefect run, or the server could
    not be asked). Errors raised by the body itself are never swallowed.
    """
    if not _inside_prefect_run():
        yield False
        return
    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import concurrency

    try:
        with get_client(sync_client=True) as client:
            limit = client.read_global_concurrency_limit_by_name(name)
    except Exception as exc:  # ObjectNotFound, or the API is unreachable
        if type(exc).__name__ != "ObjectNotFound":
            log.warning("could not read the global concurrency limit %r (%s); running without it", name, exc)
        else:
            log.info("no global concurrency limit %r: running unlimited (create one with "
                     "`prefect gcl create %s --limit 1`)", name, name)
        yield False
        return
    if not limit.active:
        yield False
        return
    with concurrency(name, occupy=occupy, timeout_seconds=timeout_seconds, strict=False):
        yield True
