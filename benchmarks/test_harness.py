"""The test harness (tests/harness: throwaway PostgreSQL, tiny Argos packages) for benchmark scripts.

Benchmarks are scripts, not tests, and tests/ is not on their import path;
this registers tests/harness as the package `harness` from its own folder,
so `import harness.pg_cluster` works in a benchmark as it does in a test.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1] / "tests" / "harness"


def load() -> None:
    """Make `harness` importable (idempotent)."""
    if "harness" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location("harness", HARNESS / "__init__.py",
                                                  submodule_search_locations=[str(HARNESS)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["harness"] = module
    spec.loader.exec_module(module)
