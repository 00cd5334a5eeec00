"""Bring your own MT: translations from a file become translation rows of their own model.

Matched on the source sentence's text (as stored, then with whitespace
collapsed), so one imported line serves every stored occurrence of that
sentence in any document. Each row names the model the user gave, the file
and its sha256 (`params`, `signature`), so an imported translation is told
apart from Argos output everywhere, and pairing and alignment use it as they
use Argos output: the document's MT is the model that translated most of it.
Importing the same file again adds nothing; lines that match no stored
sentence are reported, and nothing else is lost.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlalign.db import queries, store
from xlalign.signatures import format_signature
from xlalign.translate.imported import TranslationFile

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
IMPORT_VERSION = "1"


@dataclass(frozen=True)
class ImportOutcome:
    model: str
    pairs: int  # translations read from the file
    matched: int  # of those, how many have a stored source sentence
    sentences: int  # stored sentences they translate (a sentence may occur in several documents)
    added: int  # translation rows stored now
    kept: int  # sentences that already had a translation by this model (left as they were)
    unknown: tuple[str, ...]  # "where: source" of translations whose source sentence is not stored
    conflicts: tuple[str, ...] = ()  # "where: source" of a second, different translation of a source (first kept)
    partial: tuple[str, ...] = ()  # "document: n of m" where this model now translates only some sentences


def import_signature(file: TranslationFile, model: str) -> str:
    return format_signature([("model", model), ("import", file.fmt), ("sha", file.sha256[:8])], None,
                            IMPORT_VERSION)


def _variants(text: str) -> list[str]:
    """The text as given, then with runs of whitespace collapsed (a TSV may keep a double space)."""
    collapsed = " ".join(text.split())
    return [text] if collapsed == text else [text, collapsed]


def import_translations(engine: Engine, file: TranslationFile, *, model: str, target_lang: str,
                        lang: str | None = None, run_id: int | None = None) -> ImportOutcome:
    """Store the file's translations for the stored sentences they translate."""
    source_lang = lang or file.src_lang
    hashes = {pair.source: [store.text_sha256(v) for v in _variants(pair.source)] for pair in file.pairs}
    found = queries.sentences_by_text_sha(engine, [h for hs in hashes.values() for h in hs], source_lang)
    signature = import_signature(file, model)
    rows: dict[int, dict] = {}
    unknown: list[str] = []
    conflicts: list[str] = []
    first: dict[str, str] = {}
    matched = 0
    for pair in file.pairs:
        key = " ".join(pair.source.split())
        if first.setdefault(key, pair.translation) != pair.translation:
            conflicts.append(f"{pair.where}: {pair.source[:80]}")
            continue
        ids = next((found[h] for h in hashes[pair.source] if h in found), None)
        if ids is None:
            unknown.append(f"{pair.where}: {pair.source[:80]}")
            continue
        matched += 1
        for sid in ids:
            rows.setdefault(sid, dict(
                sentence_id=sid, model=model, target_lang=target_lang, text=pair.translation,
                source_sha256=hashes[pair.source][0], signature=signature, reused_from=None, run_id=run_id,
                params={"file": file.path, "sha256": file.sha256, "format": file.fmt, "where": pair.where,
                        "src_lang": source_lang, "tgt_lang": file.tgt_lang or target_lang}))
    kept = queries.translated_by(engine, model, rows)
    store.save_translations(engine, [row for sid, row in rows.items() if sid not in kept])
    for line in unknown[:5]:
        log.warning("%s: no stored sentence has this text (import after `xlalign run` has stored the "
                    "documents, and check --lang): %s", file.path, line)
    for line in conflicts[:5]:
        log.warning("%s: a second, different translation of the same sentence; the first one is kept: %s",
                    file.path, line)
    # pairing and alignment use a document's MT only when it covers every sentence: say where it does not
    partial = tuple(f"{source}: {done} of {total} sentences" for _, source, total, done
                    in queries.partial_translations(engine, model, rows))
    return ImportOutcome(model=model, pairs=len(file.pairs), matched=matched, sentences=len(rows),
                         added=len(rows) - len(kept), kept=len(kept), unknown=tuple(unknown),
                         conflicts=tuple(conflicts), partial=partial)
