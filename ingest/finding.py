"""Which files a run reads: the paths given, and the article files under the folders given.

A folder is walked without ever leaving it or blocking on it:

- only regular files are read; a FIFO, socket or device is reported as
  skipped (opening a FIFO would wait forever for a writer);
- a symbolic link to a file inside the folder is read (once, under the first
  name found); a link that points outside the folder, a broken link and a
  link loop are reported as skipped, never followed;
- a link to a folder inside the folder adds nothing (its files are read
  under their own path), a link to one of its own parents is a loop;
- a folder that cannot be listed is reported as skipped, the rest is read.

Entries whose name starts with "." and regular files of other types (.pdf,
.jpg) are left alone without a message: they are counted in `ignored`. A
path named on the command line is taken whatever its suffix (a wrong suffix
then fails with a message, rather than being ignored) and may be a link to
anywhere: the user chose it. A path that does not exist is reported as
skipped, and the others are still read.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Skipped:
    """An input that is not read, and why (a sentence naming the problem)."""

    path: str  # as found on disk; may hold surrogate escapes (see `display_name`)
    reason: str

    @property
    def source(self) -> str:
        return display_name(self.path)


@dataclass
class FoundFiles:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ignored: int = 0  # regular files of other types, and dot-files


def display_name(path: str | os.PathLike[str]) -> str:
    """`path` as text that any database stores: unchanged when it is valid UTF-8.

    A name that is not valid UTF-8 (zip extracts from old Windows, cp866
    archives) reaches Python with surrogate escapes, which no database
    accepts. It is written with each undecodable byte as `\\xNN` and each
    backslash doubled, so the original bytes can be recovered from it.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


def file_kind(mode: int) -> str:
    """"a FIFO", "a socket", ... for a stat mode that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def not_regular_reason(mode: int) -> str:
    return f"is {file_kind(mode)}, not a regular file; xlalign reads only regular files"


def _stat_problem(path: str, exc: OSError) -> str:
    """Why stat failed, as a reason sentence."""
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop"
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"is a broken symbolic link (to {os.readlink(path)}, which does not exist)"
        return "no such file or folder"
    return f"cannot be read: {exc.strerror or exc}"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: Path, found: FoundFiles) -> list[Path]:
    """The article files under `root`, sorted; skips go to `found.skipped`."""
    root_real = os.path.realpath(root)
    files: list[Path] = []
    pending = [os.fspath(root)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append(Skipped(folder, f"folder cannot be read: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                found.ignored += 1
                continue
            try:
                if entry.is_symlink():
                    _link(entry, folder, root_real, files, found)
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                found.skipped.append(Skipped(entry.path, _stat_problem(entry.path, exc)))
                continue
            if stat.S_ISDIR(mode):
                pending.append(entry.path)
            elif stat.S_ISREG(mode):
                if Path(entry.name).suffix.lower() in FORMATS:
                    files.append(Path(entry.path))
                else:
                    found.ignored += 1
            else:
                found.skipped.append(Skipped(entry.path, not_regular_reason(mode)))
    return sorted(files)


def _link(entry: os.DirEntry, folder: str, root_real: str, files: list[Path], found: FoundFiles) -> None:
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as exc:
        found.skipped.append(Skipped(entry.path, _stat_problem(entry.path, exc)))
        return
    target = os.path.realpath(entry.path)
    if not _inside(target, root_real):
        found.skipped.append(Skipped(entry.path, f"is a symbolic link to {display_name(target)}, outside the "
                                                 "input folder; name it on the command line to read it"))
        return
    if stat.S_ISDIR(mode):
        if _inside(os.path.realpath(folder), target):
            found.skipped.append(Skipped(entry.path, f"is a symbolic link loop (to its own parent folder "
                                                     f"{display_name(target)})"))
        return  # a folder inside the input folder: its files are read under their own names
    if stat.S_ISREG(mode):
        if Path(entry.name).suffix.lower() in FORMATS:
            files.append(Path(entry.path))
        else:
            found.ignored += 1
    else:
        found.skipped.append(Skipped(entry.path, not_regular_reason(mode)))


def find_articles(paths: Sequence[str | os.PathLike[str]]) -> FoundFiles:
    """Expand files and folders into the article files to read, plus every skipped input."""
    found = FoundFiles()
    candidates: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            found.skipped.append(Skipped(os.fspath(path), _stat_problem(os.fspath(path), exc)))
            continue
        if stat.S_ISDIR(mode):
            candidates.extend(_walk(path, found))
        elif stat.S_ISREG(mode):
            candidates.append(path)
        else:
            found.skipped.append(Skipped(os.fspath(path), not_regular_reason(mode)))
    found.files = _unique(candidates)
    return found


def _unique(paths: Iterable[Path]) -> list[Path]:
    unique: dict[str, Path] = {}
    for p in paths:
        unique.setdefault(os.path.realpath(p), p)  # the first spelling of a file reached twice
    return list(unique.values())


def article_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files `find_articles` would read (skips dropped): for callers that only need those."""
    return find_articles(paths).files
