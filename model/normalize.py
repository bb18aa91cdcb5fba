"""An ink map of any size to an MNIST-style 28x28 image.

MNIST's recipe: crop to the ink's bounding box, fit it into a 20x20 box keeping
its aspect ratio with proper anti-aliasing, then place it so its centre of mass
is at the centre of the 28x28 field. The shift is sub-pixel (bilinear), so the
centre of mass lands on the centre rather than within a pixel of it; the ink is
fitted to INK_SPAN (19) pixels so that shift keeps it inside 20x20.
"""

import numpy as np
from PIL import Image

from model.centring import centre_of_mass, fit_to_frame
from model.contract import IMAGE_SIZE
from model.rasterize import CENTRE, INK_SPAN


def normalize_ink(ink: np.ndarray) -> np.ndarray:
    """Normalise a non-empty uint8 ink map (ink high, 255 the strongest) to the
    model's 28x28 float32 input in [0, 1]."""
    if ink.dtype != np.uint8:
        raise TypeError(f"an ink map is uint8, 0..255; got {ink.dtype}")
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    inked = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    crop = Image.fromarray(np.ascontiguousarray(inked))
    scale = INK_SPAN / max(crop.size)
    boxed = _resize(crop, scale)
    if not boxed.any():
        return np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    # A lopsided digit would reach past the frame once centred: shrink it first.
    # The sub-pixel shift spreads ink by up to a pixel: keep one pixel of margin.
    factor, (com_y, com_x) = fit_to_frame(boxed, CENTRE, IMAGE_SIZE, margin=1)
    if factor < 1.0:
        boxed = _resize(crop, scale * factor * 0.98)
        com_y, com_x = centre_of_mass(boxed)
    # Inverse affine map: output (x, y) samples the box at (x - dx, y - dy).
    dx, dy = CENTRE - com_x, CENTRE - com_y
    placed = Image.fromarray(boxed).transform(
        (IMAGE_SIZE, IMAGE_SIZE),
        Image.Transform.AFFINE,
        (1, 0, -dx, 0, 1, -dy),
        resample=Image.Resampling.BILINEAR,
    )
    # Eight bits all the way, as MNIST's own images are: a quarter less time than
    # floats, and within a few levels of them.
    return np.asarray(placed, dtype=np.float32) / np.float32(255)


def _resize(crop: Image.Image, scale: float) -> np.ndarray:
    """The crop scaled by `scale`, anti-aliased, padded by 2 zero pixels all round."""
    width, height = crop.size
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Pillow's resize filters its input when shrinking, which is the anti-aliasing
    # (and clamps Lanczos's ringing to 0..255); a large crop is first
    # box-averaged to within twice the size (reducing_gap).
    box = crop.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return np.pad(np.asarray(box), 2)  # bilinear edges blend with zeros
