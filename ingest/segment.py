"""Sentence segmentation with rules that know abbreviations and quotations.

A rule segmenter rather than a statistical one: news prose is regular, the
rules are auditable, and the same rules run on every language so that the two
sides of a translation are cut the same way (which is what alignment needs).

A boundary is terminal punctuation, optional closing quotes or brackets,
whitespace, then something that can start a sentence (an upper-case letter, a
digit, an opening quote or a dash). It is vetoed when the word before the dot
is an abbreviation of the language or an initial ("В. Путин", "J. Smith"), or
when it falls inside a quotation that closes later in the same paragraph, so a
quoted statement of several sentences stays one unit with its attribution.
"""
from __future__ import annotations

import re

ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset("""mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres
        inc ltd co corp bros vs no nos jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e approx dept
        est fig u.s u.k u.n a.m p.m ph.d messrs mme""".split()),
    "bg": frozenset("""т.е т.н т.нар напр вкл проф д-р доц акад ген полк подп ген.-л ул бул пл гр с св инж
        арх чл ал сп англ рус лат пр вж вж.также стр млн млрд хил ок изд р-н обл кв бл ет ап тел
        г-н г-жа г-ца вх мин зам""".split()),
    "ru": frozenset("""т.е т.к т.н т.п напр проф д-р акад ген полк ул пр просп пл г-н г-жа ст стр см
        млн млрд тыс руб коп обл р-н кв д корп тел рис табл гл доц инж изд""".split()),
}
BOUNDARY = re.compile(r"[.!?…]+[\"'”»)\]’“]*(?=\s+[\"'“„«(\[–—-]?[\w\d])")
OPENERS = "„«“\""
CLOSERS = {"„": "“”", "«": "»", "“": "”", "\"": "\""}
WORD_BEFORE = re.compile(r"([\w.\-]+)\.$")


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences of one paragraph."""
    abbreviations = ABBREVIATIONS.get(lang, frozenset()) | ABBREVIATIONS["en"]
    quote_ends = _quote_spans(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in BOUNDARY.finditer(text):
        end = match.end()
        nxt = _next_non_space(text, end)
        if nxt is None or not _can_start_sentence(text, nxt):
            continue
        if _ends_with_abbreviation(text[start:match.start() + 1], abbreviations):
            continue
        if any(open_at < match.start() and close_at > match.end() - 1 for open_at, close_at in quote_ends):
            continue
        spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _can_start_sentence(text: str, i: int) -> bool:
    ch = text[i]
    if ch in "\"'“„«([–—-":
        rest = text[i + 1:i + 2]
        return not rest or not rest.islower()
    return ch.isupper() or ch.isdigit()


def _ends_with_abbreviation(chunk: str, abbreviations: frozenset[str]) -> bool:
    chunk = chunk.rstrip()
    if not chunk.endswith("."):
        return False
    match = WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1).lower()
    if len(word) == 1 and word.isalpha() and match.group(1).isupper():
        return True  # an initial
    return word in abbreviations or word.rstrip(".") in abbreviations


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) positions of balanced quotations in the paragraph."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if stack and ch in CLOSERS[stack[-1][0]] and not (ch == "\"" and _looks_opening(text, i)):
            spans.append((stack.pop()[1], i))
        elif ch in OPENERS and (ch != "\"" or _looks_opening(text, i) or not stack):
            stack.append((ch, i))
    return spans


def _looks_opening(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-") and not after.isspace()


def _next_non_space(text: str, i: int) -> int | None:
    while i < len(text) and text[i].isspace():
        i += 1
    return i if i < len(text) else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
