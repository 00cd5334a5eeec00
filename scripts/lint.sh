#!/usr/bin/env bash
# Static checks, as the test suite runs them (tests/test_static_checks.py):
#   ruff (lint), lint-imports (the layer contracts in pyproject.toml), mypy (types).
# mypy finds the package by folder name, so build/typecheck/xlalign points at the repository.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${VENV_BIN:-$ROOT/.venv/bin}"
mkdir -p build/typecheck
ln -sfn ../.. build/typecheck/xlalign
status=0
"$BIN/ruff" check . || status=1
"$BIN/lint-imports" || status=1
"$BIN/mypy" || status=1
exit "$status"
