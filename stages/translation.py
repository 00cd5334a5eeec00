"""The translate stage: every sentence not in the target language gets an English row.

Work is gathered across all documents of a language at once, so the engine can
sort and batch sentences of many documents together, and a sentence whose text
the same model already translated (in any document, in any run) is copied from
the database instead of being translated again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlalign import cancel
from xlalign.db import queries, store
from xlalign.translate.engine import model_signature, translate_sentences
from xlalign.translate.packages import find_model

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslateOutcome:
    lang: str
    model: str | None  # None: no package installed for this language pair
    translated: int = 0  # sentences run through the model now
    reused: int = 0  # sentences whose text this model had already translated
    message: str | None = None


def model_key(signature: str) -> str:
    """The model part of a translation signature: what the translation cache is keyed on."""
    return signature.split("|", 1)[0]


def languages_to_translate(engine: Engine, target_lang: str, document_ids: Iterable[int] | None = None) -> list[str]:
    """The languages of these documents that need translating into `target_lang`."""
    return queries.languages_other_than(engine, target_lang, document_ids)


def translate_language(engine: Engine, *, lang: str, target_lang: str, run_id: int | None,
                       document_ids: Iterable[int] | None = None,
                       progress: Callable[[int, int], None] | None = None) -> TranslateOutcome:
    """Translate the pending `lang` sentences with the installed Argos package, if there is one."""
    model = find_model(lang, target_lang)
    if model is None:
        message = (f"No Argos Translate package for {lang}→{target_lang} is installed: {lang} documents are "
                   f"stored untranslated and aligned with multilingual embeddings only. Install one with "
                   f"`xlalign models install {lang} {target_lang}` (or `--file PKG.argosmodel` offline).")
        log.warning(message)
        return TranslateOutcome(lang=lang, model=None, message=message)
    signature, params = model_signature(model)
    key = model_key(signature)
    pending = queries.untranslated_sentences(engine, lang=lang, model=key, document_ids=document_ids)
    cached = queries.cached_translations(engine, model=key, hashes=[sha for _, _, sha in pending])
    reuse = [(sid, sha) for sid, _, sha in pending if sha in cached]
    todo = [(sid, text, sha) for sid, text, sha in pending if sha not in cached]
    base = dict(model=key, target_lang=target_lang, signature=signature, params=params, run_id=run_id)
    store.save_translations(engine, [dict(base, sentence_id=sid, text=cached[sha][1], source_sha256=sha,
                                          reused_from=cached[sha][0]) for sid, sha in reuse])
    if todo:
        unique_texts = list(dict.fromkeys(text for _, text, _ in todo))
        log.info("translating %d %s sentences (%d unique) with %s", len(todo), lang, len(unique_texts), key)
        def report(done: int, total: int) -> None:
            cancel.check()  # between batches: a stop ends the stage, what is stored stays
            if progress is not None:
                progress(done, total)

        outputs = dict(zip(unique_texts, translate_sentences(unique_texts, model, progress=report)))
        store.save_translations(engine, [dict(base, sentence_id=sid, text=outputs[text], source_sha256=sha,
                                              reused_from=None) for sid, text, sha in todo])
    return TranslateOutcome(lang=lang, model=key, translated=len(todo), reused=len(reuse))

