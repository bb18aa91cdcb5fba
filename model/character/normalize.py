"""An ink map of any size to an MNIST-style 28x28 image.

MNIST's recipe: crop to the ink's bounding box, fit it into a 20x20 box keeping
its aspect ratio with proper anti-aliasing, then place it so its centre of mass
is at the centre of the 28x28 field. The shift is sub-pixel (bilinear), so the
centre of mass lands on the centre rather than within a pixel of it; the ink is
fitted to INK_SPAN (19) pixels so that shift keeps it inside 20x20.

An image that already is in that form (`as_normalized`: 28x28, the ink's
longest side 19 or 20 pixels, its centre of mass within a pixel of the centre,
as every MNIST image and every preview this app shows are) is used as it is:
resampling it again could only blur it.
"""

import numpy as np
from PIL import Image

from model.character.centring import centre_of_mass, fit_to_frame
from model.character.stroke_width import thickened
from model.core.contract import BOX_SIZE, CENTRE, IMAGE_SIZE, INK_SPAN
from model.inputs.images import LocatedInk

# How far from the centre an already normalised image's centre of mass may be:
# MNIST shifts by whole pixels, so its own images are within half a pixel.
NORMALIZED_CENTRE_TOLERANCE = 1.0
# Ink that resizing has left fainter than this (isolated specks shrunk with
# the paper round them; a stroke is grown to the pen's width first and stays
# strong) is stretched to full strength before it is placed: a handful of
# eight-bit levels would round its centre of mass off the centre.
FAINT = 128


def normalize_ink(ink: np.ndarray, pen: float | None = None) -> np.ndarray:
    """Normalise a non-empty uint8 ink map (ink high, 255 the strongest) to the
    model's 28x28 float32 input in [0, 1], its strokes no thinner than the
    stroke path's pen (model/character/stroke_width.py; `pen` as `thickened` takes it)."""
    if ink.dtype != np.uint8:
        raise TypeError(f"an ink map is uint8, 0..255; got {ink.dtype}")
    inked = _cropped(ink)
    grown = thickened(inked, pen)
    if grown is not None:
        inked = _cropped(grown)
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
    strongest = int(boxed.max())
    if strongest < FAINT:  # the centre of mass is the same, scaled
        boxed = (boxed.astype(np.uint16) * 255 // strongest).astype(np.uint8)
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


def as_normalized(located: LocatedInk, image_size: tuple[int, int]) -> np.ndarray | None:
    """The model's input, unchanged, when the image (of `image_size` pixels)
    already is one (see the module's docstring); otherwise None."""
    height, width = located.ink.shape
    if image_size != (IMAGE_SIZE, IMAGE_SIZE) or located.scale != 1:
        return None
    if max(height, width) not in (INK_SPAN, BOX_SIZE):
        return None
    field = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    field[located.top : located.top + height, located.left : located.left + width] = located.ink
    com_y, com_x = centre_of_mass(field)
    if max(abs(com_y - CENTRE), abs(com_x - CENTRE)) > NORMALIZED_CENTRE_TOLERANCE:
        return None
    return field.astype(np.float32) / np.float32(255)


def _cropped(ink: np.ndarray) -> np.ndarray:
    """The ink map cut to the box of its ink."""
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _resize(crop: Image.Image, scale: float) -> np.ndarray:
    """The crop scaled by `scale`, anti-aliased, padded by 2 zero pixels all round."""
    width, height = crop.size
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Pillow's resize filters its input when shrinking, which is the anti-aliasing
    # (and clamps Lanczos's ringing to 0..255); a large crop is first
    # box-averaged to within twice the size (reducing_gap).
    box = np.asarray(crop.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0))
    # Bilinear edges blend with zeros. (np.pad costs more than the resize here.)
    padded = np.zeros((box.shape[0] + 4, box.shape[1] + 4), dtype=box.dtype)
    padded[2:-2, 2:-2] = box
    return padded
