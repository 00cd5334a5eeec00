"""Idempotent writes: every insert is keyed on a natural key and ignores conflicts.

That one rule gives both guarantees users rely on: re-running on the same
inputs adds no rows, and two runs racing on the same inputs end with one copy
of each row (the loser's insert is a no-op, then it reads the winner's id).
Every write runs in `db.engine.writing`, which on SQLite takes the write lock
before the first read, so read-then-write transactions wait instead of failing.

A changed file is a new document (its sha256 differs) numbered version n+1 of
its source, pointing at version n through `supersedes_id`; nothing of the old
version is touched, so its sentences and alignments stay queryable.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from xlalign.db.engine import writing
from xlalign.db.locks import lock_source
from xlalign.db.schema import (
    alignment_sentences,
    alignments,
    document_pairs,
    document_vectors,
    documents,
    input_files,
    pair_alignments,
    pairing_evidence,
    pairing_marks,
    pairing_sources,
    paragraphs,
    runs,
    sentences,
    translations,
)
from xlalign.records import SegmentedDocument


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _insert(conn: Connection, table: Table, conflict: Sequence[str]) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(conflict))


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict], conflict: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING, for SQLite and PostgreSQL."""
    if not rows:
        return
    conn.execute(_insert(conn, table, conflict), list(rows))


def upsert(conn: Connection, table: Table, rows: Sequence[dict], conflict: Sequence[str],
           update_columns: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE SET update_columns, for SQLite and PostgreSQL."""
    if not rows:
        return
    stmt = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(conflict),
                                      set_={c: getattr(stmt.excluded, c) for c in update_columns})
    conn.execute(stmt, list(rows))


def insert_ignore_counted(conn: Connection, table: Table, rows: Sequence[dict], conflict: Sequence[str]) -> int:
    """`insert_ignore`, returning how many rows this statement itself inserted.

    Counted from RETURNING, not from a count before and after: under READ
    COMMITTED a row another run commits in between would be counted as ours.
    """
    if not rows:
        return 0
    return len(conn.execute(_insert(conn, table, conflict).returning(table.c.id), list(rows)).all())


def start_run(engine: Engine, *, parameters: dict, versions: dict, flow_run_id: str | None = None,
              pid: int | None = None, host: str | None = None) -> int:
    now = datetime.now(UTC)
    with writing(engine) as conn:
        return conn.execute(runs.insert().values(
            flow_run_id=flow_run_id, parameters=to_json(parameters), versions=to_json(versions),
            pid=pid, host=host, heartbeat_at=now,
        ).returning(runs.c.id)).scalar_one()


def heartbeat(engine: Engine, run_id: int) -> None:
    """Say that run `run_id` is alive (its process writes this every few seconds while it works)."""
    with writing(engine) as conn:
        conn.execute(update(runs).where(runs.c.id == run_id, runs.c.status == "running")
                     .values(heartbeat_at=datetime.now(UTC)))


def finish_run(engine: Engine, run_id: int, *, status: str, summary: dict | None) -> None:
    """Record how run `run_id` ended: completed, completed_with_failures, failed, interrupted."""
    now = datetime.now(UTC)
    values: dict[str, Any] = dict(status=status, finished_at=now, heartbeat_at=now)
    if summary is not None:
        values["summary"] = to_json(summary)
    with writing(engine) as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(**values))


def mark_abandoned(engine: Engine, run_ids: Sequence[int]) -> None:
    """Runs whose process is known to be gone (same host, pid not alive): `abandoned`, not `running`."""
    if not run_ids:
        return
    with writing(engine) as conn:
        conn.execute(update(runs).where(runs.c.id.in_(list(run_ids)), runs.c.status == "running")
                     .values(status="abandoned"))


def record_input(engine: Engine, *, source: str, sha256: str, status: str, run_id: int | None,
                 error: str | None = None, document_id: int | None = None) -> None:
    """Remember a file that was seen, once per (path, content), with its outcome.

    `deferred` (the database was lost while the file was stored) never
    overwrites `processed`: a file stored by another run stays stored.
    """
    with writing(engine) as conn:
        insert_ignore(conn, input_files, [dict(source=source, sha256=sha256, status=status, error=error,
                                               document_id=document_id, run_id=run_id)], ["source", "sha256"])
        change = (update(input_files).where(input_files.c.source == source, input_files.c.sha256 == sha256)
                  .values(status=status, error=error, document_id=document_id))
        if status == "deferred":
            change = change.where(input_files.c.status != "processed")
        conn.execute(change)


def save_document(engine: Engine, doc: SegmentedDocument, *, run_id: int | None) -> tuple[int, bool]:
    """Store a document with its paragraphs and sentences; (id, True) if it was new."""
    article = doc.article
    with writing(engine) as conn:
        lock_source(conn, article.source)
        doc_id = conn.execute(select(documents.c.id).where(documents.c.sha256 == article.sha256)).scalar()
        if doc_id is None:
            previous = conn.execute(select(documents.c.id, documents.c.version)
                                    .where(documents.c.source == article.source)
                                    .order_by(documents.c.version.desc(), documents.c.id.desc()).limit(1)).first()
            insert_ignore(conn, documents, [dict(
                sha256=article.sha256, source=article.source, title=doc.title or None, lang=doc.lang,
                lang_confidence=doc.lang_confidence, fmt=article.fmt, encoding=article.encoding,
                n_bytes=article.n_bytes, raw_text=article.text, clean_text=doc.clean_text,
                warnings=to_json(list(doc.warnings)), run_id=run_id, url=doc.meta.url,
                published=doc.meta.published, outlet=doc.meta.outlet, metadata_from=to_json(doc.meta.evidence),
                version=previous.version + 1 if previous else 1,
                supersedes_id=previous.id if previous else None)], ["sha256"])
        doc_id, owner_run = conn.execute(select(documents.c.id, documents.c.run_id)
                                         .where(documents.c.sha256 == article.sha256)).one()
        insert_ignore(conn, paragraphs, [dict(
            document_id=doc_id, position=p.position, text=p.text, lang=p.lang, lang_confidence=p.lang_confidence,
            in_document_lang=p.in_document_lang, status=p.status) for p in doc.paragraphs],
            ["document_id", "position"])
        insert_ignore(conn, sentences, [dict(
            document_id=doc_id, position=s.position, paragraph_position=s.paragraph, text=s.text,
            text_sha256=text_sha256(s.text), char_start=s.char_start, char_end=s.char_end, lang=doc.lang)
            for s in doc.sentences], ["document_id", "position"])
    return doc_id, owner_run == run_id


def save_translations(engine: Engine, rows: Sequence[dict]) -> None:
    """Rows: sentence_id, model, target_lang, text, source_sha256, signature, params, reused_from, run_id."""
    with writing(engine) as conn:
        insert_ignore(conn, translations, [dict(r, params=to_json(r.get("params", {}))) for r in rows],
                      ["sentence_id", "model"])


def save_pair(engine: Engine, *, src_document_id: int, tgt_document_id: int, score: float, mode: str,
              method: str, params: dict, run_id: int | None) -> int:
    with writing(engine) as conn:
        insert_ignore(conn, document_pairs, [dict(
            src_document_id=src_document_id, tgt_document_id=tgt_document_id, score=score, mode=mode,
            method=method, params=to_json(params), run_id=run_id)], ["src_document_id", "tgt_document_id"])
        return conn.execute(select(document_pairs.c.id).where(
            document_pairs.c.src_document_id == src_document_id,
            document_pairs.c.tgt_document_id == tgt_document_id)).scalar_one()


def save_alignment(engine: Engine, *, pair_id: int, groups: Sequence[Any], src_ids: Sequence[int],
                   tgt_ids: Sequence[int], method: str, mode: str, signature: str, params: dict,
                   mt_model: str | None, embedding_model: str | None, run_id: int | None) -> int:
    """Store one alignment (a list of groups with .src, .tgt, .score, .kind); returns rows added."""
    rows = [dict(pair_id=pair_id, position=i, src_positions=_positions(g.src), tgt_positions=_positions(g.tgt),
                 kind=g.kind, score=g.score, method=method, mode=mode, mt_model=mt_model,
                 embedding_model=embedding_model, signature=signature, params=to_json(params), run_id=run_id)
            for i, g in enumerate(groups)]
    with writing(engine) as conn:
        added = insert_ignore_counted(conn, alignments, rows, ["pair_id", "signature", "position"])
        ids: dict[int, int] = {position: alignment_id for position, alignment_id in conn.execute(
            select(alignments.c.position, alignments.c.id).where(
                alignments.c.pair_id == pair_id, alignments.c.signature == signature))}
        members = [dict(alignment_id=ids[i], side=side, ord=k, sentence_id=lookup[pos])
                   for i, g in enumerate(groups)
                   for side, positions, lookup in (("src", g.src, src_ids), ("tgt", g.tgt, tgt_ids))
                   for k, pos in enumerate(positions)]
        insert_ignore(conn, alignment_sentences, members, ["alignment_id", "side", "ord"])
        insert_ignore(conn, pair_alignments, [dict(pair_id=pair_id, signature=signature, method=method, mode=mode,
                                                   groups=len(groups), run_id=run_id)], ["pair_id", "signature"])
        return added


def _positions(indices: Sequence[int]) -> str:
    return "[" + ", ".join(str(i) for i in indices) + "]"


# --- pairing: the candidate index (migration 0006) ---

def save_document_vectors(engine: Engine, rows: Sequence[dict]) -> None:
    """Rows: document_id, embedding_model, mt_model ("" for the document's own text), dim, vector (bytes)."""
    with writing(engine) as conn:
        insert_ignore(conn, document_vectors, rows, ["document_id", "embedding_model", "mt_model"])


def save_pairs(engine: Engine, *, src_document_id: int, signature_sha: str, decisions: Sequence[dict],
               evidence: dict[int, dict], target_lang: str, run_id: int | None) -> dict[int, int]:
    """Store one source's pairs and the evidence computed for them, in one transaction; target id -> pair id.

    `decisions`: tgt_document_id, score, mode, method, params. A pair decided
    again takes the new mode, score and params; this source's other current
    pairs with `target_lang` documents stop being current (their rows and
    alignments stay). `evidence`: target id -> JSON of what was computed now.
    """
    with writing(engine) as conn:
        upsert(conn, pairing_evidence, [dict(src_document_id=src_document_id, tgt_document_id=t,
                                             signature_sha=signature_sha, evidence=to_json(ev))
                                        for t, ev in sorted(evidence.items())],
               ["src_document_id", "tgt_document_id", "signature_sha"], ["evidence"])
        upsert(conn, document_pairs, [dict(
            src_document_id=src_document_id, tgt_document_id=d["tgt_document_id"], score=d["score"], mode=d["mode"],
            method=d["method"], params=to_json(d["params"]), run_id=run_id, is_current=True) for d in decisions],
            ["src_document_id", "tgt_document_id"], ["score", "mode", "method", "params", "is_current"])
        kept = [d["tgt_document_id"] for d in decisions]
        targets = select(documents.c.id).where(documents.c.lang == target_lang)
        conn.execute(update(document_pairs).where(
            document_pairs.c.src_document_id == src_document_id, document_pairs.c.is_current.is_(True),
            document_pairs.c.tgt_document_id.not_in(kept), document_pairs.c.tgt_document_id.in_(targets))
            .values(is_current=False))
        return {r.tgt_document_id: r.id for r in conn.execute(
            select(document_pairs.c.tgt_document_id, document_pairs.c.id).where(
                document_pairs.c.src_document_id == src_document_id, document_pairs.c.tgt_document_id.in_(kept)))}


def save_source_state(engine: Engine, *, src_document_id: int, config: str, signature: str, signature_sha: str,
                      method: str, mt_model: str | None, candidates: list, kth_score: float,
                      decision: list, run_id: int | None) -> None:
    """A source's decision is complete (pairs stored and aligned): the row that says it need not be made again."""
    with writing(engine) as conn:
        upsert(conn, pairing_sources, [dict(
            src_document_id=src_document_id, config=config, signature=signature, signature_sha=signature_sha,
            method=method, mt_model=mt_model, candidates=to_json(candidates), kth_score=kth_score,
            decision=to_json(decision), run_id=run_id, updated_at=datetime.now(UTC))], ["src_document_id", "config"],
            ["signature", "signature_sha", "method", "mt_model", "candidates", "kth_score", "decision", "run_id",
             "updated_at"])


def save_marks(engine: Engine, marks: dict[str, str], run_id: int | None) -> None:
    with writing(engine) as conn:
        upsert(conn, pairing_marks, [dict(name=k, value=v, run_id=run_id, updated_at=datetime.now(UTC))
                                     for k, v in sorted(marks.items())], ["name"], ["value", "run_id", "updated_at"])
