#!/usr/bin/env bash
# Idempotent set-up of .venv in the repo root:
#   python3 -m venv .venv; pip install --upgrade pip; pip install torch==2.13.0; pip install -e '.[test]'
# torch goes first, pinned: argostranslate -> stanza -> torch, and a bare torch pulls GBs of CUDA.
# pip is configured with find-links /opt/wheels where the CPU wheel of torch==2.13.0 lives.
#
# Fast path: .venv/.bootstrap-stamp holds a hash of pyproject.toml, this script and the
# interpreter version; when it matches and the venv's python runs, nothing is installed.
# Env: PYTHON (interpreter to build the venv from, default python3.11+ found on PATH),
#      TORCH_SPEC (default torch==2.13.0), BOOTSTRAP_FORCE=1 (ignore the stamp).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.bootstrap-stamp"
TORCH_SPEC="${TORCH_SPEC:-torch==2.13.0}"
T0=$SECONDS

say() { printf '[bootstrap %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

# One bootstrap at a time per checkout (concurrent pip installs into one venv corrupt it).
if command -v flock >/dev/null 2>&1; then
    LOCK="${TMPDIR:-/tmp}/xlalign-bootstrap-$(printf '%s' "$ROOT" | sha256sum | cut -c1-16).lock"
    exec 9>"$LOCK"
    flock 9
fi

pick_python() {
    local c
    for c in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    return 1
}

venv_ok() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; }

key() {
    {
        cat "$ROOT/pyproject.toml" "$ROOT/scripts/bootstrap.sh"
        echo "$TORCH_SPEC"
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

if [ "${BOOTSTRAP_FORCE:-0}" != 1 ] && venv_ok && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(key)" ]; then
    say ".venv up to date (stamp matches pyproject.toml); nothing to do"
    exit 0
fi

if [ -d "$VENV" ] && ! venv_ok; then
    say ".venv exists but its python does not run: recreating it"
    rm -rf "$VENV"
fi

if [ ! -d "$VENV" ]; then
    PY="$(pick_python)" || die "need Python >= 3.11 (set PYTHON=/path/to/python3.11)"
    say "creating .venv with $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"
    ERR="$(mktemp)"
    if ! "$PY" -m venv "$VENV" 2>"$ERR"; then
        rm -rf "$VENV"
        if grep -qi ensurepip "$ERR" && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "python venv support missing: apt-get install python3-venv"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PY" -m venv "$VENV"
        else
            cat "$ERR" >&2
            die "python -m venv failed (Debian: apt-get install python3-venv)"
        fi
    fi
    rm -f "$ERR"
fi

PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
# Also look in /opt/wheels explicitly when it exists (it is normally in pip's config already).
[ -d /opt/wheels ] && PIP_FIND=(--find-links /opt/wheels) || PIP_FIND=()
# pip's (and the build backend's) chatter goes to a log, shown only when a step fails.
LOG="$VENV/.bootstrap.log"
: >"$LOG"
pip_step() {
    local what="$1"; shift
    say "$what"
    if ! "${PIP[@]}" "$@" >>"$LOG" 2>&1; then
        echo "----- last lines of $LOG -----" >&2
        tail -n 60 "$LOG" >&2
        die "failed: $what"
    fi
}

pip_step "pip install --upgrade pip" install --upgrade pip
pip_step "pip install $TORCH_SPEC (CPU wheel first, so the project does not pull CUDA)" \
    install "${PIP_FIND[@]}" "$TORCH_SPEC"
pip_step "pip install -e '.[test]'" install "${PIP_FIND[@]}" -e "$ROOT[test]"

# Guard against a CUDA torch sneaking in (GBs of nvidia-* wheels): fail loudly instead.
CHECK="$("$VENV/bin/python" - <<'PY'
import importlib.metadata as md
names = {(d.metadata["Name"] or "").lower() for d in md.distributions()}
cuda = sorted(n for n in names if n.startswith("nvidia-"))
print(f"torch {md.version('torch')}" + (f"; CUDA wheels present: {', '.join(cuda)}" if cuda else ""))
PY
)"
case "$CHECK" in
    *CUDA*) die "$CHECK (install ${TORCH_SPEC}+cpu from /opt/wheels before the project)" ;;
esac

key >"$STAMP"
say "done: $CHECK; .venv ready in $((SECONDS - T0))s"
