"""Handlers of `xlalign db upgrade`, `search` and `export`."""
from __future__ import annotations

import argparse


def upgrade_command(args: argparse.Namespace) -> int:
    from db.engine import describe, get_engine

    get_engine(args.db)
    print(f"{describe(args.db)} is at the current schema")
    return 0
