"""Offline language identification of documents and of their paragraphs.

py3langid (a maintained fork of langid.py, model bundled, no download) gives
calibrated probabilities over 97 languages. A document's language is decided on
all its prose at once; a paragraph is declared foreign only on strong evidence
(another script, or a confident call against the document's language), because
short English lines are easily mistaken for something else while a stray
Russian caption in an English page is exactly what must be kept out.
"""
from __future__ import annotations

import threading
import unicodedata

FOREIGN_MIN_CONFIDENCE = 0.90
FOREIGN_MAX_DOC_LANG_PROB = 0.05
FOREIGN_MIN_CHARS = 20


_LOAD_LOCK = threading.Lock()
_IDENTIFIER = None


def _identifier():
    """The model, loaded once per process: decompressing it takes ~1 s, and flow
    tasks run in threads, so the first load is serialised rather than repeated."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _LOAD_LOCK:
            if _IDENTIFIER is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the most likely language of `text`."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)


def language_probability(text: str, lang: str) -> float:
    return next((float(p) for code, p in _identifier().rank(text) if code == lang), 0.0)


def dominant_script(text: str) -> str | None:
    """The Unicode script name (first word of the letter names) most letters of `text` use."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            try:
                script = unicodedata.name(ch).split()[0]
            except ValueError:
                continue
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda script: counts[script]) if counts else None


def is_foreign_paragraph(text: str, doc_lang: str, doc_script: str | None) -> tuple[bool, str, float]:
    """Whether a paragraph is in another language than its document, with its own (lang, prob)."""
    lang, prob = detect_language(text)
    if lang == doc_lang:
        return False, lang, prob
    script = dominant_script(text)
    if script and doc_script and script != doc_script:
        return True, lang, prob
    confident = (len(text) >= FOREIGN_MIN_CHARS and prob >= FOREIGN_MIN_CONFIDENCE
                 and language_probability(text, doc_lang) <= FOREIGN_MAX_DOC_LANG_PROB)
    return confident, lang, prob
