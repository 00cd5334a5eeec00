"""The database fixtures themselves: throwaway PostgreSQL cluster, per-test databases, db_url."""
from __future__ import annotations

import socket
from pathlib import Path

import sqlalchemy as sa

from harness.pg_cluster import start_cluster, throwaway_cluster

metadata = sa.MetaData()
items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
)


def _roundtrip(url: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(items.insert(), [{"id": 1, "text": "Grüße"}, {"id": 2, "text": "日本語"}])
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.select(items.c.id, items.c.text).order_by(items.c.id))]
    finally:
        engine.dispose()


def _table_names(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 may reap late)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_pg_url_roundtrip(pg_url):
    assert pg_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert pg_url.endswith("/xlalign_test")
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS smoke (id int PRIMARY KEY, t text)"))
            conn.execute(sa.text("DELETE FROM smoke"))
            conn.execute(sa.text("INSERT INTO smoke VALUES (1, 'a'), (2, 'b')"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT t FROM smoke ORDER BY id")).scalars().all() == ["a", "b"]
            assert conn.execute(sa.text("SHOW fsync")).scalar() == "off"
            assert conn.execute(sa.text("SELECT current_setting('server_encoding')")).scalar() == "UTF8"
            assert conn.execute(sa.text("SHOW listen_addresses")).scalar() == "127.0.0.1"
    finally:
        engine.dispose()


def test_pg_server_is_not_the_system_cluster(pg_server):
    assert pg_server.port != 5432
    assert pg_server.datadir.is_dir()


def test_pg_db_url_is_fresh_and_isolated(pg_server, pg_db_url):
    assert pg_db_url != pg_server.url
    assert _table_names(pg_db_url) == []
    assert _roundtrip(pg_db_url) == [(1, "Grüße"), (2, "日本語")]

    other = pg_server.create_database()
    try:
        assert other != pg_db_url
        assert _table_names(other) == []  # rows and tables of pg_db_url are not visible
        assert _roundtrip(other) == [(1, "Grüße"), (2, "日本語")]
    finally:
        pg_server.drop_database(other)


def test_drop_database_forces_out_open_connections(pg_server):
    url = pg_server.create_database()
    name = url.rsplit("/", 1)[-1]
    engine = sa.create_engine(url)
    conn = engine.connect()  # left open on purpose: DROP ... WITH (FORCE) must still succeed
    try:
        conn.execute(sa.text("SELECT 1"))
        pg_server.drop_database(url)
        with pg_server.admin_connect() as admin:
            n = admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()[0]
        assert n == 0
    finally:
        conn.invalidate()
        engine.dispose()


def test_db_url_works_on_both_backends(request, db_url):
    backend = request.node.callspec.params["db_url"]
    engine = sa.create_engine(db_url)
    try:
        assert engine.dialect.name == backend
    finally:
        engine.dispose()
    assert _table_names(db_url) == []
    assert _roundtrip(db_url) == [(1, "Grüße"), (2, "日本語")]


def test_start_and_stop_leave_nothing_behind(pg_server):  # pg_server: skip/fail policy when absent
    cluster = start_cluster("bench")
    try:
        assert _roundtrip(cluster.url) == [(1, "Grüße"), (2, "日本語")]
        assert _port_open(cluster.port)
        pid = int((cluster.datadir / "postmaster.pid").read_text().split()[0])
    finally:
        cluster.stop()
    assert not cluster.root.exists()
    assert not _port_open(cluster.port)
    assert not _alive(pid)


def test_throwaway_cluster_context_manager(pg_server):
    with throwaway_cluster() as url:
        assert url.endswith("/xlalign_test")
        assert url != pg_server.url
        assert _roundtrip(url) == [(1, "Grüße"), (2, "日本語")]
