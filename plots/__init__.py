"""Pictures of the results (matplotlib, Agg: no display needed): `xlalign plot` and the browse pages.

`pair_similarity_png`: a document pair's sentence similarity matrix with the
alignment's groups drawn on it; `run_scores_png`: a run's score distribution
per method and mode. Both read the database through `db.inspect` only.
"""
from __future__ import annotations

from .pair import pair_similarity_png
from .scores import run_scores_png

__all__ = ["pair_similarity_png", "run_scores_png"]
