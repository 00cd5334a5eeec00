"""A document pair's similarity matrix with the chosen alignment on top.

The matrix is the cosine of multilingual-e5 sentence embeddings, source
sentence by target sentence: the cross-lingual signal every method but `mt`
uses, and one a reader can interpret without the aligner's normalisations.
Each aligned group is a box (its colour is the stored score), the groups'
centres joined in document order are the path; unmatched sentences are
marked on the axes. Embeddings come from the same cache the pipeline filled,
so a plot of an aligned pair embeds nothing again.
"""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from xlalign.db.inspect import PairAlignment, pair_alignment

from .figure import png, pyplot

if TYPE_CHECKING:
    from sqlalchemy import Engine


def similarity_matrix(src: list[str], tgt: list[str]) -> np.ndarray:
    from xlalign.align import embeddings

    embeddings.use_default_disk_cache()
    if not src or not tgt:
        return np.zeros((len(src), len(tgt)))
    return embeddings.embed(src) @ embeddings.embed(tgt).T


def _label(title: str, lang: str, source: str) -> str:
    return textwrap.shorten(title or source, 48, placeholder="…") + f" ({lang})"


def draw_pair(pair: PairAlignment, sims: np.ndarray) -> bytes:
    plt = pyplot()
    from matplotlib.patches import Rectangle

    n_src, n_tgt = len(pair.src), len(pair.tgt)
    size = min(14.0, max(6.0, 0.22 * max(n_src, n_tgt) + 3))
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    try:
        image = ax.imshow(sims, cmap="Greys", vmin=float(sims.min()) if sims.size else 0, vmax=1.0,
                          aspect="auto", interpolation="nearest")
        fig.colorbar(image, ax=ax, fraction=0.04, label="e5 cosine (source sentence, target sentence)")
        cmap = plt.get_cmap("viridis")
        centres = []
        for src_idx, tgt_idx, score in pair.groups:
            if src_idx and tgt_idx:
                y0, x0 = min(src_idx) - 0.5, min(tgt_idx) - 0.5
                colour = cmap(score if score is not None else 0.0)
                ax.add_patch(Rectangle((x0, y0), len(tgt_idx), len(src_idx), fill=False, lw=2, ec=colour))
                centres.append((x0 + len(tgt_idx) / 2, y0 + len(src_idx) / 2))
            elif src_idx:
                ax.plot([-0.5] * len(src_idx), src_idx, marker=">", ls="", color="crimson", ms=7, clip_on=False)
            else:
                ax.plot(tgt_idx, [-0.5] * len(tgt_idx), marker="v", ls="", color="crimson", ms=7, clip_on=False)
        if centres:
            xs, ys = zip(*centres)
            ax.plot(xs, ys, color="tab:orange", lw=1.2, alpha=0.9, label="alignment path")
        ax.plot([], [], marker=">", ls="", color="crimson", label="no counterpart")
        ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, ec=cmap(0.8), lw=2, label="group (colour: score)"))
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
        ax.set_xlabel(f"target sentence — {_label(pair.tgt_title, pair.tgt_lang, pair.tgt_source)}")
        ax.set_ylabel(f"source sentence — {_label(pair.src_title, pair.src_lang, pair.src_source)}")
        ax.set_xlim(-0.5 - 0.6, n_tgt - 0.5)
        ax.set_ylim(n_src - 0.5, -0.5 - 0.6)
        aligned = sum(1 for s, t, _ in pair.groups if s and t)
        ax.set_title(f"Document pair {pair.pair_id}: {pair.mode}, method {pair.method}, "
                     f"{aligned} groups, {len(pair.groups) - aligned} unmatched", fontsize=11)
        return png(fig)
    finally:
        plt.close(fig)


def pair_similarity_png(engine: Engine, pair_id: int, signature: str | None = None) -> bytes:
    """PNG bytes of the pair's similarity matrix and alignment (UserError for an unknown or unaligned pair)."""
    pair = pair_alignment(engine, pair_id, signature)
    return draw_pair(pair, similarity_matrix(pair.src, pair.tgt))
