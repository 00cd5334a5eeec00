"""Search latency on an existing database (e.g. one kept by `db_bulk.py --keep`).

    .venv/bin/python benchmarks/db_search.py --db sqlite:////tmp/xlbench-sqlite-XXXX/bulk.sqlite

Prints the median of `db.search.search_pairs` for the rare, medium and common terms
that db_bulk.py's synthetic corpus contains at known rates (bar: < 50 ms).
"""
from __future__ import annotations

import argparse

from db_bulk import search_medians


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()
    for term, (ms, hits) in search_medians(args.db, args.repeats).items():
        print(f"search {term:<22} median {ms:7.1f} ms ({hits} hits shown)")


if __name__ == "__main__":
    main()
