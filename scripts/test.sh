#!/usr/bin/env bash
# Run the test suite: bash scripts/test.sh [pytest args...]
#  1. scripts/bootstrap.sh (.venv with torch==2.13.0 CPU + the project, editable; fast when up to date)
#  2. PostgreSQL server binaries (initdb, pg_ctl) for the throwaway test clusters: when missing and
#     we are root, apt-get install postgresql (without creating or starting a system cluster);
#     tests start and stop their own server (tests/pg_cluster.py), never a system one.
#  3. .venv/bin/python -m pytest "$@"; exits with pytest's status (5, "no tests collected", is a failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
T0=$SECONDS

bash "$ROOT/scripts/bootstrap.sh"

find_initdb() {
    local d
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ]; then
        echo "$PG_BINDIR/initdb"; return 0
    fi
    if command -v initdb >/dev/null 2>&1; then command -v initdb; return 0; fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d/initdb"; return 0; fi
    done
    return 1
}

if ! INITDB="$(find_initdb)"; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "[test] PostgreSQL server binaries missing: apt-get install postgresql (no system cluster is created)"
        # Debian's postgresql-common would otherwise create and start a 'main' cluster.
        mkdir -p /etc/postgresql-common/createcluster.d
        [ -e /etc/postgresql-common/createcluster.d/xlalign-no-main.conf ] ||
            echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/xlalign-no-main.conf
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        INITDB="$(find_initdb)" || { echo "[test] ERROR: postgresql installed but initdb still not found" >&2; exit 1; }
    else
        cat >&2 <<'EOF'
[test] ERROR: PostgreSQL server binaries (initdb, pg_ctl) not found in PATH or /usr/lib/postgresql/*/bin.
       The database tests start their own throwaway server and need them. Either
         - install them:  sudo apt-get install -y --no-install-recommends postgresql
           (Debian/Ubuntu; other systems: the PostgreSQL server package), or
         - point PG_BINDIR at a folder holding initdb and pg_ctl, or
         - run this script as root so it can install them itself.
EOF
        exit 1
    fi
fi
echo "[test] PostgreSQL: $("$INITDB" --version) ($INITDB)"

# Headless Chromium for the browse test that opens the pair page in a real browser
# (tests/browse/test_browse.py): Debian's chromium when missing and we are root; without it the
# test skips locally and fails under CI.
find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome; }
if ! find_chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "[test] headless Chromium missing: apt-get install chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium >/dev/null ||
            echo "[test] WARNING: could not install chromium; the browser test will skip (fail under CI)" >&2
    else
        echo "[test] headless Chromium not found (sudo apt-get install chromium); the browser test will skip" >&2
    fi
fi
echo "[test] Chromium: $(find_chromium 2>/dev/null || echo none); setup took $((SECONDS - T0))s"

set +e
"$ROOT/.venv/bin/python" -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "[test] ERROR: pytest collected no tests (exit 5); treating that as a failure" >&2
fi
exit "$rc"
