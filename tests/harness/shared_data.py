"""Where the tests find `../shared` (seeds and evaluation data), never copied here.

A user's fresh clone has no `../shared`: tests that need it skip with a reason.
In CI (`CI` set) its absence is a failure, not a skip, so it can never go green
by silently testing nothing.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]  # tests/harness/ -> the repository
SHARED = Path(os.environ.get("XLALIGN_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def require_shared(path: Path) -> Path:
    """Return `path` if it exists; skip (locally) or fail (CI) otherwise."""
    if path.exists():
        return path
    message = f"{path} is missing: the shared seeds/evaluation data live beside the repository in ../shared"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
