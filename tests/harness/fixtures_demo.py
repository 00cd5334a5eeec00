"""The demo database (what `scripts/demo.sh` makes), a real `xlalign browse` server, headless Chromium.

- ``demo_db`` (session): `xlalign run examples/` in a subprocess from the repository root, as
  demo.sh runs it (so sources are `examples/...`), with no Argos package installed (as on a
  fresh machine: embeddings only). Returns the SQLite URL.
- ``browse_server(url)``: `xlalign browse` as a subprocess on a free loopback port, waited for
  over HTTP, stopped afterwards; yields the base URL and the process.
- ``chromium()``: the headless Chromium binary; skips (locally) or fails (with CI set) without it.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.shared_data import REPO

__all__ = ["demo_db", "browse_server", "chromium", "free_port", "CHROMIUM_FLAGS"]

XLALIGN = str(Path(sys.executable).with_name("xlalign"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'xlalign.sqlite'}"
    env = dict(os.environ, ARGOS_PACKAGES_DIR=str(folder / "no-argos-packages"), DO_NOT_TRACK="1",
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    done = subprocess.run([XLALIGN, "run", "examples/", "--db", url], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return url


@contextmanager
def browse_server(url: str, *extra: str, timeout: float = 90.0) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    proc = subprocess.Popen([XLALIGN, "browse", "--db", url, "--port", str(port), *extra], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise AssertionError(f"xlalign browse exited with {proc.returncode}: {proc.stdout.read()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"xlalign browse did not answer on {base} within {timeout:.0f} s")
            time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "headless Chromium is not installed (scripts/test.sh installs Debian's chromium when run as root)"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
