"""Evaluation data for the aligner benchmarks, read from ../shared/data.

* Text+Berg dev (German-French) with its gold alignment and Google MT.
* Synthetic FLORES bg-en documents: consecutive dev sentences, with the
  English side edited (merge, split, drop, insert) so that the gold has
  2-1, 1-2, 1-0 and 0-1 groups; MT from any of the four MT files.
* Synthetic comparable documents: a few English translations of a
  Bulgarian document's sentences, shuffled among unrelated English
  sentences; the gold is the set of real pairs (for the miner).

Nothing is copied into the repository; everything is rebuilt from the
shared files with a fixed seed.
"""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("XLALIGN_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
TEXTBERG = DATA / "textberg-dev"
FLORES = DATA / "flores-bg-en-dev"
FLORES_MT = ("google", "microsoft", "bergamot-base-memory", "bergamot-tiny")


def read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh]


@dataclass
class Doc:
    name: str
    src: list[str]
    tgt: list[str]
    mt: list[str] | None
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]


def textberg() -> Doc:
    from xlalign.align import vecalign_format

    return Doc(
        "textberg-dev",
        read_lines(TEXTBERG / "dev.de"),
        read_lines(TEXTBERG / "dev.fr"),
        read_lines(TEXTBERG / "dev.google.fr"),
        vecalign_format.read(str(TEXTBERG / "dev.defr")),
    )


def _split_sentence(s: str) -> tuple[str, str] | None:
    """Split at the punctuation or space nearest the middle; None if too short."""
    words = s.split(" ")
    if len(words) < 8:
        return None
    mid = len(s) // 2
    cands = [m.end() for m in re.finditer(r"[,;:] ", s)] or [m.end() for m in re.finditer(r" ", s)]
    cut = min(cands, key=lambda c: abs(c - mid))
    left, right = s[:cut].rstrip(" ,;:") + ".", s[cut:].strip()
    if len(left) < 15 or len(right) < 15:
        return None
    return left, right[0].upper() + right[1:]


def flores_docs(mt_name: str = "google", seed: int = 13, p_merge: float = 0.07, p_split: float = 0.07,
                p_drop: float = 0.04, p_insert: float = 0.04) -> list[Doc]:
    """Documents of 20-60 consecutive FLORES sentences with an edited English side."""
    bg = read_lines(FLORES / "flores-dev.bg")
    en = read_lines(FLORES / "flores-dev.en")
    mt = read_lines(FLORES / f"flores-dev.{mt_name}.en")
    rng = random.Random(seed)
    docs: list[Doc] = []
    start = 0
    while start < len(bg):
        size = min(rng.randint(20, 60), len(bg) - start)
        if size < 5:
            break
        src = bg[start : start + size]
        ref = en[start : start + size]
        tgt: list[str] = []
        gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        k = 0
        while k < size:
            r = rng.random()
            if r < p_insert:
                other = rng.randrange(len(en))
                while start <= other < start + size:
                    other = rng.randrange(len(en))
                gold.append(((), (len(tgt),)))
                tgt.append(en[other])
                continue  # the source sentence k is still to be placed
            r = rng.random()
            if r < p_merge and k + 1 < size:
                gold.append(((k, k + 1), (len(tgt),)))
                tgt.append(ref[k] + " " + ref[k + 1])
                k += 2
            elif r < p_merge + p_split and _split_sentence(ref[k]):
                a, b = _split_sentence(ref[k])
                gold.append(((k,), (len(tgt), len(tgt) + 1)))
                tgt.extend([a, b])
                k += 1
            elif r < p_merge + p_split + p_drop:
                gold.append(((k,), ()))
                k += 1
            else:
                gold.append(((k,), (len(tgt),)))
                tgt.append(ref[k])
                k += 1
        docs.append(Doc(f"flores{start:03d}-{mt_name}", src, tgt, mt[start : start + size], gold))
        start += size
    return docs


def comparable_docs(mt_name: str = "google", seed: int = 7, n_docs: int = 12, first_line: int = 0,
                    filler_from: int | None = None) -> list[Doc]:
    """Bulgarian documents against English ones that translate only some of their sentences.

    Each English document holds translations of 20-40% of the Bulgarian
    sentences plus as many sentences from elsewhere in FLORES, shuffled; a
    third of the documents also have one English sentence that is two
    Bulgarian-source translations' worth (a 1-2 group split far apart).
    Only FLORES lines from `first_line` on are used (so that a benchmark can
    keep these documents disjoint from `flores_docs` ones). With
    `filler_from`, documents are consecutive disjoint blocks and the unrelated
    English comes only from lines >= filler_from, so no two documents share
    any content.
    """
    bg = read_lines(FLORES / "flores-dev.bg")
    en = read_lines(FLORES / "flores-dev.en")
    mt = read_lines(FLORES / f"flores-dev.{mt_name}.en")
    rng = random.Random(seed)
    docs: list[Doc] = []
    cursor = first_line
    for d in range(n_docs):
        size = rng.randint(20, 40)
        if filler_from is not None:
            start, cursor = cursor, cursor + size
            if cursor > filler_from:
                raise ValueError("not enough FLORES lines for disjoint comparable documents")
        else:
            start = rng.randrange(first_line, len(bg) - size)
        src = bg[start : start + size]
        chosen = sorted(rng.sample(range(size), max(3, int(size * rng.uniform(0.2, 0.4)))))
        items: list[tuple[str, int | None, int]] = []  # (text, source index, part)
        for k in chosen:
            items.append((en[start + k], k, 0))
        split_src = None
        if d % 3 == 0:
            for k in chosen:
                parts = _split_sentence(en[start + k])
                if parts:
                    items = [it for it in items if it[1] != k] + [(parts[0], k, 1), (parts[1], k, 2)]
                    split_src = k
                    break
        if filler_from is not None:
            far = list(range(filler_from, len(en)))
        else:
            far = [i for i in range(first_line, len(en)) if not (start - 60 <= i < start + size + 60)]
        for i in rng.sample(far, len(chosen)):
            items.append((en[i], None, 0))
        rng.shuffle(items)
        if split_src is not None:  # keep the two halves apart (not adjacent)
            pos = [p for p, it in enumerate(items) if it[1] == split_src]
            if abs(pos[0] - pos[1]) == 1 and len(items) > 3:
                moved = items.pop(pos[1])
                items.insert((pos[0] + len(items) // 2) % len(items), moved)
        tgt = [t for t, _, _ in items]
        by_src: dict[int, list[int]] = {}
        for j, (_, k, _) in enumerate(items):
            if k is not None:
                by_src.setdefault(k, []).append(j)
        gold = [((k,), tuple(sorted(js))) for k, js in sorted(by_src.items())]
        docs.append(Doc(f"comparable{d:02d}-{mt_name}", src, tgt, mt[start : start + size], gold))
    return docs


BIBLE = DATA / "bible-en-zh"


def bible(name: str = "001") -> Doc:
    """The Bible pair `name` (001: 5,000 English sentences): English source, Chinese target, MT of the English."""
    from xlalign.align import vecalign_format

    return Doc(
        f"bible-{name}",
        read_lines(BIBLE / f"{name}.en"),
        read_lines(BIBLE / f"{name}.zh"),
        read_lines(BIBLE / f"{name}.en-mt.zh"),
        vecalign_format.read(str(BIBLE / f"{name}.gold")),
    )


def bible_peers(name: str = "001") -> dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """The published tools' own alignments of the Bible pair `name`, by tool."""
    from xlalign.align import vecalign_format

    return {p.name.split(".", 1)[1]: vecalign_format.read(str(p)) for p in sorted((BIBLE / "peer-output").glob(f"{name}.*"))}
