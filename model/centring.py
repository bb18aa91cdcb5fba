"""Centre-of-mass arithmetic shared by the stroke and the image paths.

MNIST puts a digit's centre of mass at the centre of the 28x28 field. A
lopsided drawing (a long tail, a stray dot) placed that way can reach past the
frame's edge; `fit_factor` says how much to shrink it first so nothing is cut
off and the centre of mass really lands on the centre.
"""

import numpy as np


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the image's centre of mass, in pixel-index coordinates."""
    return _centre(image.sum(axis=1), image.sum(axis=0))


def fit_factor(image: np.ndarray, target: float, size: int, margin: float) -> float:
    """The scale (<= 1) at which the ink, moved so its centre of mass is at
    `target` in a size x size frame, stays `margin` pixels clear of its edges."""
    factor = 1.0
    profiles = image.sum(axis=1), image.sum(axis=0)  # rows, columns: ink is never negative
    for profile, com in zip(profiles, _centre(*profiles), strict=True):
        inked = np.flatnonzero(profile)
        before, after = com - inked[0], inked[-1] - com
        room_before, room_after = target - margin, size - 1 - margin - target
        if before > room_before:
            factor = min(factor, room_before / before)
        if after > room_after:
            factor = min(factor, room_after / after)
    return factor


def _centre(rows: np.ndarray, cols: np.ndarray) -> tuple[float, float]:
    mass = rows.sum()
    return float(rows @ np.arange(len(rows)) / mass), float(cols @ np.arange(len(cols)) / mass)
