"""Sentence segmentation: abbreviations, initials and quotations do not split sentences."""
from __future__ import annotations

import pytest

from xlalign.ingest.segment import split_sentences


def sentences(text: str, lang: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang)]


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "Mr. Smith went to Washington. He met the U.S. President. Then he left.",
     ["Mr. Smith went to Washington.", "He met the U.S. President.", "Then he left."]),
    ("bg", "Проф. Иванов и д-р Петров пристигнаха в 10 ч. Срещата започна веднага.",
     ["Проф. Иванов и д-р Петров пристигнаха в 10 ч.", "Срещата започна веднага."]),
    ("bg", "Живее на ул. „Цар Борис“ 5, т.е. в центъра. В. Путин пристигна.",
     ["Живее на ул. „Цар Борис“ 5, т.е. в центъра.", "В. Путин пристигна."]),
    ("bg", "„Не можем да пренебрегнем това. Това е важен фактор“, каза Юсов. Той замина.",
     ["„Не можем да пренебрегнем това. Това е важен фактор“, каза Юсов.", "Той замина."]),
    ("ru", "Г-н Иванов сказал, что т.е. всё хорошо. «Это важно. Очень важно», — сказал он. Путин прибыл.",
     ["Г-н Иванов сказал, что т.е. всё хорошо.", "«Это важно. Очень важно», — сказал он.", "Путин прибыл."]),
    ("en", "They met this Wednesday. during a meeting they talked. Both said \"yes.\" Then they left.",
     ["They met this Wednesday. during a meeting they talked.", "Both said \"yes.\"", "Then they left."]),
])
def test_split_sentences(lang, text, expected):
    assert sentences(text, lang) == expected


def test_spans_point_into_the_paragraph():
    text = "  First one.  Second one!   "
    spans = split_sentences(text, "en")
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!"]
