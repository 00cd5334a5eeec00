"""Prefect fixtures; the server harness lives in `prefect_server.py`.

- ``prefect_harness`` (session): `prefect_test_harness`, an in-process
  temporary Prefect API with its own SQLite database (~10 s, once), for the
  tests that run the real flows in-process.
- ``prefect_server`` (module): a real `prefect server start` subprocess on a
  free port with a fresh `PREFECT_HOME`, stopped by PID at the end.
"""
from __future__ import annotations

import pytest

from harness.prefect_server import PrefectServer

__all__ = ["prefect_harness", "prefect_server"]


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    server = PrefectServer.start(tmp_path_factory.mktemp("prefect-home"))
    try:
        yield server
    finally:
        server.stop()
