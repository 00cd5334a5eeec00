"""Reading a child process's stderr while it runs (tests and benchmarks/fault_probe.py).

One reader thread per child owns its stderr to the end: a second reader, or
none, would race for lines or leave the child blocked on a full pipe.
"""
from __future__ import annotations

import subprocess
import threading


class Lines(list):
    """The child's stderr lines so far; `finish()` waits for the last one and returns them all."""

    thread: threading.Thread

    def finish(self, timeout_s: float = 120) -> str:
        self.thread.join(timeout_s)
        return "".join(self)

    def holds(self, words: str) -> bool:
        return any(words in line for line in self)


def wait_for(proc: subprocess.Popen, words: str, timeout_s: float = 300) -> Lines:
    """Read stderr until a line holds `words` (or it ends, or `timeout_s` passes); the rest in the background."""
    seen = Lines()
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if words in line:
                found.set()
        found.set()

    seen.thread = threading.Thread(target=read, daemon=True)
    seen.thread.start()
    found.wait(timeout_s)
    return seen
