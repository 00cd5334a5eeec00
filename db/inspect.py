"""Reads for looking at results: one document pair's alignment, a run's scores, a document and its counterpart.

`xlalign plot`, `xlalign show` and the pages of `xlalign browse` draw from
these, so what a picture shows and what a query returns are the same rows.
An alignment is the newest one made for the pair (`pair_alignments`), unless
a signature is asked for.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, text

from xlalign.errors import UserError


@dataclass(frozen=True)
class PairAlignment:
    """A document pair's sentences and the groups of one of its alignments, in order."""

    pair_id: int
    src_title: str
    tgt_title: str
    src_lang: str
    tgt_lang: str
    src_source: str
    tgt_source: str
    mode: str
    method: str
    signature: str
    src: list[str]
    tgt: list[str]
    mt: list[str] | None
    groups: list[tuple[tuple[int, ...], tuple[int, ...], float | None]]


_PAIR = """SELECT p.id, p.mode, sd.id AS src_id, td.id AS tgt_id, sd.title AS src_title, td.title AS tgt_title,
                  sd.lang AS src_lang, td.lang AS tgt_lang, sd.source AS src_source, td.source AS tgt_source
           FROM document_pairs p JOIN documents sd ON sd.id = p.src_document_id
           JOIN documents td ON td.id = p.tgt_document_id WHERE p.id = :p"""
_NEWEST = "SELECT signature, method FROM pair_alignments WHERE pair_id = :p ORDER BY id DESC LIMIT 1"
_GROUPS = """SELECT src_positions, tgt_positions, score, mt_model FROM alignments
             WHERE pair_id = :p AND signature = :s ORDER BY position"""
_SENTENCES = "SELECT id, text FROM sentences WHERE document_id = :d ORDER BY position"
_MT = """SELECT s.position, t.text FROM translations t JOIN sentences s ON s.id = t.sentence_id
         WHERE s.document_id = :d AND t.model = :m"""


def pair_alignment(engine: Engine, pair_id: int, signature: str | None = None) -> PairAlignment:
    """The pair's sentences and groups; UserError when there is no such pair or it was never aligned."""
    with engine.connect() as conn:
        pair = conn.execute(text(_PAIR), {"p": pair_id}).mappings().first()
        if pair is None:
            raise UserError(f"there is no document pair {pair_id}; `xlalign show DOC` or the pair_summaries view "
                            "lists the pairs")
        newest = conn.execute(text(_NEWEST), {"p": pair_id}).first()
        if newest is None:
            raise UserError(f"document pair {pair_id} has not been aligned yet; run `xlalign run` on its files")
        signature = signature or newest.signature
        rows = conn.execute(text(_GROUPS), {"p": pair_id, "s": signature}).all()
        src = [r.text for r in conn.execute(text(_SENTENCES), {"d": pair["src_id"]})]
        tgt = [r.text for r in conn.execute(text(_SENTENCES), {"d": pair["tgt_id"]})]
        mt_model = next((r.mt_model for r in rows if r.mt_model), None)
        mt = None
        if mt_model:
            by_pos: dict[int, str] = {r.position: r.text for r in conn.execute(text(_MT), {"d": pair["src_id"], "m": mt_model})}
            mt = [by_pos.get(k, "") for k in range(len(src))]
    groups = [(tuple(json.loads(r.src_positions)), tuple(json.loads(r.tgt_positions)), r.score) for r in rows]
    return PairAlignment(pair_id, pair["src_title"] or "", pair["tgt_title"] or "", pair["src_lang"], pair["tgt_lang"],
                         pair["src_source"], pair["tgt_source"], pair["mode"], newest.method, signature, src, tgt, mt,
                         groups)


def run_scores(engine: Engine, run_id: int | None = None) -> tuple[int, list[tuple[str, str, float]]]:
    """(run id, [(method, mode, score)]) of the aligned groups a run made; the newest run that aligned, by default."""
    with engine.connect() as conn:
        if run_id is None:
            run_id = conn.execute(text("SELECT max(run_id) FROM alignments")).scalar()
            if run_id is None:
                raise UserError("no run has aligned anything in this database yet; run `xlalign run PATH` first")
        rows = conn.execute(text("""SELECT method, mode, score FROM alignments WHERE run_id = :r
                                    AND src_positions <> '[]' AND tgt_positions <> '[]' AND score IS NOT NULL"""),
                            {"r": run_id}).all()
    if not rows:
        raise UserError(f"run {run_id} made no aligned groups; the runs table lists the runs")
    return run_id, [(r.method, r.mode, float(r.score)) for r in rows]


def find_document(engine: Engine, doc: str) -> dict:
    """A document by id, or by source path (its newest version), with what the page stated about itself."""
    cols = "id, source, version, title, lang, url, published, outlet"
    with engine.connect() as conn:
        row = None
        if doc.isdigit():
            row = conn.execute(text(f"SELECT {cols} FROM documents WHERE id = :i"), {"i": int(doc)}).mappings().first()
        if row is None:
            row = conn.execute(text(f"SELECT {cols} FROM documents WHERE source = :s ORDER BY version DESC LIMIT 1"),
                               {"s": doc}).mappings().first()
        if row is None:
            like = conn.execute(text(f"SELECT {cols} FROM documents WHERE source LIKE :s ORDER BY id DESC LIMIT 2"),
                                {"s": f"%{doc}%"}).mappings().all()
            if len(like) == 1:
                row = like[0]
            elif like:
                raise UserError(f"several documents' files match {doc!r} (e.g. {like[0]['source']} and "
                                f"{like[1]['source']}); give the document id or the whole path")
    if row is None:
        raise UserError(f"no document with id or file {doc!r}; the document_versions view lists them")
    return dict(row)


def document_pairs_of(engine: Engine, document_id: int) -> list[dict]:
    """The pairs a document belongs to, as source or target, best pair score first."""
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(
            """SELECT id AS pair_id, src_document_id, tgt_document_id, mode, score FROM document_pairs
               WHERE src_document_id = :d OR tgt_document_id = :d ORDER BY score DESC, id"""), {"d": document_id})
            .mappings()]
