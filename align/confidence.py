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


# Measured by benchmarks/score_calibration.py (re-run it after changing the aligner and paste its last
# line's two mappings here; README "Scores" is generated from them). The recommended --min-score of a
# method is the lowest threshold at which a collection holding the dev sets' true document pairs and as
# many wrongly paired ones is still 98% right (lax: the kept group's sentences say the same thing).
RECOMMENDED_MIN_SCORE: dict[str, float] = {"hybrid": 0.95, "mt": 0.9, "embed": 0.65}
# method -> dataset -> [precision of the mixed collection, strict precision on the true pairs, share of the
# strictly right groups kept], all at the recommended threshold.
CALIBRATION: dict[str, dict[str, list[float]]] = {
    "hybrid": {"textberg-dev": [1.0, 0.952, 0.333], "flores-google": [1.0, 0.996, 0.899],
               "comparable-google": [0.988, 0.988, 1.0]},
    "mt": {"textberg-dev": [0.992, 0.885, 0.95], "flores-google": [0.98, 0.991, 1.0],
           "comparable-google": [0.941, 0.963, 1.0]},
    "embed": {"textberg-dev": [0.993, 0.905, 0.723], "flores-google": [1.0, 0.995, 0.48],
              "comparable-google": [0.987, 0.949, 0.974]},
}
