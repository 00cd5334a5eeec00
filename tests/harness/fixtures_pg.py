"""PostgreSQL (and SQLite) database fixtures; the logic lives in `pg_cluster.py`.

- ``pg_server`` (session): a throwaway cluster (:class:`pg_cluster.PgCluster`),
  stopped and deleted at the end of the session, even on failure.
- ``pg_url`` (session): ``postgresql+psycopg://postgres@127.0.0.1:PORT/xlalign_test``.
  Shared by every test that asks for it: rows persist between tests.
- ``pg_db_url`` (function): URL of a fresh, empty database of its own, dropped
  (WITH FORCE) after the test.
- ``db_url`` (function, params ``sqlite`` / ``postgresql``): a fresh empty
  database URL on each backend, so one test body runs against both. The
  PostgreSQL cluster is only started when a ``postgresql`` case runs
  (``-k "not postgresql"`` skips them all).

Without PostgreSQL binaries the PostgreSQL cases are skipped with the reason,
except when ``$CI`` is set: then they fail, since CI must exercise them.
"""
from __future__ import annotations

import os

import pytest

from harness.pg_cluster import PgCluster, PgUnavailable, start_cluster

__all__ = ["pg_server", "pg_url", "pg_db_url", "db_url"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server():
    try:
        cluster = start_cluster()
    except PgUnavailable as exc:
        if _in_ci():
            pytest.fail(f"CI is set and PostgreSQL is unavailable: {exc}", pytrace=False)
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PgCluster) -> str:
    return pg_server.url


@pytest.fixture
def pg_db_url(pg_server: PgCluster):
    url = pg_server.create_database()
    try:
        yield url
    finally:
        pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'x.sqlite'}"
    else:
        yield request.getfixturevalue("pg_db_url")
