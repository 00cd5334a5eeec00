"""Progress reporting: a redrawn bar on a terminal, a few log lines elsewhere."""
from __future__ import annotations

import io
import logging

from xlalign.flows.progress import progress_reporter


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_one_redrawn_bar_with_rate_and_eta():
    stream = FakeTerminal()
    report = progress_reporter("translate bg→en", logging.getLogger("t"), stream=stream)
    for done in range(0, 101, 25):
        report(done, 100)
    out = stream.getvalue()
    assert out.count("\r") == 5 and out.endswith("\n")
    last = out.rsplit("\r", 1)[1]
    assert last.startswith("translate bg→en [##############################] 100/100") and "/s ETA 0s" in last


def test_non_terminal_logs_only_at_each_tenth(caplog):
    report = progress_reporter("translate", logging.getLogger("xlalign.test"), stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="xlalign.test"):
        for done in range(1001):
            report(done, 1000)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 11 and lines[-1].startswith("translate 1000/1000")
