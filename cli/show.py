"""`xlalign show DOC`: a document next to its English original or translation, in the terminal (Rich).

The counterpart is the other document of its best-scoring pair (or `--pair`),
shown group by group with the score; sentences without a counterpart stand
alone, so what was not aligned is as visible as what was.
"""
from __future__ import annotations

from typing import IO, Any

from xlalign.errors import UserError


def render_document(engine: Any, doc: str, *, pair_id: int | None, out: IO[str], width: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from xlalign.align.confidence import RECOMMENDED_MIN_SCORE
    from xlalign.db.inspect import document_pairs_of, find_document, pair_alignment

    document = find_document(engine, doc)
    pairs = document_pairs_of(engine, document["id"])
    console = Console(file=out, width=width or (None if out.isatty() else 160), highlight=False,
                      soft_wrap=False)
    heading = Text(f"{document['title'] or document['source']}", style="bold")
    heading.append(f"  ({document['lang']}, document {document['id']}, {document['source']} v{document['version']})",
                   style="dim")
    console.print(heading)
    stated = ", ".join(str(v) for v in (document["outlet"], document["published"], document["url"]) if v)
    if stated:
        console.print(Text(stated, style="dim"))
    if not pairs:
        raise UserError(f"document {document['id']} ({document['source']}) has no counterpart: it was not paired with "
                        "any document (same story, other language) in this database")
    if pair_id is not None:
        chosen = next((p for p in pairs if p["pair_id"] == pair_id), None)
        if chosen is None:
            raise UserError(f"document {document['id']} is not in pair {pair_id}; its pairs are "
                            + ", ".join(str(p["pair_id"]) for p in pairs))
    else:
        chosen = pairs[0]
    pair = pair_alignment(engine, chosen["pair_id"])
    is_source = chosen["src_document_id"] == document["id"]
    other = (pair.tgt_title or pair.tgt_source, pair.tgt_lang) if is_source else (pair.src_title or pair.src_source,
                                                                                 pair.src_lang)
    console.print(Text(f"next to: {other[0]} ({other[1]}), pair {pair.pair_id}, {pair.mode}, method {pair.method}"
                       + (f"; other pairs: {', '.join(str(p['pair_id']) for p in pairs if p is not chosen)}"
                          if len(pairs) > 1 else ""), style="dim"))
    threshold = RECOMMENDED_MIN_SCORE.get(pair.method, 0.5)
    table = Table(show_lines=True, expand=True, caption=f"score in green at or above {threshold:g}, the recommended "
                  f"--min-score of method {pair.method} (README: Scores)", caption_style="dim")
    table.add_column("#", style="dim", no_wrap=True)
    table.add_column(f"{pair.src_lang} (source)", ratio=1)
    table.add_column(f"{pair.tgt_lang} (target)", ratio=1)
    table.add_column("score", justify="right", no_wrap=True)
    for src_idx, tgt_idx, score in pair.groups:
        left = Text(" ".join(pair.src[i] for i in src_idx)) if src_idx else Text("— no counterpart —", style="yellow")
        if src_idx and pair.mt is not None:
            left.append("\nMT: " + " ".join(pair.mt[i] for i in src_idx), style="italic dim")
        right = Text(" ".join(pair.tgt[i] for i in tgt_idx)) if tgt_idx else Text("— no counterpart —", style="yellow")
        numbers = f"{','.join(str(i + 1) for i in src_idx) or '–'}:{','.join(str(i + 1) for i in tgt_idx) or '–'}"
        shown = "–" if not (src_idx and tgt_idx) or score is None else f"{score:.2f}"
        style = "" if shown == "–" else ("green" if score is not None and score >= threshold else "red")
        table.add_row(numbers, left, right, Text(shown, style=style))
    console.print(table)
