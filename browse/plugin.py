"""The Datasette plugin of `xlalign browse`: a page per document pair, plot images, links to both.

Routes (all GET, all read-only):
  /-/xlalign/pair/<id>             the pair's text side by side, group by group, scores and unmatched sentences
  /-/xlalign/plot/pair/<id>.png    its similarity matrix with the alignment path (plots.pair)
  /-/xlalign/plot/run.png          the newest run's score distribution per method and mode
  /-/xlalign/plot/run/<id>.png     one run's
A `pair_id` cell in the views links to the pair's page. The plots read the
database through a read-only SQLAlchemy engine that `server.py` hands over
with `configure`.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

from datasette import Response, hookimpl
from markupsafe import Markup, escape

from xlalign.db.browse_queries import PAIR_DOCUMENTS_SQL, PAIR_GROUPS_SQL, PAIR_SUMMARY_SQL
from xlalign.errors import UserError

_state: dict[str, Any] = {}
LINKED_TABLES = {"parallel_sentences", "alignment_groups", "pair_summaries", "unaligned_sentences", "document_pairs"}


def configure(engine: Any, database: str) -> None:
    """The engine the plot routes read from, and the Datasette name of the database."""
    _state.update(engine=engine, database=database)


def _database(datasette):
    return datasette.get_database(_state.get("database"))


async def pair_page(datasette, request):
    pair_id = int(request.url_vars["pair_id"])
    db = _database(datasette)
    summary = (await db.execute(PAIR_SUMMARY_SQL, {"pair_id": pair_id})).first()
    if summary is None:
        return Response.html(f"<h1>No document pair {pair_id}</h1>", status=404)
    summary = dict(summary)
    docs = {r["id"]: dict(r) for r in (await db.execute(
        PAIR_DOCUMENTS_SQL, {"src": summary["src_document_id"], "tgt": summary["tgt_document_id"]})).rows}
    groups = []
    for row in (await db.execute(PAIR_GROUPS_SQL, {"pair_id": pair_id})).rows:
        g = dict(row)
        g["src_ids"] = [p + 1 for p in json.loads(g["src_positions"])]
        g["tgt_ids"] = [p + 1 for p in json.loads(g["tgt_positions"])]
        g["unmatched"] = not (g["src_ids"] and g["tgt_ids"])
        groups.append(g)
    from xlalign.align.confidence import RECOMMENDED_MIN_SCORE

    method = groups[0]["method"] if groups else summary["method"]
    context = {
        "threshold": RECOMMENDED_MIN_SCORE.get(method, 0.5),
        "pair": summary, "src": docs.get(summary["src_document_id"], {}), "tgt": docs.get(summary["tgt_document_id"], {}),
        "groups": groups, "database": _state.get("database"), "signature": groups[0]["signature"] if groups else None,
        "method": method, "run_id": groups[0]["run_id"] if groups else None,
    }
    return Response.html(await datasette.render_template("xlalign_pair.html", context, request=request))


async def _png(render) -> Response:
    try:
        body = await asyncio.get_running_loop().run_in_executor(None, render)
    except UserError as exc:
        return Response.text(str(exc), status=404)
    return Response(body, content_type="image/png", headers={"Cache-Control": "no-store"})


async def pair_plot(datasette, request):
    from xlalign.plots import pair_similarity_png

    pair_id = int(request.url_vars["pair_id"])
    return await _png(lambda: pair_similarity_png(_state["engine"], pair_id))


async def run_plot(datasette, request):
    from xlalign.plots import run_scores_png

    run_id = request.url_vars.get("run_id")
    return await _png(lambda: run_scores_png(_state["engine"], int(run_id) if run_id else None)[1])


@hookimpl
def register_routes():
    return [
        (r"^/-/xlalign/pair/(?P<pair_id>\d+)$", pair_page),
        (r"^/-/xlalign/plot/pair/(?P<pair_id>\d+)\.png$", pair_plot),
        (r"^/-/xlalign/plot/run\.png$", run_plot),
        (r"^/-/xlalign/plot/run/(?P<run_id>\d+)\.png$", run_plot),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """pair_id (and document_pairs.id) cells link to the pair's page."""
    if value is None or not isinstance(value, int):
        return None
    if (column == "pair_id" and (table in LINKED_TABLES or table is None)) or (table == "document_pairs" and column == "id"):
        return Markup(f'<a href="/-/xlalign/pair/{value}">{escape(str(value))}</a>')
    return None
