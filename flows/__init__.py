"""Everything Prefect: the flows, their retries, CPU limit, artifacts, deployments, server and signals.

Set before any module here imports Prefect, which reads its logging settings
once: xlalign's own loggers are shipped to the Prefect API too, so a flow
run's page shows xlalign's messages (per-file errors, notes) beside Prefect's.
"""
from __future__ import annotations

import os

os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "xlalign")
