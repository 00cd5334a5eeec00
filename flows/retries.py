"""Prefect's retry policy for xlalign's tasks: retry a lost database, nothing else.

Every write is idempotent (`db.store`), so a retried task adds nothing twice;
a bug or a bad input fails the same way every time and is not retried.
"""
from __future__ import annotations

from typing import Any

from xlalign.db.transient import is_transient

RETRIES = 3
RETRY_DELAYS_S = [2, 5, 10]  # ~17 s in all: enough for a database restart or failover


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect `retry_condition_fn`: retry a failed task only when its error is transient."""
    error = state.data if isinstance(getattr(state, "data", None), BaseException) else None
    if error is None:
        try:
            error = state.result(raise_on_failure=False)
        except Exception as exc:  # the result could not be read back: judge that error instead
            error = exc
    return is_transient(error) if isinstance(error, BaseException) else False
