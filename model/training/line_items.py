"""One model's per-item results on one line of the validation table, and the
calibration error measured on them: what validate.py produces and gate.py
judges, kept apart from both so that neither imports the other."""

from dataclasses import dataclass

import numpy as np

ECE_BINS = 10


@dataclass(frozen=True)
class LineItems:
    """One model's results on one line's items, in the line's item order: whether
    each was answered right, and the confidence shown (None: no calibration)."""

    correct: np.ndarray
    confidence: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "correct", np.asarray(self.correct, dtype=bool))
        if self.confidence is not None:
            confidence = np.asarray(self.confidence, dtype=np.float64)
            if confidence.shape != self.correct.shape:
                raise ValueError("confidence and correct must have one entry per item")
            object.__setattr__(self, "confidence", confidence)


def expected_calibration_error(confidence, correct, bins: int = ECE_BINS) -> float:
    """ECE over `bins` equal-width confidence bins (as calibration.reliability)."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return 0.0
    index = np.clip(np.digitize(confidence, np.linspace(0, 1, bins + 1)[1:-1]), 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    gaps = np.bincount(index, weights=correct - confidence, minlength=bins)
    return float(np.abs(gaps).sum() / len(confidence)) if counts.sum() else 0.0
