"""Handlers of `xlalign run`, `summary` and `deploy`: thin calls into flows and db."""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from pathlib import Path


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def run_command(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"xlalign run: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 1
    _configure_logging()
    from flows.process_articles import process_articles
    from pipeline.run_records import one_line

    summary = process_articles(paths=[str(p) for p in args.paths], db_url=args.db, target_lang=args.target_lang,
                               method=args.method)
    print(one_line(summary))
    for failure in summary["failures"]:
        print(f"  failed: {failure['error']}")
    if args.summary:
        return summary_command(args)
    return 0


def summary_command(args: argparse.Namespace) -> int:
    from db.engine import describe, get_engine
    from db.summary import EXAMPLE_QUERY, database_summary, example_rows, format_summary

    engine = get_engine(args.db)
    print(f"\nDatabase {describe(args.db)}")
    print(format_summary(database_summary(engine)))
    print(f"\nExample query:\n{EXAMPLE_QUERY};")
    for row in example_rows(engine):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    """Create the work pool if it is missing, then deploy everything in prefect.yaml."""
    prefect = [sys.executable, "-m", "prefect"]
    exists = subprocess.run([*prefect, "work-pool", "inspect", args.pool], capture_output=True, text=True)
    if exists.returncode != 0:
        created = subprocess.run([*prefect, "work-pool", "create", args.pool, "--type", "process"])
        if created.returncode != 0:
            print(f"xlalign deploy: could not create work pool {args.pool!r}; is PREFECT_API_URL set to a "
                  "running Prefect server (`prefect server start`)?", file=sys.stderr)
            return created.returncode
    return subprocess.run([*prefect, "--no-prompt", "deploy", "--all"]).returncode
