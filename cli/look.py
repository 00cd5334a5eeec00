"""Handlers of `xlalign browse`, `xlalign plot` and `xlalign show`: looking at the results."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlalign.errors import UsageError, UserError


def browse_command(args: argparse.Namespace) -> int:
    from xlalign.browse.server import serve

    snapshot = Path(args.snapshot) if getattr(args, "snapshot", None) else None
    try:
        serve(args.db, host=args.host, port=args.port, snapshot=snapshot)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise UserError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); choose another "
                        "--port") from None
    return 0


def plot_command(args: argparse.Namespace) -> int:
    from xlalign.db.engine import get_engine
    from xlalign.plots import pair_similarity_png, run_scores_png

    if args.pair is None and not args.run_scores:
        raise UsageError("say what to draw: --pair ID (a document pair's similarity matrix and alignment) and/or "
                         "--run-scores [RUN] (a run's score distribution)")
    engine = get_engine(args.db)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if args.pair is not None:
        path = out / f"pair-{args.pair}.png"
        path.write_bytes(pair_similarity_png(engine, args.pair))
        written.append(path)
    if args.run_scores:
        run_id, png = run_scores_png(engine, None if args.run_scores == "latest" else int(args.run_scores))
        path = out / f"run-{run_id}-scores.png"
        path.write_bytes(png)
        written.append(path)
    for path in written:
        print(path)
    return 0


def show_command(args: argparse.Namespace) -> int:
    from xlalign.cli.show import render_document
    from xlalign.db.engine import get_engine

    render_document(get_engine(args.db), args.doc, pair_id=getattr(args, "pair", None), out=sys.stdout,
                    width=getattr(args, "width", None))
    return 0
