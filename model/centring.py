"""Centre-of-mass arithmetic shared by the stroke and the image paths.

MNIST puts a digit's centre of mass at the centre of the 28x28 field. A
lopsided drawing (a long tail, a stray dot) placed that way can reach past the
frame's edge; `fit_factor` says how much to shrink it first so nothing is cut
off and the centre of mass really lands on the centre.
"""

import numpy as np


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the image's centre of mass, in pixel-index coordinates."""
    mass = image.sum()
    rows = image.sum(axis=1) @ np.arange(image.shape[0]) / mass
    cols = image.sum(axis=0) @ np.arange(image.shape[1]) / mass
    return float(rows), float(cols)


def fit_factor(image: np.ndarray, target: float, size: int, margin: float) -> float:
    """The scale (<= 1) at which the ink, moved so its centre of mass is at
    `target` in a size x size frame, stays `margin` pixels clear of its edges."""
    factor = 1.0
    for axis, com in zip((1, 0), centre_of_mass(image), strict=True):
        inked = np.flatnonzero(image.any(axis=axis))
        before, after = com - inked[0], inked[-1] - com
        room_before, room_after = target - margin, size - 1 - margin - target
        if before > room_before:
            factor = min(factor, room_before / before)
        if after > room_after:
            factor = min(factor, room_after / after)
    return factor
