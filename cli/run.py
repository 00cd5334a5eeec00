"""Handlers of `xlalign run`, `summary` and `deploy`: thin calls into flows and db.

Everything that can be checked before Prefect starts is checked first, in a
second: the paths (a missing one is reported and the others processed), the
database URL (`db.check`), `--method mt` without any translation model.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from xlalign.errors import UsageError, UserError

EXIT_FILES_FAILED = 3


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for chatty in ("httpx", "httpcore", "prefect", "uvicorn", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _check_method(method: str, target_lang: str, db_url: str) -> None:
    if method != "mt":
        return
    from xlalign.db.check import holds_translations_into
    from xlalign.translate.packages import list_installed

    if not any(m.to_code == target_lang for m in list_installed()) and not holds_translations_into(db_url, target_lang):
        raise UsageError(f"--method mt aligns by machine translation, but no translation model into {target_lang} "
                         f"is installed and the database holds no translations into {target_lang}: install one "
                         f"(`xlalign models install bg {target_lang}`, or --file PKG.argosmodel offline), import "
                         "yours (`xlalign translations import`) or use --method hybrid or embed")


def run_command(args: argparse.Namespace) -> int:
    from xlalign.db.check import check_database

    present = [p for p in args.paths if os.path.lexists(p)]
    if not present:
        raise UserError(f"no such file or folder: {', '.join(args.paths)}")
    check_database(args.db, must_exist=False)
    _check_method(args.method, args.target_lang, args.db)
    if not getattr(args, "debug", False):
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # before Prefect is imported
    _configure_logging()
    from xlalign.flows.local import run_in_process
    from xlalign.stages.runs import one_line

    summary = run_in_process([str(p) for p in args.paths], db_url=args.db, target_lang=args.target_lang,
                             method=args.method, workers=getattr(args, "workers", 4),
                             debug=getattr(args, "debug", False))
    print(one_line(summary))
    for failure in summary["failures"]:
        print(f"  failed: {failure['error']}")
    if summary["files"] == 0:
        raise UserError(f"found no article files in {', '.join(args.paths)} (xlalign reads .txt, .md and .html)")
    if args.summary:
        summary_command(args)
    if summary["failures"]:
        print(f"xlalign run: {len(summary['failures'])} of {summary['files']} input(s) failed (listed above); "
              f"exit status {EXIT_FILES_FAILED}", file=sys.stderr)
        return EXIT_FILES_FAILED
    return 0


def summary_command(args: argparse.Namespace) -> int:
    from xlalign.db.check import check_database
    from xlalign.db.engine import describe, get_engine
    from xlalign.db.summary import EXAMPLE_QUERY, database_summary, example_rows, format_summary
    from xlalign.stages.runs import dead_runs

    check_database(args.db, must_exist=True)
    engine = get_engine(args.db)
    print(f"\nDatabase {describe(args.db)}")
    print(format_summary(database_summary(engine)))
    for sentence in dead_runs(engine, mark=False):
        print(f"warning: {sentence}")
    print(f"\nExample query:\n{EXAMPLE_QUERY};")
    for row in example_rows(engine):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    """Create the work pool if it is missing, then deploy everything in prefect.yaml (flows.deploy)."""
    from xlalign.flows.deploy import deploy_all

    deploy_all(args.pool, os.environ, cwd=Path.cwd(), say=lambda line: print(f"xlalign deploy: {line}", file=sys.stderr))
    return 0
