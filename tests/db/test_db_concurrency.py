"""Two real processes ingesting the same folder at once, from an empty database, on both backends.

They also race to migrate the empty database (advisory lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite). The end state must equal one sequential run: no
duplicate rows, no lost document, no error in either process.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from xlalign.db import queries
from xlalign.db.engine import get_engine
from xlalign.db.schema import documents, input_files, paragraphs, sentences
from xlalign.ingest.prepare import prepare_file

REPO = Path(__file__).resolve().parents[2]
WORKER = """
import sys, time
from pathlib import Path
from xlalign.db import store
from xlalign.db.engine import get_engine
from xlalign.stages.ingest import ingest_file

url, folder, order, start_at = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
files = sorted(folder.iterdir(), reverse=(order == "reverse"))
time.sleep(max(0.0, start_at - time.time()))  # both processes start together
engine = get_engine(url)
run_id = store.start_run(engine, parameters={"worker": order}, versions={})
for _ in range(2):
    for f in files:
        out = ingest_file(engine, f, run_id=run_id)
        if out.error:
            sys.exit(f"lost {f}: {out.error}")
print("ok")
"""

EN_TOPICS = ["tram line", "river bridge", "city library", "football stadium", "solar farm"]
BG_TOPICS = ["трамвайна линия", "мост над реката", "градска библиотека", "футболен стадион", "слънчев парк"]


def _articles(folder: Path) -> int:
    folder.mkdir()
    for i, (en, bg) in enumerate(zip(EN_TOPICS, BG_TOPICS)):
        (folder / f"story{i}.en.txt").write_text(
            f"The city of Plovdiv opened a new {en} on Monday after {i + 2} years of work. "
            f"The mayor said the {en} had cost {10 + i} million euros.\n\n"
            f"Residents welcomed the {en}, although some complained about the noise during construction.\n",
            encoding="utf-8")
        (folder / f"story{i}.bg.txt").write_text(
            f"Град Пловдив откри нов обект – {bg} – в понеделник след {i + 2} години работа. "
            f"Кметът каза, че обектът е струвал {10 + i} милиона евро.\n\n"
            f"Жителите приветстваха новия обект, макар че някои се оплакаха от шума по време на строежа.\n",
            encoding="utf-8")
    return 2 * len(EN_TOPICS)


def _run_two(db_url: str, folder: Path) -> None:
    import time

    start_at = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(folder), order, str(start_at)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for order in ("forward", "reverse")]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "ok", f"worker failed ({p.returncode}):\n{out}\n{err[-3000:]}"


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        c = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
             for t in (documents, paragraphs, sentences, input_files)}
        c["distinct_sha256"] = conn.execute(select(func.count(documents.c.sha256.distinct()))).scalar_one()
        c["failed"] = conn.execute(select(func.count()).select_from(input_files)
                                   .where(input_files.c.status != "processed")).scalar_one()
        c["fts_rows"] = conn.execute(text(
            "SELECT count(*) FROM sentences_fts" if conn.dialect.name == "sqlite" else
            "SELECT count(*) FROM sentences WHERE tsv @@ to_tsquery('simple', 'plovdiv | пловдив')"
        )).scalar_one()
    return c


def test_two_processes_ingesting_the_same_folder_end_with_one_copy(db_url, tmp_path):
    folder = tmp_path / "articles"
    n = _articles(folder)
    _run_two(db_url, folder)
    engine = get_engine(db_url)
    counts = _counts(engine)
    assert counts["documents"] == counts["distinct_sha256"] == counts["input_files"] == n
    assert counts["failed"] == 0
    assert counts["sentences"] == sum(len(prepare_file(f).sentences) for f in folder.iterdir())
    with engine.connect() as conn:
        dupes = conn.execute(text("SELECT count(*) FROM (SELECT document_id, position FROM sentences "
                                  "GROUP BY document_id, position HAVING count(*) > 1) d")).scalar_one()
    assert dupes == 0

    # the same folder again, and one changed file: only the change adds rows, as a new version
    before = counts
    changed = folder / "story0.en.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe line will open at night too.\n", encoding="utf-8")
    _run_two(db_url, folder)
    after = _counts(engine)
    assert after["documents"] == before["documents"] + 1 and after["input_files"] == before["input_files"] + 1
    assert after["failed"] == 0
    versions = queries.document_versions(engine, str(changed))
    assert [(v["version"], v["supersedes_id"]) for v in versions] == [(1, None), (2, versions[0]["id"])]
    with engine.connect() as conn:  # the old version keeps all its sentences
        old_sentences = conn.execute(select(func.count()).select_from(sentences)
                                     .where(sentences.c.document_id == versions[0]["id"])).scalar_one()
    assert old_sentences > 0
