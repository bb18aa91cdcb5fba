"""What a correction is before and after it is stored, checked, and packed compactly.

A new correction holds what the person wrote, what the reader answered, the
drawing as it came (canvas JSON text with its size, or image bytes), and the
28x28 inputs the model saw, one per character. Inputs are kept as one byte a
pixel (0-255): the model's inputs are grey levels in 0..1 made from 8-bit
drawings, and a byte keeps them to within 1/510 at an eighth of float32's size.
"""

import base64
import binascii
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from corrections.errors import InvalidCorrection

SIDE = 28
PIXELS = SIDE * SIDE
MAX_WROTE = 12
# The reader reads at most this many characters (model.grouping.MAX_CHARACTERS).
MAX_CHARACTERS = 12
MAX_CONFIDENCES = 4 * MAX_CHARACTERS
MAX_READING = 64
# Drawings come through the web layer's body limit; the store bounds them again.
MAX_CANVAS_JSON_CHARS = 2_000_000
MAX_IMAGE_BYTES = 6_000_000
MAX_SIDE = 100_000.0
_WROTE = re.compile(r"[0-9]{1,12}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MEDIA_TYPE = re.compile(r"image/[a-z0-9.+-]{1,40}")
_DATA_URL = re.compile(r"data:(image/[a-z0-9.+-]{1,40});base64,", re.IGNORECASE)


def validate_wrote(wrote: Any) -> str:
    """`wrote` if it is what a person can write in the field: a string of 1 to 12
    digits 0-9. Raises InvalidCorrection saying what is wrong otherwise."""
    if not isinstance(wrote, str):
        raise InvalidCorrection(
            f"'wrote' must be a string of 1 to {MAX_WROTE} digits 0-9, got {type(wrote).__name__}"
        )
    if not wrote:
        raise InvalidCorrection("'wrote' is empty: give the digits you wrote (1 to 12, 0-9)")
    if len(wrote) > MAX_WROTE:
        raise InvalidCorrection(f"'wrote' has {len(wrote)} characters: at most {MAX_WROTE} digits")
    if not _WROTE.fullmatch(wrote):
        raise InvalidCorrection(f"'wrote' must hold only the digits 0-9, got {wrote[:20]!r}")
    return wrote


@dataclass(frozen=True)
class CanvasDrawing:
    """dash-canvas json_data as text, with the pad's size when the client gave it."""

    json_text: str
    width: float | None = None
    height: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields /api/predict takes for this drawing."""
        fields: dict[str, Any] = {"canvas": self.json_text}
        if self.width is not None:
            fields["width"] = self.width
        if self.height is not None:
            fields["height"] = self.height
        return fields


@dataclass(frozen=True)
class ImageDrawing:
    """An image's bytes and media type (image/png, image/jpeg, ...)."""

    data: bytes
    media_type: str

    @classmethod
    def from_data_url(cls, text: str) -> "ImageDrawing":
        """The image in a `data:image/...;base64,...` URL; raises InvalidCorrection."""
        match = _DATA_URL.match(text)
        if not match:
            raise InvalidCorrection("'image' must be a data:image/...;base64,... data URL")
        try:
            data = base64.b64decode(text[match.end() :], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidCorrection("'image' data URL is not valid base64") from None
        return cls(data, match.group(1).lower())

    def as_dict(self) -> dict[str, Any]:
        """The fields /api/predict takes for this drawing: a data URL."""
        encoded = base64.b64encode(self.data).decode("ascii")
        return {"image": f"data:{self.media_type};base64,{encoded}"}


Drawing = CanvasDrawing | ImageDrawing


@dataclass(frozen=True)
class NewCorrection:
    """One correction as the web layer hands it over, after reading the drawing itself.

    `inputs` holds one 28x28 array of grey levels in 0..1 per character read;
    `reading` is the reader's answer (None when it read no number)."""

    wrote: str
    reading: str | None
    confidences: list[float]
    model_sha256: str
    drawing: Drawing
    inputs: list[Any]


def pack_inputs(inputs: list[Any]) -> tuple[int, bytes]:
    """The character count and one byte a pixel, row after row; raises InvalidCorrection."""
    if len(inputs) > MAX_CHARACTERS:
        raise InvalidCorrection(f"at most {MAX_CHARACTERS} character inputs, got {len(inputs)}")
    if len(inputs) == 0:
        return 0, b""
    try:
        stack = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)
    except (TypeError, ValueError):
        raise InvalidCorrection("each character input must be a 28x28 array of numbers") from None
    shapes_ok = all(np.shape(one) in ((SIDE, SIDE), (SIDE, SIDE, 1)) for one in inputs)
    if stack.shape[1] != PIXELS or not shapes_ok:
        raise InvalidCorrection("each character input must be a 28x28 array of numbers")
    if not np.all(np.isfinite(stack)) or stack.min() < 0 or stack.max() > 1:
        raise InvalidCorrection("character inputs must be grey levels in 0..1")
    return len(inputs), np.rint(stack * 255).astype(np.uint8).tobytes()


def unpack_inputs(characters: int, packed: bytes) -> list[list[list[float]]]:
    """One 28x28 list of grey levels in 0..1 per character (JSON-ready)."""
    pixels = np.frombuffer(packed, dtype=np.uint8).reshape(characters, SIDE, SIDE)
    return np.round(pixels / 255.0, 4).tolist()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_new(new: NewCorrection) -> None:
    """Raise InvalidCorrection unless `new` can be stored as it is."""
    validate_wrote(new.wrote)
    if new.reading is not None and (
        not isinstance(new.reading, str) or not 0 < len(new.reading) <= MAX_READING
    ):
        raise InvalidCorrection(f"'reading' must be None or a string of at most {MAX_READING}")
    if not isinstance(new.model_sha256, str) or not _SHA256.fullmatch(new.model_sha256):
        raise InvalidCorrection("'model_sha256' must be 64 lower-case hex digits")
    confidences = new.confidences
    if not isinstance(confidences, list) or len(confidences) > MAX_CONFIDENCES:
        raise InvalidCorrection(f"'confidences' must be a list of at most {MAX_CONFIDENCES}")
    for value in confidences:
        if not _is_number(value) or not math.isfinite(value):
            raise InvalidCorrection("'confidences' must hold finite numbers")
    drawing = new.drawing
    if isinstance(drawing, CanvasDrawing):
        if not isinstance(drawing.json_text, str) or not drawing.json_text:
            raise InvalidCorrection("the canvas drawing must be non-empty JSON text")
        if len(drawing.json_text) > MAX_CANVAS_JSON_CHARS:
            raise InvalidCorrection(
                f"the canvas drawing is over {MAX_CANVAS_JSON_CHARS} characters"
            )
        for side in (drawing.width, drawing.height):
            if side is not None and not (_is_number(side) and 0 < side <= MAX_SIDE):
                raise InvalidCorrection("the canvas width and height must be positive numbers")
    elif isinstance(drawing, ImageDrawing):
        if not isinstance(drawing.data, bytes) or not drawing.data:
            raise InvalidCorrection("the image drawing must be non-empty bytes")
        if len(drawing.data) > MAX_IMAGE_BYTES:
            raise InvalidCorrection(f"the image is over {MAX_IMAGE_BYTES} bytes")
        if not _MEDIA_TYPE.fullmatch(drawing.media_type):
            raise InvalidCorrection("the image's media type must look like image/png")
    else:
        raise InvalidCorrection("a correction needs its drawing: a canvas or an image")


@dataclass(frozen=True)
class StoredCorrection:
    """A stored correction as the review page shows it (no inputs, no secrets)."""

    id: str
    created_at: datetime
    status: str
    wrote: str
    reading: str | None
    confidences: list[float]
    model_sha256: str
    drawing: Drawing
    reviewed_at: datetime | None
