"""Reading drawings sent as images: data URL or bytes in, an ink map out.

An ink map is a uint8 (height, width) array, 0 where there is no ink and 255
for the strongest ink, cropped to the ink's bounding box. Whether ink is dark
on light or light on dark is decided from the paper, never assumed: the border
where it is even, else the border's sides and the whole image's levels, so a
digit cropped tight to its ink or lit unevenly reads as well (`_ink_contrast`);
a transparent canvas export is read by its alpha channel.
Undecodable input and images beyond MAX_IMAGE_PIXELS (decompression bombs)
raise `InvalidInput` / `InputTooLarge`, in our words: Pillow's own messages
name its internals and the address of its stream, so none is passed on.

An image is read as a browser shows it: turned as its EXIF orientation says
(a phone photo is stored sideways), and its levels in 8 bits whatever its
mode: 16-bit and 32-bit greyscale scaled by their bit depth (not clipped),
CIELab by its lightness, every other mode through Pillow's conversions or,
where Pillow has none, refused with InvalidInput.

Only ACCEPTED_FORMATS are read: what a browser canvas exports (PNG, JPEG,
WebP) and what scanners and paint programs save (GIF, BMP, TIFF). Pillow's
other readers (EPS through Ghostscript, PSD, ICO and some thirty more) are never
reached. A JPEG is refused before decoding when it has more than MAX_JPEG_SCANS
scans: a progressive decoder walks the whole image once per scan, so a few kB
of scans can cost seconds.
"""

import base64
import binascii
import functools
import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
import pyspng
from PIL import ExifTags, Image, ImageChops, UnidentifiedImageError

from model.core.errors import InputTooLarge, InvalidInput

# 2048x2048 covers a full-screen canvas on a high-density display; a decoded
# RGBA image of that size is 16 MB, so a few at once still fit a 512 MB dyno.
MAX_IMAGE_PIXELS = 2048 * 2048
# Larger drawings are box-averaged down (in Pillow, one byte a pixel) to at most
# this side first: the digit ends up 20 pixels tall, so nothing is lost.
WORKING_SIDE = 560
MAX_DATA_URL_CHARS = 8_000_000
# Below this contrast against the background a pixel is noise (JPEG ringing,
# paper texture), not ink.
MIN_CONTRAST = 0.08
# Pillow's format names (a JPEG with a multi-picture header opens as "MPO").
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
ACCEPTED_FORMAT_NAMES = "PNG, JPEG, WebP, GIF, BMP or TIFF"
# libjpeg's progressive script has 10 scans (6 for greyscale); a 2048x2048 JPEG
# of 32 scans decodes in under 0.1 s, one of 1,000 takes 2.5 s.
MAX_JPEG_SCANS = 32
_JPEG_START_OF_SCAN = b"\xff\xda"
# A PNG's compressed text and colour profile chunks are each inflated (up to
# a megabyte) when it is opened, though none of them is needed: an editor
# writes a few (a profile, XMP), a request that holds dozens is a cost bomb.
MAX_PNG_COMPRESSED_CHUNKS = 8
_PNG_COMPRESSED_CHUNKS = (b"zTXt", b"iTXt", b"iCCP")
# Where a PNG can say its orientation, as Pillow reads it: an eXIf chunk, or a
# text chunk (its key is never compressed) holding EXIF or XMP.
_PNG_ORIENTATION_CHUNKS = (b"eXIf", b"Raw profile type exif", b"XML:com.adobe.xmp")
# Paper whose level changes by less than this across the image is evenly lit:
# one level is its background, as for a canvas export or a flatbed scan.
UNEVEN_LIGHT_LEVELS = 8
# Ink in dim light is brightened as the paper around it would be to match the
# brightest paper, but not where the paper is darker than this: the level of a
# black page or board says nothing of the light on it.
DIM_PAPER_LEVEL = 32

_BASE64_MARKER = ";base64,"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types that libspng decodes to exactly Pillow's pixels at 8 bits a
# sample, with the Pillow mode each opens as (pyspng cannot output grey + alpha).
_PNG_COLOUR_MODES = {0: "L", 2: "RGB", 6: "RGBA"}
# How each accepted format's data starts, to say which one a corrupt header claimed.
_SIGNATURES = (
    (_PNG_SIGNATURE, "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
# Modes locate_ink reads through Pillow's own conversions to L and RGBA.
_CONVERTIBLE_MODES = (
    "1",
    "L",
    "LA",
    "La",
    "P",
    "PA",
    "RGB",
    "RGBA",
    "RGBa",
    "RGBX",
    "CMYK",
    "YCbCr",
)
_EXIF_ORIENTATION = ExifTags.Base.Orientation
_TRANSPOSES = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Greyscale modes of more than 8 bits, each level scaled to 8 bits by its bit
# depth's largest level (as a browser shows a 16-bit PNG).
_WIDE_GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


def decode_data_url(data_url: str) -> bytes:
    """The bytes of a `data:image/...;base64,...` URL (or of bare base64 text)."""
    if len(data_url) > MAX_DATA_URL_CHARS:
        raise InputTooLarge(
            f"image data is {len(data_url)} characters; the limit is {MAX_DATA_URL_CHARS}"
        )
    payload = data_url.strip()
    if payload.startswith("data:"):
        header, marker, payload = payload.partition(_BASE64_MARKER)
        if not marker:
            raise InvalidInput("image data URL must be base64-encoded (data:image/png;base64,...)")
        if not header.startswith("data:image/"):
            raise InvalidInput(f"data URL is {header[5:40]!r}, not an image")
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput(f"image data is not valid base64: {error}") from error


def open_image(data: bytes) -> Image.Image:
    """Decode image bytes with Pillow, refusing what is not an image or too large."""
    if not data:
        raise InvalidInput("image data is empty")
    if data.startswith(_PNG_SIGNATURE):
        # Counted as the bytes of their names, which compressed data all but
        # never holds: no Python loop over a million tiny chunks.
        chunks = sum(data.count(name) for name in _PNG_COMPRESSED_CHUNKS)
        if chunks > MAX_PNG_COMPRESSED_CHUNKS:
            raise InputTooLarge(
                f"PNG has {chunks} compressed text or colour profile chunks; "
                f"the limit is {MAX_PNG_COMPRESSED_CHUNKS}"
            )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard fires at open for sizes far beyond ours.
        raise InputTooLarge(f"image is beyond the limit of {MAX_IMAGE_PIXELS} pixels") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise InvalidInput(_unreadable(data, error)) from error
    # Checked before decoding any pixel: the header alone says how large it is.
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise InputTooLarge(
            f"image is {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS} pixels"
        )
    if image.format in ("JPEG", "MPO"):
        # Each scan starts with this marker, which entropy-coded data never holds
        # (a 0xFF there is followed by 0x00); a thumbnail's scans count too.
        scans = data.count(_JPEG_START_OF_SCAN)
        if scans > MAX_JPEG_SCANS:
            raise InputTooLarge(
                f"JPEG has {scans} scans; the limit is {MAX_JPEG_SCANS} "
                "(a progressive JPEG has about 10)"
            )
    orientation = _orientation(image, data)
    if _is_plain_png(image, data):
        image = _decode_png(data)
    else:
        try:
            image.load()
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise InvalidInput(
                f"image could not be decoded: its {image.format} data is cut short or corrupt"
            ) from error
    return _upright(_readable_mode(image), orientation)


def _unreadable(data: bytes, error: Exception) -> str:
    """What was wrong with data Pillow could not open, in our words."""
    if isinstance(error, ValueError) and "TEXT" in str(error).upper():
        # Pillow's limits on a PNG's compressed text and colour profile chunks.
        return "data is not a readable image: its metadata (text or colour profile) is too large"
    claimed = next((name for start, name in _SIGNATURES if data.startswith(start)), None)
    if claimed is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        claimed = "WebP"
    if claimed is None:
        return f"data is not a readable image ({ACCEPTED_FORMAT_NAMES})"
    return f"data is not a readable image: it starts as a {claimed} but its header is corrupt"


def _orientation(image: Image.Image, data: bytes) -> int:
    """The EXIF orientation (1-8) the image asks to be shown in; 1 (as stored)
    when it has none or its EXIF cannot be read (a photo is still worth reading)."""
    if image.format == "PNG" and not any(name in data for name in _PNG_ORIENTATION_CHUNKS):
        # Pillow decodes a whole PNG to look for EXIF after its pixels; a PNG
        # whose bytes name no chunk or text key that can carry an orientation
        # has none (what a browser canvas exports).
        return 1
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except (SyntaxError, ValueError, OSError, EOFError, TypeError, KeyError, struct.error):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """The image turned and mirrored as EXIF `orientation` says, as browsers show it."""
    if orientation == 1:
        return image
    # PIL.ImageOps.exif_transpose's table, without its copy of the metadata:
    # one transpose, in C, of the decoded pixels.
    return image.transpose(_TRANSPOSES[orientation])


def _readable_mode(image: Image.Image) -> Image.Image:
    """The image in a mode locate_ink reads (one Pillow converts to L and RGBA)."""
    mode = image.mode
    if mode in _CONVERTIBLE_MODES:
        return image
    if mode == "LAB":
        # CIELab's L* is the lightness: the ink's contrast against the paper.
        return image.getchannel("L")
    if mode in _WIDE_GREY_MODES:
        return Image.fromarray(_grey_to_8_bits(np.asarray(image), mode))
    raise InvalidInput(
        f"images in Pillow's {mode!r} colour mode are not read; send RGB or greyscale"
    )


def _grey_to_8_bits(levels: np.ndarray, mode: str) -> np.ndarray:
    """Greyscale levels of more than 8 bits as 8-bit levels, scaled by their
    bit depth: 16 bits for the I;16 modes and for 32-bit integers within
    16 bits' range (how Pillow opens 16-bit PNGs), 0..1 for floats within it;
    other levels by their own range, lowest to highest."""
    # float32, in place: a 2048x2048 image is 16 MB so, and 8 bits need no more.
    levels = levels.astype(np.float32)
    if mode == "F" and np.isfinite(levels).all() and levels.min() >= 0 and levels.max() <= 1:
        low, high = 0.0, 1.0
    elif mode != "F" and levels.min() >= 0 and levels.max() <= 65535:
        low, high = 0.0, 65535.0
    else:
        finite = levels[np.isfinite(levels)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        np.nan_to_num(levels, copy=False, nan=low, posinf=high, neginf=low)
    levels -= low
    levels *= 255 / max(high - low, 1e-12)
    levels += 0.5  # rounds, as the conversion truncates
    return np.clip(levels, 0, 255, out=levels).astype(np.uint8)


def _is_plain_png(image: Image.Image, data: bytes) -> bool:
    """An 8-bit greyscale or true-colour PNG without a transparent colour: what
    a browser canvas exports. Pillow inflates those with the system zlib; libspng
    decodes them in well under half the time, to the same pixels."""
    # IHDR is always the first chunk: bit depth at byte 24, colour type at 25.
    return (
        data.startswith(_PNG_SIGNATURE)
        and data[12:16] == b"IHDR"
        and data[24] == 8
        and _PNG_COLOUR_MODES.get(data[25]) == image.mode
        and "transparency" not in image.info
    )


def _decode_png(data: bytes) -> Image.Image:
    try:
        pixels = pyspng.load(data)
    except RuntimeError as error:  # libspng's errors, e.g. a truncated or corrupt stream
        raise InvalidInput(
            "image could not be decoded: its PNG data is cut short or corrupt"
        ) from error
    return Image.fromarray(pixels)


@dataclass(frozen=True)
class LocatedInk:
    """An ink map and where it lies in its image: ink map pixel (x, y) covers
    the image's pixels from (left + x * scale, top + y * scale), scale wide."""

    ink: np.ndarray
    left: int
    top: int
    scale: int


def ink_map(image: Image.Image) -> np.ndarray:
    """Where the ink is, 0..255, whatever the mode, polarity or transparency,
    cropped to the ink's bounding box ((0, 0) when there is no ink)."""
    return locate_ink(image).ink


def locate_ink(image: Image.Image) -> LocatedInk:
    """The ink map of `ink_map` and where it lies in the image."""
    scale = _reduction(image.size)
    # Pillow does the per-pixel work in C on one byte a pixel.
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        alpha = _working_size(rgba.getchannel("A"))
        if _border(np.asarray(alpha)).mean() < 128:  # transparent background: ink is opaque
            return _stretched(alpha, scale)
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        luminance = _working_size(Image.alpha_composite(white, rgba).convert("L"))
    else:
        # ITU-R 601 luma, as for MNIST's scans.
        luminance = _working_size(image.convert("L"))
    return _stretched(_ink_contrast(luminance), scale)


def _reduction(size: tuple[int, int]) -> int:
    return -(-max(size) // WORKING_SIDE)  # ceiling division


def _working_size(channel: Image.Image) -> Image.Image:
    factor = _reduction(channel.size)
    return channel.reduce(factor) if factor > 1 else channel


def _border(values: np.ndarray) -> np.ndarray:
    return np.concatenate([values[0], values[-1], values[1:-1, 0], values[1:-1, -1]])


def _next_to_border(values: np.ndarray) -> np.ndarray:
    """For each pixel `_border` gives, the one next to it towards the middle."""
    height, width = values.shape
    below, above = min(1, height - 1), max(-2, -height)
    right, left = min(1, width - 1), max(-2, -width)
    return np.concatenate([values[below], values[above], values[1:-1, right], values[1:-1, left]])


def _border_coordinates(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the pixels `_border` gives, in its order."""
    across, down = np.arange(width), np.arange(1, height - 1)
    top, bottom = np.zeros_like(across), np.full_like(across, height - 1)
    left, right = np.zeros_like(down), np.full_like(down, width - 1)
    return np.concatenate([top, bottom, down, down]), np.concatenate([across, across, left, right])


def _ink_contrast(luminance: Image.Image) -> Image.Image:
    """How far each pixel is from the paper towards the ink's side, 0 for paper.

    An even border is all paper, as a canvas export's or a framed scan's is,
    and ink is whatever differs from it. But a digit cropped tight to its ink,
    as scans and photos often are, touches the border, and a photo's light
    falls off across it. Then Otsu's split of the whole image's levels tells
    ink from paper, `_ink_is_dark` which is which, and the paper's level is the
    median of the border's paper pixels or, where their level changes across
    the image, a surface fitted to them."""
    values = np.asarray(luminance)
    border = _border(values)
    if np.ptp(border) < UNEVEN_LIGHT_LEVELS:
        # |pixel - paper| by a lookup table: one pass, no image of the paper's level.
        return luminance.point(_distance_table(int(np.median(border))))
    split = _otsu_split(luminance.histogram())
    ink_is_dark = _ink_is_dark(values, split)
    # Paper next to ink may be the ink's soft edge: the paper is what has paper
    # next to it, towards the middle, too.
    on_paper = _paper_side(border, split, ink_is_dark)
    clear_of_ink = on_paper & _paper_side(_next_to_border(values), split, ink_is_dark)
    if clear_of_ink.any():
        on_paper = clear_of_ink
    paper = _paper_level(values.shape, border[on_paper], on_paper)
    if paper is None:
        level = Image.new("L", luminance.size, int(np.median(border[on_paper])))
        paper_and_ink = (level, luminance) if ink_is_dark else (luminance, level)
        return ImageChops.subtract(*paper_and_ink)
    return Image.fromarray(_distance_in_even_light(paper, values, ink_is_dark))


def _ink_is_dark(values: np.ndarray, split: int) -> bool:
    """Whether the ink is the dark class of the split: the paper is the class
    that holds most of each side of the border on average (ink touches every
    side of a tight crop, but rarely covers most of one), or, should the sides
    be even, most of the image."""
    sides = (values[0], values[-1], values[:, 0], values[:, -1])
    dark_paper = np.mean([np.count_nonzero(side <= split) / side.size for side in sides])
    if dark_paper == 0.5:
        dark_paper = np.count_nonzero(values <= split) / values.size
    return bool(dark_paper < 0.5)


def _paper_side(levels: np.ndarray, split: int, ink_is_dark: bool) -> np.ndarray:
    return levels > split if ink_is_dark else levels <= split


def _distance_in_even_light(paper: np.ndarray, values: np.ndarray, ink_is_dark: bool):
    """The ink's distance from the paper level `paper` (float32, one a pixel),
    as uint8. Light scales paper and ink alike: where it is dimmer, the distance
    is scaled up to what it would be in the brightest light. In place, in
    float32: a photo is a third of a million pixels."""
    gain = max(float(paper.max()), DIM_PAPER_LEVEL) / np.maximum(paper, DIM_PAPER_LEVEL)
    distance = np.subtract(paper, values, out=paper) if ink_is_dark else values - paper
    distance *= gain
    distance += 0.5  # rounds, as the conversion truncates
    return np.clip(distance, 0, 255, out=distance).astype(np.uint8)


def _otsu_split(histogram: list[int]) -> int:
    """The level that best splits an image's pixels (of two levels at least)
    into a dark class, at or below it, and a light one: Otsu's method."""
    counts = np.asarray(histogram, dtype=np.float64)
    dark = np.cumsum(counts)
    dark_sum = np.cumsum(counts * np.arange(256))
    light, light_sum = dark[-1] - dark, dark_sum[-1] - dark_sum
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty class: no split
        between = dark * light * (dark_sum / dark - light_sum / light) ** 2
    return int(np.nanargmax(between))


def _paper_level(shape, levels: np.ndarray, on_paper: np.ndarray) -> np.ndarray | None:
    """The paper's level at every pixel of an image of `shape`, fitted to
    `levels`, those of the border's pixels where `on_paper`; None when the
    light is even (the level changes by less than UNEVEN_LIGHT_LEVELS).

    The level is a + g(row) + h(column), g and h quadratics: light falling off
    across a photo, or towards its corners. The border pins g and h down along
    the whole of both axes, so nothing is extrapolated beyond their sum."""
    if np.ptp(levels) < UNEVEN_LIGHT_LEVELS:
        return None
    height, width = shape
    down = np.arange(height) / max(height - 1, 1)
    across = np.arange(width) / max(width - 1, 1)
    rows, columns = (place[on_paper] for place in _border_coordinates(height, width))
    row, column = down[rows], across[columns]
    design = np.column_stack([np.ones(len(levels)), row, row * row, column, column * column])
    levels = levels.astype(np.float64)
    fit = _least_squares(design, levels)
    # Once more without the outliers: ink's soft edges and specks on the paper side.
    residuals = np.abs(levels - design @ fit)
    inliers = residuals <= max(3 * 1.4826 * np.median(residuals), 2.0)
    fit = _least_squares(design[inliers], levels[inliers])
    offset, per_row, per_row2, per_column, per_column2 = fit
    along_rows = per_row * down + per_row2 * down * down
    along_columns = offset + per_column * across + per_column2 * across * across
    rise = np.ptp(along_rows) + np.ptp(along_columns)
    off_surface = np.median(np.abs(levels - design @ fit))
    off_level = np.median(np.abs(levels - np.median(levels)))
    # The paper's only where the light is uneven and it fits the paper far
    # better than one level does.
    if rise < UNEVEN_LIGHT_LEVELS or 2 * off_surface >= off_level:
        return None
    return along_rows.astype(np.float32)[:, np.newaxis] + along_columns.astype(np.float32)


def _least_squares(design: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The coefficients that fit design @ coefficients to values best, by the
    normal equations (a third of lstsq's time on a border); the tiny ridge
    keeps them solvable when the paper lies along one side only."""
    gram = design.T @ design + 1e-9 * np.eye(design.shape[1])
    return np.linalg.solve(gram, design.T @ values)


def _stretched(contrast: Image.Image, scale: int) -> LocatedInk:
    """The contrast stretched so the strongest ink is 255; what is fainter than
    MIN_CONTRAST of it is noise and becomes 0; cropped to the ink, and placed in
    the image the contrast was reduced from by `scale`."""
    peak = contrast.getextrema()[1]
    if peak < MIN_CONTRAST * 255:
        return LocatedInk(np.zeros((0, 0), dtype=np.uint8), 0, 0, scale)
    # Noise floor and stretch in one lookup table, so the bounding box is the ink's.
    ink = contrast.point(_stretch_table(peak))
    box = ink.getbbox()
    return LocatedInk(np.asarray(ink.crop(box)), box[0] * scale, box[1] * scale, scale)


@functools.cache
def _distance_table(level: int) -> tuple[int, ...]:
    return tuple(abs(value - level) for value in range(256))


@functools.cache
def _stretch_table(peak: int) -> tuple[int, ...]:
    levels = np.arange(256)
    stretched = np.minimum(np.round(levels * (255 / peak)), 255).astype(int)
    return tuple(np.where(levels >= MIN_CONTRAST * peak, stretched, 0).tolist())
