"""Inbox semantics for the scheduled deployment: each file once, never half-written.

- A file is new while its (path, sha256) is not in `input_files`. Processed
  files and files that failed for a reason of their own (undecodable, empty,
  no prose) are recorded there with their error and are not tried again; a
  changed file has a new sha256 and so is processed again, as a new version.
  A file whose task gave up on a transient error (database down) is not
  recorded, so the next run tries it again: nothing is lost.
- A file may still be being copied in. It waits for a later run when it was
  modified less than `settle_seconds` ago, or when its size or mtime changes
  while it is being hashed (a writer that preserves mtimes, `cp -p`, `rsync`).
- An entry that cannot be read at all (a FIFO, a broken link, a link out of
  the inbox, an unreadable folder) is `skipped`: recorded once with its
  reason (as source + empty sha256), then counted as seen.
- Nothing is moved or deleted: the inbox is the user's folder.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xlalign.db.queries import recorded_inputs
from xlalign.ingest.finding import Skipped, display_name, find_articles

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_SETTLE_S = 30.0


@dataclass(frozen=True)
class InboxScan:
    """What one look at the inbox found; `ready` is what a run should process."""

    ready: list[str] = field(default_factory=list)
    settling: list[str] = field(default_factory=list)  # still being written: next run
    seen: list[str] = field(default_factory=list)  # same path and content already recorded
    skipped: list[Skipped] = field(default_factory=list)  # cannot be read, not recorded yet


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _stable_sha256(path: Path, settle_seconds: float, now: float) -> str | None:
    """sha256 of the file's bytes, or None if the file looks like it is still being written."""
    try:
        before = path.stat()
        if now - before.st_mtime < settle_seconds:
            return None
        digest = hashlib.sha256()
        if not stat.S_ISREG(before.st_mode):
            return None
        with open(path, "rb", opener=_nonblocking) as f:  # a file swapped for a FIFO is not waited on
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        after = path.stat()
    except OSError:  # vanished or unreadable right now: look again next run
        return None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        return None
    return digest.hexdigest()


def scan_inbox(engine: Engine, inbox: str | Path, *, settle_seconds: float = DEFAULT_SETTLE_S,
               now: float | None = None) -> InboxScan:
    """Sort the article files under `inbox` into ready, settling and already seen."""
    folder = Path(inbox)
    if not folder.is_dir():
        raise FileNotFoundError(f"inbox folder {inbox} does not exist; create it or fix the deployment's "
                                "`inbox` parameter")
    now = time.time() if now is None else now
    recorded = recorded_inputs(engine)
    scan = InboxScan()
    found = find_articles([folder])
    for path in found.files:
        sha = _stable_sha256(path, settle_seconds, now)
        if sha is None:
            scan.settling.append(str(path))
        elif (display_name(path), sha) in recorded:
            scan.seen.append(str(path))
        else:
            scan.ready.append(str(path))
    for skipped in found.skipped:
        if (skipped.source, "") in recorded:
            scan.seen.append(skipped.path)
        else:
            scan.skipped.append(skipped)
    return scan


def files_to_process(engine: Engine, inbox: str | Path, *, settle_seconds: float = DEFAULT_SETTLE_S,
                     now: float | None = None) -> list[str]:
    """The inbox files a run should process now (see the module docstring for the rules)."""
    return scan_inbox(engine, inbox, settle_seconds=settle_seconds, now=now).ready


def split_batches(files: list[str], n: int) -> list[list[str]]:
    """Deal `files` round-robin into at most `n` non-empty batches (one deployment run each)."""
    n = max(1, min(n, len(files)))
    return [files[i::n] for i in range(n)] if files else []


__all__ = ["InboxScan", "scan_inbox", "files_to_process", "split_batches", "DEFAULT_SETTLE_S"]
