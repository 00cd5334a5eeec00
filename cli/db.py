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
    """Pairs mentioning a term, as text to read or (--json) a JSON array of parallel_sentences rows."""
    import json

    from xlalign.db.check import check_database
    from xlalign.db.engine import get_engine
    from xlalign.db.search import SearchFilter, format_hit, search_pairs

    check_database(args.db, must_exist=True)  # reading: never create an empty database by a typo
    hits = search_pairs(get_engine(args.db), args.term, limit=getattr(args, "limit", 20),
                        mode="substring" if getattr(args, "substring", False) else "words",
                        where=SearchFilter(lang=getattr(args, "lang", None), source=getattr(args, "source", None)))
    if getattr(args, "json", False):
        print(json.dumps(hits, ensure_ascii=False, default=str, indent=1))
        return 0 if hits else 1
    if not hits:
        print(f"no aligned pair mentions {args.term!r}" + ("" if getattr(args, "substring", False) or "*" in args.term
              else "; try the start of the word with * (e.g. трамва*) or --substring"))
        return 1
    print("\n\n".join(format_hit(h) for h in hits))
    return 0


def export_command(args: argparse.Namespace) -> int:
    """Write the filtered pairs; with OUT `-` the data goes to stdout and the report to stderr."""
    import sys

    from xlalign.db.check import check_database
    from xlalign.db.engine import get_engine
    from xlalign.db.export import STDOUT, ExportFilter, export_pairs

    check_database(args.db, must_exist=True)
    where = ExportFilter(min_score=args.min_score, lang=args.lang, tgt_lang=getattr(args, "tgt_lang", None),
                         kinds=tuple(getattr(args, "kind", None) or ()), max_group=getattr(args, "max_group", None),
                         mode=getattr(args, "mode", None), method=getattr(args, "method", None),
                         run_id=getattr(args, "run", None), since=getattr(args, "since", None),
                         until=getattr(args, "until", None))
    n, files = export_pairs(get_engine(args.db), args.format, args.out, where=where, stdout=sys.stdout)
    if args.out == STDOUT:
        print(f"wrote {n} pairs to standard output", file=sys.stderr)
        return 0
    written = ", ".join(str(f) for f in files[:4]) + (f" and {len(files) - 4} more files" if len(files) > 4 else "")
    print(f"wrote {n} pairs to {written or 'no file (nothing matched)'}")
    return 0
