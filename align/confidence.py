"""One 0-1 scale for the score of every stored group, monotone or mined."""
from __future__ import annotations

import numpy as np


def confidence(z: np.ndarray | float) -> np.ndarray | float:
    """Map a similarity in random-pair standard deviations to (0, 1).

    z = 0 is what unrelated sentences score (-> 0.05), a typical
    translation scores z > 6 (-> > 0.95). One scale for both modes, so a
    `--min-score` means the same for monotone and mined pairs.
    """
    return 1.0 / (1.0 + np.exp(-(np.asarray(z, dtype=np.float64) - 3.0)))


# The lowest score at which kept groups are at least 95% correct (strict, Vecalign's definition) on the
# development sets, per method: measured by benchmarks/score_calibration.py, which prints this mapping;
# re-run it after changing the aligner and paste its output here. README "Scores" shows the table.
RECOMMENDED_MIN_SCORE: dict[str, float] = {"hybrid": 0.5, "mt": 0.5, "embed": 0.5}
