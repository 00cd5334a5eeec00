"""Session-wide test set-up.

Fixture families live in the harness (`tests/harness/`), registered here as
plugins: `fixtures_argos` builds and installs a tiny real Argos package into an
isolated Argos home; `fixtures_pg` starts a throwaway PostgreSQL cluster;
`fixtures_prefect` a Prefect test server. pytest puts this folder on the
import path (it is not a package), which is how `harness` is found.
"""
from __future__ import annotations

import os

# Prefect: never talk to a configured server or write to ~/.prefect from tests.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.pop("PREFECT_API_URL", None)

# The pipeline keeps an embedding cache in ~/.cache by default; tests (and the processes they
# start) share one in a temporary folder instead, unless the caller chose a file.
if not os.environ.get("XLALIGN_EMBED_CACHE"):
    import atexit
    import shutil
    import tempfile

    _emb_dir = tempfile.mkdtemp(prefix="xlalign-test-emb-")
    atexit.register(shutil.rmtree, _emb_dir, True)
    os.environ["XLALIGN_EMBED_CACHE"] = os.path.join(_emb_dir, "emb.sqlite")

pytest_plugins = ["harness.fixtures_argos", "harness.fixtures_pg", "harness.fixtures_prefect", "harness.fixtures_demo"]
