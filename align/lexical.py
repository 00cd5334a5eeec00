"""Evidence that needs no MT: tokens that survive translation (numbers, dates, names).

A translation or a rewrite keeps the rare tokens of its source: numbers
("Су-35С" / "Su-35S", "23-годишната" / "23-year"), months and weekdays
("октомври" / "October", "петък" / "Friday"), and names, which Bulgarian
writes in Cyrillic and English in Latin letters ("Лавров" / "Lavrov",
"Владивосток" / "Vladivostok"). Embeddings of a small multilingual model
see these only weakly, and without MT nothing else compares them, so this
module turns them into one more similarity signal for pairing and mining.

Names are compared by a phonetic skeleton of their Latin spelling (first
letter, then consonants, with the usual transliteration variants merged:
kh = h, c = k, w = v, j = y ...), so "Москва" and "Moscow" both become
"mskv"; a skeleton of three consonants or more also matches as a prefix
("Япония" / "Japanese", "Кремъл" / "Kremlin"), a shorter one only exactly.

How much a shared token says depends on how common it is: "Putin" in an
article about Putin says little, "Lavrov" in one sentence of it a lot. A
sentence pair's lexical score is therefore the chance that a random target
sentence of the same document holds all the shared tokens, turned into
standard normal units (`anchor_z`): the same units as the other signals,
calibrated per document pair, 0 when nothing rare is shared.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g",
}
# months and weekdays: Bulgarian and Russian stems (any inflection), English names
_MONTHS = [
    ("януар", "январ", "january"), ("февруар", "феврал", "february"), ("март", "март", "march"),
    ("април", "апрел", "april"), ("май", "ма[йя]", "may"), ("юни", "июн", "june"), ("юли", "июл", "july"),
    ("август", "август", "august"), ("септемвр", "сентябр", "september"), ("октомвр", "октябр", "october"),
    ("ноемвр", "ноябр", "november"), ("декемвр", "декабр", "december"),
]
_DAYS = [
    ("понеделник", "понедельник", "monday"), ("вторник", "вторник", "tuesday"), ("сряда", "сред[аеуы]", "wednesday"),
    ("четвъртък", "четверг", "thursday"), ("петък", "пятниц", "friday"), ("събота", "суббот", "saturday"),
    ("неделя", "воскресень", "sunday"),
]
_CALENDAR: list[tuple[re.Pattern, str]] = []
for _k, (_bg, _ru, _en) in enumerate(_MONTHS, 1):
    _CALENDAR.append((re.compile(rf"^(?:{_bg}|{_ru})\w*$" if _k != 5 else r"^(?:май|мая|маю)$"), f"@m{_k}"))
    _CALENDAR.append((re.compile(rf"^{_en}$"), f"@m{_k}"))
for _k, (_bg, _ru, _en) in enumerate(_DAYS, 1):
    _CALENDAR.append((re.compile(rf"^(?:{_bg}|{_ru})\w*$"), f"@d{_k}"))
    _CALENDAR.append((re.compile(rf"^{_en}s?$"), f"@d{_k}"))

_WORD = re.compile(r"[^\W\d_](?:[^\W_]|[-'’](?=[^\W_]))*|\d+(?:[.,]\d+)*", re.UNICODE)
_VOWELS = set("aeiouy")
# transliteration variants merged before consonants are kept (order matters)
_DIGRAPHS = (("shch", "s"), ("sht", "st"), ("tch", "c"), ("kh", "h"), ("zh", "j"), ("sh", "s"), ("ch", "c"),
             ("ts", "c"), ("tz", "c"), ("ph", "f"), ("ck", "k"), ("x", "ks"), ("q", "k"), ("w", "v"),
             ("j", "y"))
_NORMAL = NormalDist()


def transliterate(word: str) -> str:
    """Latin spelling of a Cyrillic word (Bulgarian/Russian streamlined system); Latin passes through."""
    return "".join(_CYR.get(ch, ch) for ch in word.lower())


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Phonetic key of a name: first letter, then consonants, variants merged, doubles collapsed."""
    w = unicodedata.normalize("NFKD", transliterate(word))
    w = "".join(ch for ch in w if "a" <= ch <= "z")
    if not w:
        return ""
    # "c" before e/i sounds like s (Greece), elsewhere like k (Moscow); "ch" is kept apart first
    for a, b in _DIGRAPHS:
        w = w.replace(a, b.upper() if b == "c" else b)
    w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k").replace("C", "c")
    w = re.sub(r"(.)\1+", r"\1", w)  # doubled letters (Sullivan, ТАСС)
    return w[0] + "".join(ch for ch in w[1:] if ch not in _VOWELS)


def _number_key(tok: str) -> str:
    # 1,000 / 1.000 (thousands) -> 1000; 3,5 (decimal comma) -> 3.5
    tok = re.sub(r"(?<=\d)[.,](?=\d{3}(?!\d))", "", tok)
    return "#" + (tok.replace(",", ".").lstrip("0") or "0")


@dataclass(frozen=True)
class Anchors:
    """Tokens of one sentence that can survive translation."""

    exact: frozenset[str]  # numbers (#35), dates (@m10, @d5), Latin acronyms and codes
    names: frozenset[str]  # phonetic skeletons of capitalised words


@lru_cache(maxsize=262144)
def anchors(sentence: str) -> Anchors:
    """The anchors of one sentence (any language; Cyrillic is transliterated)."""
    exact: set[str] = set()
    names: set[str] = set()
    for m in _WORD.finditer(sentence):
        tok = m.group(0)
        if tok[0].isdigit():
            exact.add(_number_key(tok))
            continue
        low = tok.lower()
        for part in re.findall(r"\d+", tok):  # Су-35С, Covid-19, SJ-100
            exact.add(_number_key(part))
        letters = re.sub(r"[\d\-'’]", "", low)
        hit = next((key for pat, key in _CALENDAR if pat.match(letters)), None)
        if hit:
            exact.add(hit)
            continue
        if not tok[0].isupper():
            continue
        if tok.isupper() and len(letters) >= 2 and letters.isascii():  # CNN, ICBM, TASS: also as spelled
            exact.add("$" + letters)
        sk = skeleton(letters)
        if len(sk) >= 2:
            names.add(sk)
    return Anchors(frozenset(exact), frozenset(names))


def _name_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 3 and long_.startswith(short)


def shared(a: Anchors, b: Anchors) -> set[str]:
    """Keys of `a` that `b` shares (names matched by skeleton)."""
    out = set(a.exact & b.exact)
    for n in a.names:
        if any(_name_match(n, m) for m in b.names):
            out.add("n:" + n)
    # a Latin acronym kept in the source (CNN) also matches its spelling as a name
    for e in a.exact:
        if e.startswith("$") and any(_name_match(skeleton(e[1:]), m) for m in b.names):
            out.add("n:" + skeleton(e[1:]))
    return out


def anchor_z(src: Sequence[str], tgt: Sequence[str]) -> np.ndarray:
    """(n, m) lexical evidence in standard normal units (0 where nothing is shared).

    For a cell, p is the chance that a random sentence of this target
    document shares the same tokens with the source sentence: (target
    sentences that hold all of them + 1) / (m + 1). Counting the sentences
    that hold them *all* (not multiplying per-token shares) is what keeps
    names that travel together ("Putin", "Moscow", "Russia") from adding up
    as if they were independent coincidences. The score is the normal
    quantile of 1 - p, floored at 0: tokens held by one of 29 target
    sentences give 1.5, tokens that half the sentences hold give 0.
    (Multiplying per-token shares instead made "Putin + Moscow + Russia +
    Ukraine" four coincidences: seeds without MT P 0.56 at R 0.75.)
    """
    sa = [anchors(s) for s in src]
    ta = [anchors(t) for t in tgt]
    n, m = len(sa), len(ta)
    out = np.zeros((n, m))
    if not n or not m:
        return out
    for i in range(n):
        keys = [shared(sa[i], b) for b in ta]
        if not any(keys):
            continue
        for j in range(m):
            if not keys[j]:
                continue
            df = sum(1 for kk in keys if keys[j] <= kk)
            p = (df + 1) / (m + 1)
            if p < 0.5:
                out[i, j] = _NORMAL.inv_cdf(1.0 - p)
    return out
