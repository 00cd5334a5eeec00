"""The one stop switch of a process: set by Ctrl-C or SIGTERM, read by every long loop.

A run's work happens in worker threads, and only the main thread receives
signals. The signal handler (`xlalign.flows.interrupt`) sets `STOP`; the
loops that can run long (files of a batch, translation batches, pairs to
align, waits for a lock or a database that is down) call `check()` and stop
at the next step with `Stopped`. In the main thread the handler raises
`Interrupted`, which is a BaseException so that no `except Exception` on the
way swallows it. At the bottom of the import graph, so that db/ and stages/
can look at the switch without knowing who flips it.
"""
from __future__ import annotations

import signal
import threading

STOP = threading.Event()
_signal: list[int] = []


class Stopped(Exception):
    """Raised in worker code after a stop was requested: the work is abandoned, not failed."""


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM, raised in the main thread; `exit_code` is 130 or 143 (128 + signal)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal_name(signum)}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def request(signum: int) -> None:
    """Ask every loop of this process to stop (the first signal wins)."""
    if not _signal:
        _signal.append(signum)
    STOP.set()


def requested() -> int | None:
    """The signal that asked for a stop, or None."""
    if not STOP.is_set():
        return None
    return _signal[0] if _signal else signal.SIGINT


def check() -> None:
    """Raise `Stopped` if a stop was requested."""
    if STOP.is_set():
        raise Stopped(f"stopped: {signal_name(requested() or signal.SIGINT)} was received")


def reset() -> None:
    """Clear the switch (a new run in the same process, e.g. in tests)."""
    STOP.clear()
    _signal.clear()
