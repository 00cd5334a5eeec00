"""Texts and stored examples that tests in several folders share.

One module instead of imports between test files, so a test file can be read,
moved or deleted on its own.
"""
from __future__ import annotations

from xlalign.db import queries, store
from xlalign.ingest.prepare import prepare_article
from xlalign.ingest.reading import decode_article
from xlalign.records import Group as G

# --- English news sentences, unrelated to each other (the aligner tests' material) ---

SENTENCES = [
    "The city council approved the new budget on Tuesday evening after a long debate.",
    "Farmers in the north are worried about the long drought that has lasted all summer.",
    "A small museum reopened after two years of careful restoration work on its roof.",
    "The national team lost its final match in a penalty shoot-out against Portugal.",
    "Scientists found traces of water in samples brought back from the far side of the moon.",
    "The railway company announced higher ticket prices for commuters from next January.",
    "Heavy snow closed several mountain passes over the weekend and stranded dozens of drivers.",
    "The author's second novel sold more copies in its first month than her first one did in a year.",
    "Doctors at the regional hospital have started a trial of a new treatment for asthma.",
    "The old harbour will be turned into a park with cafes, playgrounds and a small beach.",
]
UNRELATED = "Volcanic ash from the eruption grounded flights across the region for three days."


def groups(result) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(g.src, g.tgt) for g in result.groups]


# --- the first six of them in Bulgarian (professional-style translation) ---

NEWS_BG = [
    "Градският съвет одобри новия бюджет във вторник вечерта след дълъг дебат.",
    "Фермерите в северната част на страната са притеснени от дългата суша това лято.",
    "Малък музей отвори отново врати след две години внимателна реставрация на покрива.",
    "Националният отбор загуби финала след изпълнение на дузпи срещу Португалия.",
    "Учените откриха следи от вода в проби, донесени от обратната страна на Луната.",
    "Железопътната компания обяви по-високи цени на билетите от следващия януари.",
]
NEWS_EN = SENTENCES[:6]



# --- a two-sentence bg/en brief and two unrelated English sentences ---

BRIEF_BG = ["Пристанищната администрация съобщи, че шест контейнеровоза са закъснели заради бурята.",
            "Екипите работиха през цялата нощ, за да разчистят доковете, а първият кораб отплава във вторник "
            "сутринта."]
BRIEF_EN = ["The port authority said that six container ships were delayed by the storm.",
            "Crews worked through the whole night to clear the docks, and the first ship sailed on Tuesday morning."]
UNRELATED_EN = ["Volcanic ash from the eruption grounded flights across the region for three days.",
                "The national team lost its final match in a penalty shoot-out against Portugal."]



# --- a stored bg/en story under the names the README cookbook queries use ---

BG_SOURCE, EN_SOURCE = "examples/tram-report.bg.md", "examples/tram-report.en.txt"  # the demo's names
MODEL = "argos:translate-bg_en@1.9"
STORY_BG = ("Град Пловдив откри нова трамвайна линия в понеделник. Линията е дълга 7,2 километра.\n\n"
      "Кметът каза, че проектът е струвал 48 милиона евро.\n")
STORY_EN = ("The city of Plovdiv opened a new tram line on Monday. The line is 7.2 kilometres long.\n\n"
      "The mayor said the project cost 48 million euros.\n")
STORY_MT = ["The city of Plovdiv opened a new tram line on Monday.", "The line is 7.2 km long.",
      "The mayor said it cost 48M."]


def doc(body: str, source: str):
    return prepare_article(decode_article(body.encode(), source=source, fmt="txt"))


def populate(engine, *, bg: str = STORY_BG, mt: list[str] = STORY_MT, signature: str = "align:test") -> dict:
    """Store the story, translations and one alignment (a 1-1 at 0.8, a 1-1 at 0.6, an unmatched 0-1)."""
    bg_id, _ = store.save_document(engine, doc(bg, BG_SOURCE), run_id=None)
    en_id, _ = store.save_document(engine, doc(STORY_EN, EN_SOURCE), run_id=None)
    with engine.connect() as conn:
        bg_rows = queries.document_sentences(conn, bg_id)
        en_rows = queries.document_sentences(conn, en_id)
    store.save_translations(engine, [dict(sentence_id=sid, model=MODEL, target_lang="en", text=t,
                                          source_sha256=store.text_sha256(s), signature=f"{MODEL}|beam:4",
                                          params={"beam": 4}, reused_from=None, run_id=None)
                                     for (sid, s), t in zip(bg_rows, mt)])
    pair_id = store.save_pair(engine, src_document_id=bg_id, tgt_document_id=en_id, score=0.9, mode="parallel",
                              method="test", params={}, run_id=None)
    groups = [G((0,), (0,), 0.8), G((1, 2), (1,), 0.6), G((), (2,), None)]
    store.save_alignment(engine, pair_id=pair_id, groups=groups, src_ids=[r[0] for r in bg_rows],
                         tgt_ids=[r[0] for r in en_rows], method="hybrid", mode="parallel", signature=signature,
                         params={}, mt_model=MODEL, embedding_model="e5-small-q4", run_id=None)
    return {"bg_id": bg_id, "en_id": en_id, "pair_id": pair_id}

