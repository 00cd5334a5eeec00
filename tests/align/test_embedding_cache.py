"""The embedding file cache that keeps scheduled runs from re-embedding the whole database."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from xlalign.align import embeddings

REPO = Path(__file__).resolve().parents[2]
EMBED_TWICE = """
import json, sys
from xlalign.align import embeddings
print(embeddings.use_default_disk_cache())
embeddings.embed(["Трамваят тръгна в понеделник.", "The tram started on Monday."])
print(json.dumps(embeddings.stats))
"""


def _run(env_path: str) -> tuple[str, dict]:
    out = subprocess.run([sys.executable, "-c", EMBED_TWICE], cwd=REPO, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(Path(env_path).parent),
                              "XLALIGN_EMBED_CACHE": env_path})
    path, stats = out.stdout.strip().splitlines()[-2:]
    return path, json.loads(stats)


def test_a_second_process_reads_the_first_ones_embeddings(tmp_path):
    cache = str(tmp_path / "emb.sqlite")
    path, first = _run(cache)
    assert path == cache and first["computed"] == 2 and first["disk_hits"] == 0
    _, second = _run(cache)
    assert second["computed"] == 0 and second["disk_hits"] == 2


def test_default_path_and_off(monkeypatch, tmp_path):
    monkeypatch.delenv(embeddings.ENV_CACHE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert embeddings.default_cache_path() == str(tmp_path / "xlalign" / f"embeddings-{embeddings.MODEL_NAME}.sqlite")
    monkeypatch.setenv(embeddings.ENV_CACHE, "off")
    assert embeddings.default_cache_path() is None
    monkeypatch.setenv(embeddings.ENV_CACHE, str(tmp_path / "mine.sqlite"))
    assert embeddings.default_cache_path() == str(tmp_path / "mine.sqlite")


def test_an_unusable_cache_is_reported_and_skipped(monkeypatch, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(embeddings, "_disk", None)  # this process may already use the session's cache
    monkeypatch.setenv(embeddings.ENV_CACHE, str(blocker / "emb.sqlite"))
    with caplog.at_level(logging.WARNING, logger="xlalign.align"):
        assert embeddings.use_default_disk_cache() is None
    assert "cannot be used" in caplog.text and embeddings.ENV_CACHE in caplog.text
    assert embeddings._disk is None
