"""Progress for long stages: a bar on a terminal, a few log lines elsewhere (CI, workers)."""
from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO


def progress_reporter(label: str, logger: logging.Logger | logging.LoggerAdapter[logging.Logger], *,
                      stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A callback(done, total) that draws `label [####    ] 40/100 12.3/s ETA 5s`.

    On a terminal it redraws one line; otherwise it logs at each tenth, so CI
    logs and Prefect run logs show movement without thousands of lines.
    """
    stream = stream or sys.stderr
    interactive = hasattr(stream, "isatty") and stream.isatty()
    started = time.monotonic()
    last_decile = [-1]

    def report(done: int, total: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else float("inf")
        line = f"{label} {done}/{total} {rate:.1f}/s ETA {eta:.0f}s" if total else f"{label} 0/0"
        if interactive:
            width = 30
            filled = int(width * done / total) if total else width
            stream.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {line[len(label) + 1:]}")
            if done >= total:
                stream.write("\n")
            stream.flush()
        else:
            decile = int(10 * done / total) if total else 10
            if decile != last_decile[0]:
                last_decile[0] = decile
                logger.info("%s", line)

    return report
