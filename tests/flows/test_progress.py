"""Progress reporting: a redrawn bar on a terminal, a few log lines elsewhere."""
from __future__ import annotations

import io
import logging

from xlalign.flows.progress import progress_reporter


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_a_rich_bar_with_count_and_rate():
    stream = FakeTerminal()
    report = progress_reporter("translate bg→en", logging.getLogger("t"), stream=stream)
    for done in range(0, 101, 25):
        report(done, 100)
    out = stream.getvalue()
    assert "translate bg→en" in out and "100/100" in out and "/s" in out
    assert "\x1b[" in out, "a terminal gets a redrawn (Rich) display, not log lines"


def test_several_stages_and_threads_share_one_display():
    import threading

    stream = FakeTerminal()
    files = progress_reporter("read files", logging.getLogger("t"), stream=stream)
    pairs = progress_reporter("align pairs", logging.getLogger("t"), stream=stream)
    done = [0]
    lock = threading.Lock()

    def work() -> None:
        for _ in range(50):
            with lock:
                done[0] += 1
                n = done[0]
            files(n, 200)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pairs(3, 3)
    out = stream.getvalue()
    assert "read files" in out and "200/200" in out and "align pairs" in out and "3/3" in out


def test_non_terminal_logs_only_at_each_tenth(caplog):
    report = progress_reporter("translate", logging.getLogger("xlalign.test"), stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="xlalign.test"):
        for done in range(1001):
            report(done, 1000)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 11 and lines[-1].startswith("translate 1000/1000")
