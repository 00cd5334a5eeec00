"""read -> clean -> identify -> segment for one file: everything before translation.

Pure functions of the file's bytes, so the result can be computed in any worker
and stored idempotently by the document's sha256.
"""
from __future__ import annotations

from pathlib import Path

from xlalign.errors import ArticleError
from xlalign.ingest.cleaning import clean_article
from xlalign.ingest.langid import detect_language, dominant_script, is_foreign_paragraph
from xlalign.ingest.metadata import extract_metadata
from xlalign.ingest.reading import read_article
from xlalign.ingest.segment import split_sentences
from xlalign.records import Paragraph, RawArticle, SegmentedDocument, Sentence

MIN_PROSE_CHARS = 40


def prepare_file(path: str | Path) -> SegmentedDocument:
    """Read, clean, identify and segment one article file; ArticleError if it can't be."""
    return prepare_article(read_article(path))


def prepare_article(article: RawArticle) -> SegmentedDocument:
    cleaned = clean_article(article.text, article.fmt)
    prose = "\n".join(cleaned.paragraphs)
    if len(prose.strip()) < MIN_PROSE_CHARS:
        raise ArticleError(article.source, "no article text left after removing markup and boilerplate "
                                           f"({len(cleaned.lines)} lines, none of them prose)")
    doc_lang, doc_conf = detect_language(prose)
    doc_script = dominant_script(prose)
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for position, line in enumerate(cleaned.lines):
        foreign, lang, conf = is_foreign_paragraph(line.text, doc_lang, doc_script)
        keep = line.removed_by is None and not foreign
        status = "kept" if keep else (line.removed_by or "" if line.removed_by not in (None, "heading-or-label")
                                      or not foreign else f"other-language:{lang}")
        paragraphs.append(Paragraph(position=position, text=line.text, lang=lang, lang_confidence=conf,
                                    in_document_lang=not foreign, status=status))
        if keep:
            for start, end in split_sentences(line.text, doc_lang):
                sentences.append(Sentence(position=len(sentences), paragraph=position,
                                          text=line.text[start:end], char_start=start, char_end=end))
    warnings = list(article.warnings)
    kept_out = [p for p in paragraphs if p.status.startswith("other-language")]
    if kept_out:
        warnings.append(f"{article.source}: {len(kept_out)} paragraph(s) in another language than "
                        f"the document ({doc_lang}) kept out of its sentences")
    return SegmentedDocument(article=article, title=cleaned.title, lang=doc_lang, lang_confidence=doc_conf,
                             clean_text="\n\n".join(cleaned.paragraphs), paragraphs=tuple(paragraphs),
                             sentences=tuple(sentences), warnings=tuple(warnings), meta=extract_metadata(article))
