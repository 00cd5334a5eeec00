"""Vecalign's text format for alignments: `[0]:[0, 1]` per line, 0-based.

The field's common currency (Vecalign, Bertalign and the Text+Berg gold
files use it), so our output can be scored by their tools and theirs by ours.
A score is written as Vecalign writes it, a third `:` field (`[0]:[0]:0.7900`),
which Vecalign's own reader (`fields = line.split(':')`, then `literal_eval` of
the first two) accepts; reading also takes the tab-separated score that
xlalign wrote before 0.2.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?:[:\t]\s*(\S+))?\s*$")

Alignment = tuple[tuple[int, ...], tuple[int, ...]]


class FormatError(ValueError):
    """A line that is not `[i, ...]:[j, ...]`; the message names file and line."""


def _ints(field: str) -> tuple[int, ...]:
    return tuple(int(x) for x in field.replace(",", " ").split())


def parse_line(line: str) -> tuple[tuple[int, ...], tuple[int, ...], float | None]:
    m = _LINE.match(line)
    if not m:
        raise FormatError(f"not an alignment line: {line.strip()!r}")
    score = m.group(3)
    try:
        value = float(score) if score is not None else None
    except ValueError:
        raise FormatError(f"bad score in alignment line: {line.strip()!r}") from None
    return _ints(m.group(1)), _ints(m.group(2)), value


def parse(lines: Iterable[str], name: str = "<alignments>") -> list[Alignment]:
    """Alignments from lines; blank lines are skipped."""
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            src, tgt, _ = parse_line(line)
        except FormatError as exc:
            raise FormatError(f"{name}, line {no}: {exc}") from None
        out.append((src, tgt))
    return out


def read(path: str) -> list[Alignment]:
    with open(path, encoding="utf-8") as fh:
        return parse(fh, name=path)


def format_group(src: Sequence[int], tgt: Sequence[int], score: float | None = None) -> str:
    """One line, `[0, 1]:[0]` or, with a score, `[0, 1]:[0]:0.7900` (Vecalign's own layout)."""
    line = f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]"
    if score is not None:
        line += f":{score:.4f}"
    return line
