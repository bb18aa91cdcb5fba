"""How wide an image's strokes are, and thin strokes made as wide as the pen
the stroke path draws with.

The stroke path draws every digit with a PEN_WIDTH pen (model/core/contract.py),
and the model learnt pen-written digits at that width. An image's strokes can
be far thinner once the character is fitted into the 20x20 box: a fine pen, or
a digit drawn large, leaves strokes a pixel wide or less. Thin, the pen-written
conventions the model knows at its own pen width read as MNIST's (a 1 with a long upstroke as a 7),
so `thickened` grows strokes surely thinner than that to PEN_WIDTH before
the character is normalised (on the 24 writers the held-out figures do not
use, numbers read through an image went from 88.8% to 92.5% exactly right).
Bold strokes are left as they are: MNIST is full of them.
"""

import math

import numpy as np
from PIL import Image

from model.core.contract import INK_SPAN, PEN_WIDTH

# Strokes are grown at WORK_SCALE to twice WORK_SCALE times the output's
# resolution (a 19-pixel character is worked on 38 to 76 pixels); a character
# smaller than WORK_SCALE times the output keeps its strokes.
WORK_SCALE = 2
# Strokes measured thinner than this once fitted are grown: `stroke_width`
# reads a slanting stroke as thin as 1/sqrt(2) of its width, so under this a
# stroke is thinner than PEN_WIDTH whatever its slant (an enlarged MNIST digit
# is not).
SURELY_THIN = PEN_WIDTH / math.sqrt(2)
# An ink pixel at least this strong is inside a stroke (half of full ink: the
# edge of an anti-aliased stroke).
INSIDE = 128


def stroke_width(mask: np.ndarray) -> float:
    """The typical width of the strokes of a mask: for a stroke w wide and much
    longer, twice its area over its outline's length is w. The outline is
    counted along the rows and columns, so a slanting stroke measures up to
    1/sqrt(2) of its width (the growth `thickened` makes was measured so)."""
    outline = np.count_nonzero(np.diff(mask, axis=0)) + np.count_nonzero(np.diff(mask, axis=1))
    outline += 2 * (np.count_nonzero(mask[[0, -1]]) + np.count_nonzero(mask[:, [0, -1]]))
    return 2.0 * np.count_nonzero(mask) / max(outline, 1)


def thickened(ink: np.ndarray, pen: float | None = None) -> np.ndarray | None:
    """The uint8 ink map of one character (cropped to its ink) with strokes
    grown to PEN_WIDTH output pixels once fitted into INK_SPAN, at a working
    resolution, with a margin of empty pixels round what grew;
    None when its strokes are not SURELY_THIN, none is INSIDE strong, or
    the character is under WORK_SCALE times the output's size.
    `pen` is `inside_width` of the ink, or of the image it was cut from (the
    same pen, measured on more ink)."""
    pen = inside_width(ink) if pen is None else pen
    output_scale = INK_SPAN / max(ink.shape)
    if pen <= 0 or pen * output_scale >= SURELY_THIN:
        return None
    # A box average by a whole factor: cheap, and the normaliser's own
    # anti-aliased resize follows.
    factor = math.floor(1 / (WORK_SCALE * output_scale))
    if factor < 1:
        # About the model's own size (an MNIST-sized image): growing strokes
        # at that resolution moves whole pixels, and MNIST's strokes are what
        # the model learnt from.
        return None
    work_scale = 1 / factor
    # A pen thinner than a working pixel would be averaged into faint ink: its
    # strongest pixel in each block keeps it whole, a working pixel wide.
    scaled = _reduced(ink, factor, strongest=pen < factor)
    # Both sides of a stroke grow by half the missing width.
    grow = (PEN_WIDTH / output_scale - max(pen, factor)) * work_scale / 2
    steps = math.floor(grow)
    margin = steps + 1
    work = np.zeros((scaled.shape[0] + 2 * margin, scaled.shape[1] + 2 * margin), np.uint8)
    work[margin:-margin, margin:-margin] = scaled
    # Grey dilation keeps the strokes' anti-aliased edges. Steps alternate a
    # cross and a square, whose sum is an octagon, near enough a round pen;
    # the fraction of a step is a blend with one step more.
    for step in range(steps):
        work = _dilated(work, diagonals=step % 2 == 1)
    fraction = grow - steps
    if fraction > 0:
        further = _dilated(work, diagonals=steps % 2 == 1)
        work = np.round(work + fraction * (further - work.astype(np.float32))).astype(np.uint8)
    return work


def inside_width(ink: np.ndarray) -> float:
    """The stroke width of the ink's pixels at least INSIDE strong; 0 when none is."""
    return stroke_width(ink >= INSIDE)


def _dilated(ink: np.ndarray, diagonals: bool) -> np.ndarray:
    """The ink's greatest value among each pixel and its 4 (or 8) neighbours;
    the map's edge stays 0 (the caller's margin)."""
    out = ink.copy()
    inner = out[1:-1, 1:-1]
    neighbours = [(0, 1), (1, 0), (1, 2), (2, 1)]
    if diagonals:
        neighbours += [(0, 0), (0, 2), (2, 0), (2, 2)]
    height, width = ink.shape
    for row, col in neighbours:
        np.maximum(inner, ink[row : row + height - 2, col : col + width - 2], out=inner)
    return out


def _reduced(ink: np.ndarray, factor: int, strongest: bool) -> np.ndarray:
    """The ink in blocks of factor x factor pixels: their mean, or their
    strongest pixel."""
    if factor == 1:
        return ink
    if strongest:
        height, width = (-(-side // factor) * factor for side in ink.shape)
        padded = np.zeros((height, width), np.uint8)
        padded[: ink.shape[0], : ink.shape[1]] = ink
        return padded.reshape(height // factor, factor, width // factor, factor).max(axis=(1, 3))
    return np.asarray(Image.fromarray(np.ascontiguousarray(ink)).reduce(factor))
