"""A run's score distribution, one panel per (method, mode), with the recommended --min-score marked.

What a researcher looks at before choosing a `--min-score`: where true pairs
pile up (near 1) and how many groups sit near the threshold.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from xlalign.align.confidence import RECOMMENDED_MIN_SCORE
from xlalign.db.inspect import run_scores

from .figure import png, pyplot

if TYPE_CHECKING:
    from sqlalchemy import Engine


def draw_scores(run_id: int, rows: list[tuple[str, str, float]]) -> bytes:
    plt = pyplot()

    panels: dict[tuple[str, str], list[float]] = defaultdict(list)
    for method, mode, score in rows:
        panels[method, mode].append(score)
    keys = sorted(panels)
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 2.6 * len(keys) + 0.6), squeeze=False, sharex=True)
    try:
        bins = [i / 40 for i in range(41)]
        for ax, key in zip(axes[:, 0], keys):
            method, mode = key
            values = panels[key]
            ax.hist(values, bins=bins, color="tab:blue", alpha=0.85)
            threshold = RECOMMENDED_MIN_SCORE.get(method)
            if threshold is not None:
                kept = sum(1 for v in values if v >= threshold)
                ax.axvline(threshold, color="crimson", ls="--",
                           label=f"recommended --min-score {threshold:g}: keeps {kept} of {len(values)}")
                ax.legend(loc="upper left", fontsize=8)
            ax.set_title(f"{method}, {mode}: {len(values)} groups, median {sorted(values)[len(values) // 2]:.2f}",
                         fontsize=10)
            ax.set_ylabel("groups")
        axes[-1, 0].set_xlabel("score (0-1; 0.5 = 3 random-pair spreads above unrelated sentences)")
        axes[-1, 0].set_xlim(0, 1)
        fig.suptitle(f"Run {run_id}: alignment scores per method and mode", fontsize=12)
        return png(fig)
    finally:
        plt.close(fig)


def run_scores_png(engine: Engine, run_id: int | None = None) -> tuple[int, bytes]:
    """(run id, PNG bytes) of the run's score histograms; the newest run that aligned anything by default."""
    run_id, rows = run_scores(engine, run_id)
    return run_id, draw_scores(run_id, rows)
