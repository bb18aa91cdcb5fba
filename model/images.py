"""Reading drawings sent as images: data URL or bytes in, an ink map out.

An ink map is a uint8 (height, width) array, 0 where there is no ink and 255
for the strongest ink, cropped to the ink's bounding box. Whether ink is dark
on light or light on dark is decided from the image's border (the background),
never assumed; a transparent canvas export is read by its alpha channel.
Undecodable input and images beyond MAX_IMAGE_PIXELS (decompression bombs)
raise `InvalidInput` / `InputTooLarge`.

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
import warnings

import numpy as np
import pyspng
from PIL import Image, ImageChops, UnidentifiedImageError

from model.errors import InputTooLarge, InvalidInput

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

_BASE64_MARKER = ";base64,"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types that libspng decodes to exactly Pillow's pixels at 8 bits a
# sample, with the Pillow mode each opens as (pyspng cannot output grey + alpha).
_PNG_COLOUR_MODES = {0: "L", 2: "RGB", 6: "RGBA"}


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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard fires at open for sizes far beyond ours.
        raise InputTooLarge(f"image is beyond the limit of {MAX_IMAGE_PIXELS} pixels") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise InvalidInput(
            f"data is not a readable image ({ACCEPTED_FORMAT_NAMES}): {error}"
        ) from error
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
    if _is_plain_png(image, data):
        return _decode_png(data)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise InvalidInput(f"image could not be decoded: {error}") from error
    return image


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
        raise InvalidInput(f"image could not be decoded: {error}") from error
    return Image.fromarray(pixels)


def ink_map(image: Image.Image) -> np.ndarray:
    """Where the ink is, 0..255, whatever the mode, polarity or transparency,
    cropped to the ink's bounding box ((0, 0) when there is no ink)."""
    # Pillow does the per-pixel work in C on one byte a pixel.
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        alpha = _working_size(rgba.getchannel("A"))
        if _border(alpha).mean() < 128:  # transparent background: ink is opaque
            return _contrast(alpha, background=0)
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        luminance = _working_size(Image.alpha_composite(white, rgba).convert("L"))
    else:
        # ITU-R 601 luma, as for MNIST's scans.
        luminance = _working_size(image.convert("L"))
    return _contrast(luminance, background=int(np.median(_border(luminance))))


def _working_size(channel: Image.Image) -> Image.Image:
    factor = -(-max(channel.size) // WORKING_SIDE)  # ceiling division
    return channel.reduce(factor) if factor > 1 else channel


def _border(channel: Image.Image) -> np.ndarray:
    values = np.asarray(channel)
    return np.concatenate([values[0], values[-1], values[1:-1, 0], values[1:-1, -1]])


def _contrast(channel: Image.Image, background: int) -> np.ndarray:
    """Distance from the background level, stretched so the strongest ink is 255;
    what is fainter than MIN_CONTRAST of it is noise and becomes 0."""
    if background:
        channel = ImageChops.difference(channel, Image.new("L", channel.size, background))
    peak = channel.getextrema()[1]
    if peak < MIN_CONTRAST * 255:
        return np.zeros((0, 0), dtype=np.uint8)
    # Noise floor and stretch in one lookup table, so the bounding box is the ink's.
    ink = channel.point(_stretch_table(peak))
    return np.asarray(ink.crop(ink.getbbox()))


@functools.cache
def _stretch_table(peak: int) -> tuple[int, ...]:
    levels = np.arange(256)
    stretched = np.minimum(np.round(levels * (255 / peak)), 255).astype(int)
    return tuple(np.where(levels >= MIN_CONTRAST * peak, stretched, 0).tolist())
