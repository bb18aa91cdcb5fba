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

from model.centring import centre_of_mass, fit_factor
from model.contract import BOX_SIZE, IMAGE_SIZE

# Calibrated so rendered strokes have MNIST's median thickness (ink mass per
# unit of skeleton length, about 2.85 px on the training set).
PEN_WIDTH = 2.3
# The ink, pen included, spans this many pixels along its longer side: one
# less than BOX_SIZE because anti-aliasing at a sub-pixel position touches one
# more pixel, and MNIST's ink (fringe included) stays inside 20x20.
INK_SPAN = BOX_SIZE - 1
SUPERSAMPLE = 6
# Strokes are resampled to a point every half output pixel before drawing.
RESAMPLE_STEP = 0.5
MAX_REFITS = 4
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
    scale = (INK_SPAN - PEN_WIDTH) * SUPERSAMPLE / span
    size = IMAGE_SIZE * SUPERSAMPLE
    # Output pixel c covers hi-res pixels c*S .. c*S+S-1, centred on c*S + (S-1)/2.
    target = SUPERSAMPLE * CENTRE + (SUPERSAMPLE - 1) / 2
    # A lopsided drawing would reach past the frame once centred: draw it smaller.
    # The pen keeps its width, so one shrink can fall short; a few always do.
    for _ in range(MAX_REFITS):
        hi_res = _draw(strokes, (low, scale), size)
        ink = np.asarray(hi_res)
        # One output pixel of margin, plus half a hi-res pixel of rounding in the shift.
        factor = fit_factor(ink, target, size, margin=SUPERSAMPLE + 0.5)
        if factor >= 1.0:
            break
        scale *= factor * 0.98
    rows, cols = centre_of_mass(ink)
    centred = Image.new("L", hi_res.size, 0)
    centred.paste(hi_res, (round(target - cols), round(target - rows)))  # paste clips
    # Averaging each SUPERSAMPLE x SUPERSAMPLE block is the anti-aliasing.
    return np.asarray(centred.reduce(SUPERSAMPLE)).astype(np.float32) / 255.0


def _draw(strokes, placement, size) -> Image.Image:
    """Strokes drawn with the pen at the frame's top-left corner, hi-res, 0..255."""
    low, scale = placement
    pen = PEN_WIDTH * SUPERSAMPLE
    radius = pen / 2
    # Pillow's ellipse covers its bounding box inclusively, one pixel more than its width.
    dot = radius - 0.5
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        xy = _resample((stroke - low) * scale + radius, RESAMPLE_STEP * SUPERSAMPLE)
        if len(xy) > 1:
            draw.line(xy.ravel().tolist(), fill=255, width=max(1, round(pen)))
        for x, y in xy.tolist():  # round caps and joins: a pen-sized dot at every vertex
            draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=255)
    return canvas


def _resample(xy: np.ndarray, step: float) -> np.ndarray:
    """Points evenly spaced `step` apart along the polyline (ends kept), vectorised.

    A canvas stroke has a point every few screen pixels, hundreds of them once
    scaled into 20 pixels; drawing cost follows the point count, and points far
    closer than a pixel add nothing to the image."""
    lengths = np.hypot(*np.diff(xy, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    if len(xy) < 2 or along[-1] <= step:
        return xy[[0, -1]] if len(xy) > 1 else xy
    at = np.linspace(0.0, along[-1], int(np.ceil(along[-1] / step)) + 1)
    return np.stack([np.interp(at, along, xy[:, 0]), np.interp(at, along, xy[:, 1])], axis=1)
