"""Handlers of `xlalign db upgrade`, `db grant-readonly`, `search` and `export`."""
from __future__ import annotations

import argparse


def upgrade_command(args: argparse.Namespace) -> int:
    from xlalign.db.check import check_database
    from xlalign.db.engine import describe, make_engine
    from xlalign.db.migrate import current_revision, upgrade

    check_database(args.db, must_exist=False)
    engine = make_engine(args.db)
    before = current_revision(engine)
    after = upgrade(engine)
    if before == after:
        print(f"{describe(args.db)} is at the current schema (revision {after})")
    else:
        print(f"{describe(args.db)} upgraded from revision {before or 'none (empty database)'} to {after}")
    return 0


def grant_readonly_command(args: argparse.Namespace) -> int:
    import sys

    from xlalign.db.check import check_database
    from xlalign.db.engine import describe, get_engine
    from xlalign.db.roles import grant_readonly

    password = getattr(args, "password", None)
    if getattr(args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
    check_database(args.db, must_exist=True)
    grant_readonly(get_engine(args.db), args.role, password)
    print(f"role {args.role} can now read the views of {describe(args.db)} and nothing else")
    return 0


def search_command(args: argparse.Namespace) -> int:
    from xlalign.db.check import check_database
    from xlalign.db.engine import get_engine
    from xlalign.db.search import format_hit, search_pairs

    check_database(args.db, must_exist=True)  # reading: never create an empty database by a typo
    hits = search_pairs(get_engine(args.db), args.term, limit=getattr(args, "limit", 20))
    if not hits:
        print(f"no aligned pair mentions {args.term!r}")
        return 1
    print("\n\n".join(format_hit(h) for h in hits))
    return 0


def export_command(args: argparse.Namespace) -> int:
    from xlalign.db.check import check_database
    from xlalign.db.engine import get_engine
    from xlalign.db.export import export_pairs

    check_database(args.db, must_exist=True)
    n, files = export_pairs(get_engine(args.db), args.format, args.out, min_score=args.min_score, lang=args.lang)
    where = ", ".join(str(f) for f in files) or "no file (nothing matched)"
    print(f"wrote {n} pairs to {where}")
    return 0
