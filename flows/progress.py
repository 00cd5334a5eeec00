"""Progress for long stages: Rich bars on a terminal, a line per tenth elsewhere (CI, workers).

`progress_reporter(label, logger)` returns a callback(done, total). On a
terminal all stages of a run share one Rich `Progress` (bar, count, rate,
time left), each stage a line of it; elsewhere the callback logs at each
tenth, so CI logs and Prefect run logs show movement without thousands of
lines. Callbacks may be called from several worker threads at once.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

_lock = threading.Lock()
_shared: dict[int, Progress] = {}  # one live display per output stream


def _display(stream: TextIO) -> Progress:
    key = id(stream)
    if key not in _shared:
        console = Console(file=stream, force_terminal=True)
        _shared[key] = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=console,
                                transient=False, refresh_per_second=4)
        _shared[key].start()
    return _shared[key]


def _release(stream: TextIO) -> None:
    display = _shared.get(id(stream))
    if display is not None and all(task.finished for task in display.tasks):
        display.stop()
        del _shared[id(stream)]


def progress_reporter(label: str, logger: logging.Logger | logging.LoggerAdapter[logging.Logger], *,
                      stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A thread-safe callback(done, total) showing `label`'s progress (see the module docstring)."""
    stream = stream or sys.stderr
    interactive = hasattr(stream, "isatty") and stream.isatty()
    started = time.monotonic()
    state: dict[str, int | None] = {"decile": -1, "task": None}

    def report(done: int, total: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = done / elapsed
        with _lock:
            if interactive:
                display = _display(stream)
                if state["task"] is None:
                    state["task"] = display.add_task(label, total=total or 1, rate="")
                display.update(state["task"], completed=done if total else 1, total=total or 1,  # type: ignore[arg-type]
                               rate=f"{rate:.1f}/s")
                if done >= total:
                    display.refresh()
                    _release(stream)
                return
            decile = int(10 * done / total) if total else 10
            if decile != state["decile"]:
                state["decile"] = decile
                eta = f"{(total - done) / rate:.0f}s" if rate > 0 else "?"
                line = f"{label} {done}/{total} {rate:.1f}/s ETA {eta}" if total else f"{label} 0/0"
                logger.info("%s", line)

    return report
