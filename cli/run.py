"""Handlers of `xlalign run`, `summary` and `deploy`: thin calls into flows and db."""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
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


def _prefect_api_url() -> str | None:
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def deploy_command(args: argparse.Namespace) -> int:
    """Create the work pool if it is missing, then deploy everything in prefect.yaml.

    Runs `prefect deploy` in the project folder with the environment from
    `xlalign.flows.deploy.deploy_environment` (absolute defaults for unset
    $XLALIGN_DB/$XLALIGN_INBOX), so it works from any folder.
    """
    from xlalign.flows.deploy import PROJECT_ROOT, deploy_commands, deploy_environment

    if not _prefect_api_url():
        raise UserError("no Prefect server configured, and a deployment made without one disappears with this "
                        "process. Start one (`prefect server start --host 127.0.0.1 --port 4200`) and "
                        "`export PREFECT_API_URL=http://127.0.0.1:4200/api`, then run `xlalign deploy` again.",
                        exit_code=2)
    env, notes = deploy_environment(os.environ, cwd=Path.cwd())
    for note in notes:
        print(f"xlalign deploy: {note}", file=sys.stderr)
    Path(env["XLALIGN_INBOX"]).mkdir(parents=True, exist_ok=True)
    prefect = [sys.executable, "-m", "prefect"]
    run = dict(cwd=PROJECT_ROOT, env=env)
    exists = subprocess.run([*prefect, "work-pool", "inspect", args.pool], capture_output=True, text=True, **run)
    if exists.returncode != 0:
        created = subprocess.run([*prefect, "work-pool", "create", args.pool, "--type", "process"], **run)
        if created.returncode != 0:
            print(f"xlalign deploy: could not create work pool {args.pool!r}; is PREFECT_API_URL "
                  f"({_prefect_api_url()}) a running Prefect server?", file=sys.stderr)
            return created.returncode
    for deploy in deploy_commands(args.pool):
        deployed = subprocess.run([*prefect, *deploy], **run)
        if deployed.returncode != 0:
            print(f"xlalign deploy: `prefect {' '.join(deploy)}` failed (its output is above)", file=sys.stderr)
            return deployed.returncode
    print(f"xlalign deploy: done. Start a worker anywhere on this machine with "
          f"`prefect worker start --pool {args.pool}`; cap translation CPU with "
          "`prefect gcl create translate-cpu --limit 1`.", file=sys.stderr)
    return 0
