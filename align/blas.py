"""The aligner's matrix products run on one BLAS thread.

Its products are small and many: 32-sentence blocks of n-gram vectors
projected onto the few thousand n-grams both blocks share, and a few
hundred embeddings at a time. For a product that takes a millisecond,
waking and joining BLAS's worker threads costs more than the work they
share, and on a busy machine the workers spin for cores other processes
hold: on Text+Berg dev, hybrid's n-gram blocks ran 2-5 times faster on
one thread (benchmarks/alignment_scaling.py prints the ratio). Embedding
(PyTorch) keeps its own threads: only the BLAS that numpy uses is limited,
and only while an alignment runs (`one_blas_thread`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # reads the loaded libraries once: numpy's BLAS is loaded by now


def one_blas_thread() -> Any:
    """Context in which numpy's BLAS uses one thread; the previous limits come back on exit."""
    return _controller().limit(limits=1, user_api="blas")
