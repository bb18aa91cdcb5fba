"""Centre-of-mass arithmetic shared by the stroke and the image paths.

MNIST puts a digit's centre of mass at the centre of the 28x28 field. A
lopsided drawing (a long tail, a stray dot) placed that way can reach past the
frame's edge; `fit_to_frame` says how much to shrink it first so nothing is cut
off and the centre of mass really lands on the centre.
"""

import numpy as np


def ink_profiles(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The image's ink summed along each row and each column, as float64.

    One float32 matrix-vector product per axis: far cheaper than NumPy's
    integer reductions on the rasterizer's uint8 canvas, and exact there, since
    a row or column of it sums to far less than 2**24."""
    image = image.astype(np.float32, copy=False)
    rows = image @ np.ones(image.shape[1], np.float32)
    cols = np.ones(image.shape[0], np.float32) @ image
    return rows.astype(np.float64), cols.astype(np.float64)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the image's centre of mass, in pixel-index coordinates."""
    return _centre(*ink_profiles(image))


def fit_to_frame(
    image: np.ndarray, target: float, size: int, margin: float
) -> tuple[float, tuple[float, float]]:
    """(factor, centre of mass): the scale (<= 1) at which the ink, moved so its
    centre of mass is at `target` in a size x size frame, stays `margin` pixels
    clear of its edges, and the (row, column) centre of mass it was moved by."""
    factor = 1.0
    profiles = ink_profiles(image)  # ink is never negative
    centre = _centre(*profiles)
    for profile, com in zip(profiles, centre, strict=True):
        inked = np.flatnonzero(profile)
        before, after = com - inked[0], inked[-1] - com
        room_before, room_after = target - margin, size - 1 - margin - target
        if before > room_before:
            factor = min(factor, room_before / before)
        if after > room_after:
            factor = min(factor, room_after / after)
    return factor, centre


def _centre(rows: np.ndarray, cols: np.ndarray) -> tuple[float, float]:
    mass = rows.sum()
    return float(rows @ np.arange(len(rows)) / mass), float(cols @ np.arange(len(cols)) / mass)
