#!/usr/bin/env bash
# The README's first command: set up .venv, process the sample corpus in examples/
# into an SQLite file, then print what the database holds and one example query.
#   XLALIGN_DB=postgresql+psycopg://user@host/db bash scripts/demo.sh   (any SQLAlchemy URL)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
DB="${XLALIGN_DB:-sqlite:///$ROOT/xlalign.sqlite}"
T0=$SECONDS
.venv/bin/xlalign run examples/ --db "$DB" --summary
echo "[demo] done in $((SECONDS - T0)) s. Next: source .venv/bin/activate   (puts xlalign on PATH), then"
echo "[demo]   xlalign browse                        (the pairs side by side at http://127.0.0.1:8001)"
echo "[demo]   sqlite3 xlalign.sqlite 'SELECT * FROM parallel_sentences'"
