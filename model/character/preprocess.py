"""Public preprocessing API: any drawing in, the model's 28x28 input out.

Two entry points, one per input format, both pure (no Dash, no Flask):
`preprocess_canvas` for dash-canvas strokes and `preprocess_image` for an
image as a data URL or bytes. Both return `Preprocessed`; an empty or
near-empty drawing is a normal outcome (`empty=True`), and bad input raises
the `model.core.errors.InvalidInput` family.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

from model.character.normalize import as_normalized, normalize_ink
from model.character.rasterize import render_strokes
from model.core.contract import MIN_INK_PIXELS
from model.core.errors import InvalidInput
from model.inputs.canvas import MAX_CANVAS_JSON_CHARS, MAX_OBJECTS, MAX_POINTS, parse_canvas
from model.inputs.images import (
    MAX_DATA_URL_CHARS,
    MAX_IMAGE_PIXELS,
    LocatedInk,
    decode_data_url,
    locate_ink,
    open_image,
)

__all__ = [
    "MAX_CANVAS_JSON_CHARS",
    "MAX_DATA_URL_CHARS",
    "MAX_IMAGE_PIXELS",
    "MAX_OBJECTS",
    "MAX_POINTS",
    "Preprocessed",
    "min_extent",
    "preprocess_canvas",
    "preprocess_image",
    "preprocess_strokes",
    "read_image",
    "read_ink",
]

# A drawing smaller than this is a tap or a slip, not a digit: in canvas units,
# and as a fraction of the canvas's shorter side when the canvas size is known.
MIN_EXTENT = 3.0
MIN_EXTENT_FRACTION = 0.02


@dataclass(frozen=True)
class Preprocessed:
    """The model's input (28x28 float32, ink high) or `empty=True` with no image."""

    image: np.ndarray | None
    empty: bool

    @classmethod
    def nothing(cls) -> "Preprocessed":
        return cls(image=None, empty=True)


def preprocess_canvas(json_data, width=None, height=None) -> Preprocessed:
    """dash-canvas `json_data` (string or parsed dict) to the model's input."""
    return preprocess_strokes(parse_canvas(json_data), width, height)


def preprocess_strokes(strokes: list[np.ndarray], width=None, height=None) -> Preprocessed:
    """Polylines in canvas units (y down) to the model's input."""
    image = render_strokes(strokes, min_extent=min_extent(width, height))
    if image is None:
        return Preprocessed.nothing()
    return Preprocessed(image=image, empty=False)


def preprocess_image(data) -> Preprocessed:
    """A `data:image/...;base64,` URL, bare base64 text, or raw bytes to the model's input."""
    located, as_is = read_ink(data)
    if as_is is not None:
        return Preprocessed(image=as_is, empty=False)
    if np.count_nonzero(located.ink) < MIN_INK_PIXELS:
        return Preprocessed.nothing()
    return Preprocessed(image=normalize_ink(located.ink), empty=False)


def read_ink(data) -> tuple[LocatedInk, np.ndarray | None]:
    """An image's ink and where it lies, and, when the image already is the
    model's input (model/normalize.as_normalized), that input as it is."""
    image = read_image(data)
    located = locate_ink(image)
    if np.count_nonzero(located.ink) < MIN_INK_PIXELS:
        return located, None
    return located, as_normalized(located, image.size)


def min_extent(width=None, height=None) -> float:
    """The size, in canvas units, under which a drawing is a tap or a slip, not a digit."""
    threshold = MIN_EXTENT
    canvas_side = _canvas_side(width, height)
    if canvas_side is not None:
        threshold = max(threshold, MIN_EXTENT_FRACTION * canvas_side)
    return threshold


def read_image(data) -> Image.Image:
    """A `data:image/...;base64,` URL, bare base64 text, or raw bytes, opened."""
    if isinstance(data, str):
        data = decode_data_url(data)
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidInput("image must be a data URL string or bytes")
    return open_image(bytes(data))


def _canvas_side(width, height) -> float | None:
    sides = []
    for name, value in (("width", width), ("height", height)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput(f"canvas {name} must be a number, got {value!r:.40}")
        if not 0 < value <= 100_000:  # also false for NaN, inf and ints too big for a float
            raise InvalidInput(f"canvas {name} must be a positive finite number, got {value}")
        sides.append(float(value))
    return min(sides) if sides else None
