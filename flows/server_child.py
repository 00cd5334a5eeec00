"""The temporary Prefect server's process: `python -m xlalign.flows.server_child PARENT_PID PORT`.

It serves Prefect's API with uvicorn, as Prefect's own temporary server does,
and dies with the process that started it, however that one ends:

- on Linux, `PR_SET_PDEATHSIG` has the kernel send it SIGTERM the moment its
  parent dies, `kill -9` included;
- everywhere, a thread polls the parent's pid twice a second and stops the
  server when it is gone (and exits hard if the server has not stopped 10 s later).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def main(argv: list[str]) -> int:
    parent, port = int(argv[0]), int(argv[1])
    _die_with_parent(parent)
    import uvicorn

    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
