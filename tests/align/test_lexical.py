"""Evidence that needs no MT: numbers, dates and names that survive translation."""
from __future__ import annotations

from xlalign.align.lexical import anchor_z, anchors, shared, skeleton


def test_numbers_dates_and_transliterated_names_are_shared_across_scripts():
    bg = anchors("Ким разгледа изтребителите Су-35С в завода в Комсомолск на Амур в петък, 15 септември.")
    en = anchors("On Friday, September 15, Kim inspected Su-35S fighters at the Komsomolsk-on-Amur plant.")
    keys = shared(bg, en)
    assert {"#35", "#15", "@d5", "@m9"} <= keys  # Су-35С / Su-35S, the day and the month
    assert "n:" + skeleton("Комсомолск") in keys and "n:" + skeleton("Kim") in keys
    assert skeleton("Лавров") == skeleton("Lavrov") and skeleton("Москва") == skeleton("Moscow")
    assert shared(anchors("Кремъл съобщи в четвъртък."), anchors("The Kremlin said on Thursday.")) >= {"@d4"}
    assert anchors("1,000 души").exact == {"#1000"} and anchors("3,5 милиона").exact == {"#3.5"}


def test_a_rare_shared_name_counts_more_than_a_common_one():
    src = ["Лавров ще посети Пхенян през октомври.", "Путин говори дълго."]
    tgt = ["Putin spoke to reporters.", "Putin met Kim.", "Putin left Moscow.", "Lavrov will visit Pyongyang in October.",
           "The weather was cold."]
    z = anchor_z(src, tgt)
    # Lavrov + Pyongyang + October: one target sentence of five holds them (chance (1 + 1) / (5 + 1))
    assert z[0].argmax() == 3 and abs(z[0, 3] - 0.4307) < 1e-3
    assert z[1].max() == 0  # "Putin" is in three of five target sentences: no evidence
    assert (anchor_z(["Времето беше студено."], tgt) == 0).all()  # nothing that survives translation
