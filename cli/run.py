"""Handlers of `xlalign run`, `summary` and `deploy`: thin calls into flows and db."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from xlalign.errors import UserError


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for chatty in ("httpx", "httpcore", "prefect.server", "uvicorn", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def run_command(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    _configure_logging()
    from xlalign.flows.process_articles import process_articles
    from xlalign.stages.runs import one_line

    summary = process_articles(paths=[str(p) for p in args.paths], db_url=args.db, target_lang=args.target_lang,
                               method=args.method)
    print(one_line(summary))
    for failure in summary["failures"]:
        print(f"  failed: {failure['error']}")
    if args.summary:
        return summary_command(args)
    return 0


def summary_command(args: argparse.Namespace) -> int:
    from xlalign.db.engine import describe, get_engine
    from xlalign.db.summary import EXAMPLE_QUERY, database_summary, example_rows, format_summary

    engine = get_engine(args.db)
    print(f"\nDatabase {describe(args.db)}")
    print(format_summary(database_summary(engine)))
    print(f"\nExample query:\n{EXAMPLE_QUERY};")
    for row in example_rows(engine):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    """Create the work pool if it is missing, then deploy everything in prefect.yaml (flows.deploy)."""
    from xlalign.flows.deploy import deploy_all

    deploy_all(args.pool, os.environ, cwd=Path.cwd(), say=lambda line: print(f"xlalign deploy: {line}", file=sys.stderr))
    return 0
