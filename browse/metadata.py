"""Datasette metadata: what turns the raw tables into something a researcher can browse.

Facets on the columns people slice by (language, method, mode, kind), the
best-scoring pairs first, the full-text tables wired to the tables they
index, descriptions of every view, and the cookbook as canned queries.
"""
from __future__ import annotations

from typing import Any

from xlalign.db.browse_queries import canned_queries

DESCRIPTIONS = {
    "parallel_sentences": "One row per aligned group with sentences on both sides (src_text, its machine "
                          "translation mt_text, tgt_text), its score (0-1, see the README's Scores), how it was made "
                          "(method, mode, models, signature) and where it comes from. pair_id opens the pair's page.",
    "alignment_groups": "Every group of every alignment in document order, unmatched sentences (1-0, 0-1) included.",
    "pair_summaries": "One row per document pair: titles, languages, how many groups matched, the mean score. "
                      "pair_id opens the pair's page with the text side by side and its similarity plot.",
    "unaligned_sentences": "Sentences of paired documents that matched nothing on the other side.",
    "document_versions": "Every stored version of every input file, with the URL, date and outlet the page stated.",
    "documents": "The articles as read: language, title, what the page stated about itself (url, published, "
                 "outlet; metadata_from says where each was read), raw and cleaned text.",
    "runs": "Every xlalign run: parameters, versions of the tools, summary counts.",
}
FACETS = {
    "parallel_sentences": ["src_lang", "tgt_lang", "method", "mode", "kind"],
    "alignment_groups": ["method", "mode", "kind"],
    "pair_summaries": ["mode", "method", "src_lang", "tgt_lang"],
    "unaligned_sentences": ["lang", "side", "method"],
    "document_versions": ["lang", "outlet", "is_latest"],
    "documents": ["lang", "outlet", "fmt"],
    "alignments": ["method", "mode", "kind"],
}
SORT_DESC = {"parallel_sentences": "score", "alignment_groups": "score", "pair_summaries": "mean_score"}
# Tables with a full-text index. Datasette finds the index itself (migration 0005 spells content="..."
# the way it looks for); raw mode lets a search use FTS5 syntax: трамва* for a prefix.
FTS = ("sentences", "translations")


def datasette_metadata(database: str, *, source_note: str) -> dict[str, Any]:
    """The metadata for one database (Datasette names it after the file: xlalign.sqlite -> xlalign)."""
    tables: dict[str, dict[str, Any]] = {}
    for name in sorted(set(DESCRIPTIONS) | set(FACETS) | set(FTS)):
        entry: dict[str, Any] = {}
        if name in DESCRIPTIONS:
            entry["description"] = DESCRIPTIONS[name]
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in SORT_DESC:
            entry["sort_desc"] = SORT_DESC[name]
        if name in FTS:
            entry["searchmode"] = "raw"
        tables[name] = entry
    return {
        "title": "xlalign: parallel text",
        "description_html": (
            "<p>Aligned sentences from xlalign, read-only. Start with <a href=\"/" + database + "/pair_summaries\">"
            "the document pairs</a> (each pair_id opens the text side by side), <a href=\"/" + database
            + "/parallel_sentences\">every aligned group</a> (facets by language, method, mode, kind), or a "
            "<a href=\"/" + database + "/search_pairs\">search</a>. The cookbook queries are listed on the "
            "<a href=\"/" + database + "\">database page</a>; <a href=\"/-/xlalign/plot/run.png\">the newest run's "
            "scores</a>.</p><p>" + source_note + "</p>"),
        "databases": {database: {"tables": tables, "queries": canned_queries()}},
        "plugins": {"xlalign": {"database": database}},
    }
