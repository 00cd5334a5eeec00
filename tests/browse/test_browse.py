"""`xlalign browse`: a real Datasette server over HTTP on the demo database, the pair page in real Chromium."""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from xlalign.db.browse_queries import canned_queries
from xlalign.db.engine import get_engine
from xlalign.db.snapshot import snapshot_to_sqlite

from harness.fixtures_demo import CHROMIUM_FLAGS, browse_server, chromium
from harness.samples import populate

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def get_json(url: str):
    status, _, body = get(url)
    assert status == 200, (url, body[:500])
    return json.loads(body)


@pytest.fixture(scope="module")
def demo_server(demo_db):
    with browse_server(demo_db) as (base, proc):
        yield base, proc, Path(demo_db.removeprefix("sqlite:///"))


def test_listens_on_loopback_only(demo_server):
    base, _, _ = demo_server
    port = int(base.rsplit(":", 1)[1])
    tcp = Path("/proc/net/tcp")
    if not tcp.exists():
        pytest.skip("no /proc/net/tcp on this system to read the listening address from")
    listening = [line.split()[1] for line in tcp.read_text().splitlines()[1:] if line.split()[3] == "0A"]
    assert f"0100007F:{port:04X}" in listening  # 127.0.0.1, not 0.0.0.0


def test_views_have_facets_and_sort_by_score(demo_server):
    base, _, _ = demo_server
    data = get_json(base + "/xlalign/parallel_sentences.json?_shape=objects")
    assert data["rows"] and [r["score"] for r in data["rows"]] == sorted((r["score"] for r in data["rows"]), reverse=True)
    assert {"src_lang", "tgt_lang", "method", "mode", "kind"} <= set(data["facet_results"])
    assert [v["value"] for v in data["facet_results"]["method"]["results"]] == ["embed"]
    pairs = get_json(base + "/xlalign/pair_summaries.json?_shape=objects")["rows"]
    assert [(p["src_source"], p["tgt_source"], p["unmatched_groups"]) for p in pairs] == [
        ("examples/tram-report.bg.md", "examples/tram-report.en.txt", 1)]
    status, _, html = get(base + "/xlalign/pair_summaries")
    assert status == 200 and b'href="/-/xlalign/pair/1"' in html  # pair_id links to the pair page


def test_full_text_search_is_wired(demo_server):
    base, _, _ = demo_server
    found = get_json(base + "/xlalign/sentences.json?_shape=objects&_search=" + urllib.parse.quote("трамва*"))
    assert found["rows"] and all("трамва" in r["text"].lower() for r in found["rows"])
    hits = get_json(base + "/xlalign/search_pairs.json?_shape=objects&q=" + urllib.parse.quote("Plovdiv"))
    assert hits["rows"] and all("Plovdiv" in r["tgt_text"] or "Пловдив" in r["src_text"] for r in hits["rows"])


def test_every_cookbook_query_is_a_canned_query_with_rows(demo_server):
    base, _, _ = demo_server
    for name in canned_queries():
        if name.startswith("cookbook_"):
            assert get_json(f"{base}/xlalign/{name}.json?_shape=objects")["rows"], name


def test_read_only(demo_server):
    base, _, path = demo_server
    before = path.read_bytes()
    status, _, body = get(base + "/xlalign.json?sql=" + urllib.parse.quote("DELETE FROM runs"))
    assert status == 400 and b"Statement must be a SELECT" in body
    request = urllib.request.Request(base + "/xlalign/runs/-/insert", data=b'{"row": {"status": "x"}}',
                                     headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=30)
    assert get_json(base + "/xlalign/runs.json?_shape=objects")["rows"][0]["status"] == "completed"
    assert path.read_bytes() == before


def test_pair_page_and_plots_over_http(demo_server):
    base, _, _ = demo_server
    status, kind, html = get(base + "/-/xlalign/pair/1")
    page = html.decode()
    assert status == 200 and kind.startswith("text/html")
    assert "Град Пловдив откри" in page and "The city of Plovdiv opened" in page
    assert "no counterpart in the source" in page and "A brass band" in page
    assert page.count('class="aligned"') == 11 and page.count('class="unmatched"') == 1
    for plot in ("/-/xlalign/plot/pair/1.png", "/-/xlalign/plot/run/1.png", "/-/xlalign/plot/run.png"):
        status, kind, png = get(base + plot)
        assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG") and len(png) > 10_000, plot
        assert plot in page or plot.endswith("run.png")
    assert get(base + "/-/xlalign/pair/99")[0] == 404
    status, _, body = get(base + "/-/xlalign/plot/pair/99.png")
    assert status == 404 and b"there is no document pair 99" in body


def test_pair_page_in_headless_chromium(demo_server, tmp_path):
    browser = chromium()
    base, _, _ = demo_server
    url = base + "/-/xlalign/pair/1"
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1800",
              "--virtual-time-budget=20000"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    assert '<table class="xl-pair" id="pair-groups">' in dom
    assert dom.count("<tr class=\"aligned\"") == 11 and "Първите трамваи излязоха от депото" in dom
    shot = tmp_path / "pair-page.png"
    subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000


def test_snapshot_copies_any_database_into_sqlite(db_url, tmp_path):
    engine = get_engine(db_url)
    populate(engine)
    counts = snapshot_to_sqlite(engine, tmp_path / "snap.sqlite")
    assert counts["documents"] == 2 and counts["alignments"] == 3 and counts["translations"] == 3
    copy = get_engine(f"sqlite:///{tmp_path / 'snap.sqlite'}")
    with engine.connect() as a, copy.connect() as b:
        q = "SELECT src_text, mt_text, tgt_text, score FROM parallel_sentences ORDER BY alignment_id"
        assert [tuple(r) for r in a.exec_driver_sql(q)] == [tuple(r) for r in b.exec_driver_sql(q)]
        assert b.exec_driver_sql("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'Пловдив'").scalar() == 1


def test_browse_on_postgresql_serves_a_snapshot_and_says_so(pg_db_url, tmp_path):
    populate(get_engine(pg_db_url))
    snap = tmp_path / "pg.sqlite"
    with browse_server(pg_db_url, "--snapshot", str(snap)) as (base, _):
        status, _, html = get(base + "/-/xlalign/pair/1")
        assert status == 200 and "Град Пловдив" in html.decode()
        home = get(base + "/")[2].decode()
        assert "Snapshot of postgresql+psycopg://" in home and str(snap) in home
    assert snap.exists()


def test_a_missing_database_file_is_a_sentence_not_an_empty_server(tmp_path, capsys):
    from xlalign.cli.main import main

    url = f"sqlite:///{tmp_path / 'nothing.sqlite'}"
    assert main(["browse", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "there is no database at" in err and "xlalign run PATH" in err
    assert not (tmp_path / "nothing.sqlite").exists()
