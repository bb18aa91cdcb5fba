"""Strokes to an MNIST-style 28x28 image.

The strokes are drawn straight into the model's frame, MNIST's way: the
drawing, pen included, is scaled to fit a 20x20 box keeping its aspect ratio,
drawn with round caps and joins at SUPERSAMPLE times the resolution (which is
the anti-aliasing), shifted so its centre of mass sits at the centre of the
28x28 field, and averaged down. The pen is always PEN_WIDTH output pixels
wide, so the brush width and canvas size the person used do not change what
the model sees: only the shape of the strokes does.
"""

import numpy as np
from PIL import Image, ImageDraw

from model.contract import BOX_SIZE, IMAGE_SIZE

# Calibrated so rendered strokes have MNIST's median thickness (ink mass per
# unit of skeleton length, about 2.85 px on the training set).
PEN_WIDTH = 2.4
# The ink, pen included, spans this many pixels along its longer side: one
# less than BOX_SIZE because anti-aliasing at a sub-pixel position touches one
# more pixel, and MNIST's ink (fringe included) stays inside 20x20.
INK_SPAN = BOX_SIZE - 1
SUPERSAMPLE = 6
# MNIST's digits have their centre of mass at (14.0, 14.0) in pixel-index
# coordinates (measured on the training set: 13.99, 14.00).
CENTRE = IMAGE_SIZE / 2


def extent(strokes: list[np.ndarray]) -> float:
    """The larger side of the strokes' bounding box, in canvas units."""
    points = np.concatenate(strokes)
    return float(np.ptp(points, axis=0).max())


def render_strokes(strokes: list[np.ndarray]) -> np.ndarray:
    """Render non-empty strokes into a normalised 28x28 float32 image, ink high."""
    points = np.concatenate(strokes)
    low = points.min(axis=0)
    span = max(float(np.ptp(points, axis=0).max()), 1e-9)
    pen = PEN_WIDTH * SUPERSAMPLE
    scale = (INK_SPAN - PEN_WIDTH) * SUPERSAMPLE / span
    size = IMAGE_SIZE * SUPERSAMPLE
    # Draw with the box at the frame's top-left corner (plus half a pen), then
    # move the ink by whole hi-res pixels so the centre of mass lands at CENTRE.
    margin = pen / 2
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for stroke in strokes:
        xy = (stroke - low) * scale + margin
        flat = xy.ravel().tolist()
        if len(xy) > 1:
            draw.line(flat, fill=255, width=max(1, round(pen)), joint="curve")
        for x, y in (xy[0], xy[-1]):  # round caps; joints are rounded by "curve"
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    hi_res = np.asarray(canvas, dtype=np.float32)
    # Output pixel c covers hi-res pixels c*S .. c*S+S-1, centred on c*S + (S-1)/2.
    hi_res = _shift_to_centre(hi_res, SUPERSAMPLE * CENTRE + (SUPERSAMPLE - 1) / 2)
    image = hi_res.reshape(IMAGE_SIZE, SUPERSAMPLE, IMAGE_SIZE, SUPERSAMPLE).mean(axis=(1, 3))
    return image / 255.0


def _shift_to_centre(image: np.ndarray, target: float) -> np.ndarray:
    """Translate `image` by whole pixels so its centre of mass is nearest `target`."""
    mass = image.sum()
    rows = image.sum(axis=1) @ np.arange(image.shape[0]) / mass
    cols = image.sum(axis=0) @ np.arange(image.shape[1]) / mass
    dy, dx = round(target - rows), round(target - cols)
    shifted = np.zeros_like(image)
    height, width = image.shape
    shifted[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)] = image[
        max(0, -dy) : height - max(0, dy), max(0, -dx) : width - max(0, dx)
    ]
    return shifted
