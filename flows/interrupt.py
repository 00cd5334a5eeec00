"""Ctrl-C and SIGTERM during a run: stop within seconds, say so, exit 130 or 143.

Only the main thread receives signals. The handler flips the process's stop
switch (`xlalign.cancel`), which the worker threads look at between files,
batches and pairs, and raises `cancel.Interrupted` in the main thread, which
the flow catches: it marks the run `interrupted`, gives the workers a moment
to finish the file in hand, and ends the flow run `Cancelled`.

A second signal does not wait for any of that: `on_force` (the CLI's: stop
the temporary Prefect server) runs and the process exits at once. And after
the first one a timer makes sure the process is gone within `FORCE_AFTER_S`
even if a worker thread is stuck in a call that cannot be interrupted (a
C-level wait on SQLite's lock, a translation batch).
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from xlalign import cancel

SIGNALS = (signal.SIGINT, signal.SIGTERM)
FORCE_AFTER_S = 20.0

_on_force: list[Callable[[], None]] = []


def _force_exit(signum: int) -> None:
    for hook in list(_on_force):
        with contextlib.suppress(Exception):
            hook()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(128 + signum)


def _handler(signum: int, _frame: Any) -> None:
    if cancel.STOP.is_set():  # the second signal: leave now
        _force_exit(cancel.requested() or signum)
    cancel.request(signum)
    timer = threading.Timer(FORCE_AFTER_S, _force_exit, args=(signum,))
    timer.daemon = True
    timer.start()
    raise cancel.Interrupted(signum)


@contextlib.contextmanager
def armed(on_force: Callable[[], None] | None = None) -> Iterator[None]:
    """Handle SIGINT and SIGTERM as described above while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    if on_force is not None:
        _on_force.append(on_force)
    for s in SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if on_force is not None:
            _on_force.remove(on_force)


def interrupted_by(exc: BaseException) -> int | None:
    """The signal behind `exc` (our Interrupted, a KeyboardInterrupt, Prefect's TerminationSignal), or None."""
    if isinstance(exc, cancel.Interrupted):
        return exc.signum
    if isinstance(exc, KeyboardInterrupt):
        return signal.SIGINT
    if type(exc).__name__ == "TerminationSignal":
        return int(getattr(exc, "signal", signal.SIGTERM))
    return None
