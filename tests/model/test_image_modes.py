"""Images as phones, scanners and paint programs save them: turned by EXIF
orientation, in 16-bit, CIELab and other odd modes, and the words of the error
for data that is no image (model/images.py)."""

import re
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from model.character.preprocess import preprocess_image
from model.core.errors import InputTooLarge, InvalidInput
from model.inputs.images import MAX_PNG_COMPRESSED_CHUNKS, ink_map, open_image
from testkit.hostile_corpus import (
    STORED_AS,
    encoded,
    four,
    good_png,
    grey_ink_four,
    png_with_chunk,
    png_with_text_chunks,
    seven,
    seven_photo,
    with_exif_segment,
)
from testkit.payloads import image_bytes
from testkit.predict import predict_image

SAME_IMAGE_MAD = 0.03


def orientation_exif(value: int, kind: int = 3) -> bytes:
    """An EXIF block of one Orientation entry (type 3, SHORT, unless `kind`)."""
    entry = struct.pack("<HHI", 0x0112, kind, 1) + struct.pack("<HH", value, 0)
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + b"\0" * 4


def mad(one: np.ndarray, other: np.ndarray) -> float:
    return float(np.abs(one - other).mean())


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_photo_reads_upright_whatever_its_exif_orientation(classifier, orientation):
    upright = preprocess_image(encoded(seven(), "JPEG", quality=90)).image
    answer = predict_image(classifier, seven_photo(orientation))
    assert answer.digit == 7
    assert mad(answer.image, upright) < SAME_IMAGE_MAD


def test_the_same_photo_without_exif_reads_as_stored(classifier):
    # What orientation 7 fixes: the stored pixels alone are not an upright 7.
    stored = seven().transpose(STORED_AS[7])
    assert predict_image(classifier, encoded(stored, "JPEG", quality=90)).digit != 7


@pytest.mark.parametrize(
    "payload",
    [
        b"Exif\x00\x00" + b"\x01" * 40,
        b"Exif\x00\x00MM\x00*\xff\xff\xff\xff",
        b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff" + b"\x12\x01\x03\x00" * 4,
        orientation_exif(0),
        orientation_exif(9),
        orientation_exif(65535),
        orientation_exif(0x3678, kind=2),  # ASCII, not a number
    ],
    ids=["garbage", "bad-offset", "huge-count", "zero", "nine", "max", "text"],
)
def test_a_malformed_exif_is_read_as_stored_not_refused(payload):
    jpeg = encoded(seven(), "JPEG", quality=90)
    assert (
        mad(preprocess_image(with_exif_segment(jpeg, payload)).image, preprocess_image(jpeg).image)
        == 0
    )


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_a_16_bit_greyscale_image_reads_as_its_8_bit_copy(fmt):
    levels = grey_ink_four()
    eight = preprocess_image(image_bytes(Image.fromarray(levels)))
    sixteen = Image.fromarray(levels.astype(np.uint16) * 257)  # 8 bits to 16: x 257
    assert sixteen.mode == "I;16"
    data = encoded(sixteen, fmt)
    assert open_image(data).mode == "L"
    read = preprocess_image(data)
    assert not read.empty
    assert np.array_equal(read.image, eight.image)


def test_a_32_bit_integer_and_a_float_tiff_read_as_their_8_bit_copy():
    levels = grey_ink_four()
    eight = preprocess_image(image_bytes(Image.fromarray(levels))).image
    as_floats = Image.fromarray(levels.astype(np.float32) / 255)
    # Beyond 16 bits' range: read by the levels' own range.
    as_wide_ints = Image.fromarray(levels.astype(np.int32) * 1000)
    for image in (as_floats, as_wide_ints):
        read = preprocess_image(encoded(image, "TIFF")).image
        assert mad(read, eight) < SAME_IMAGE_MAD, image.mode


MODES = {
    "lab-tiff": lambda: encoded(four().convert("LAB"), "TIFF"),
    "cmyk-tiff": lambda: encoded(four("CMYK"), "TIFF"),
    "cmyk-jpeg": lambda: encoded(four("CMYK"), "JPEG"),
    "la-png": lambda: encoded(four("L").convert("LA"), "PNG"),
    "la-tiff": lambda: encoded(four("L").convert("LA"), "TIFF"),
    "rgba-tiff": lambda: encoded(four("RGBA"), "TIFF"),
    "ycbcr-jpeg-tiff": lambda: encoded(four(), "TIFF", compression="jpeg"),
    "palette-png-transparent-paper": lambda: palette_with_transparent_paper(),
    "1-bit-tiff": lambda: encoded(four("1"), "TIFF", compression="group4"),
    "1-bit-png": lambda: encoded(four("1"), "PNG"),
    "16-bit-tiff": lambda: encoded(Image.fromarray(np.asarray(four("L"), np.uint16) * 257), "TIFF"),
}


def palette_with_transparent_paper() -> bytes:
    image = four().convert("P")
    return encoded(image, "PNG", transparency=image.getpixel((0, 0)))


@pytest.mark.parametrize("name", MODES)
def test_every_colour_mode_reads_as_the_rgb_copy(name):
    rgb = preprocess_image(encoded(four(), "PNG")).image
    read = preprocess_image(MODES[name]())
    assert not read.empty
    assert mad(read.image, rgb) < SAME_IMAGE_MAD


def test_a_palette_image_with_alpha_is_read_by_its_alpha():
    with_alpha = four("RGBA").convert("PA")
    assert with_alpha.mode == "PA"
    assert np.array_equal(ink_map(with_alpha), ink_map(four("RGBA")))


BAD_IMAGES = {
    "no-image": (b"this is not a picture of a digit", "not a readable image (PNG, JPEG"),
    "80-text-chunks": (png_with_text_chunks(80), "80 compressed text or colour profile chunks"),
    "text-bomb": (
        png_with_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"\x00" * 50_000_000, 9)),
        "metadata",
    ),
    "icc-bomb": (
        png_with_chunk(b"iCCP", b"p\x00\x00" + zlib.compress(b"\x00" * 50_000_000, 9)),
        "metadata",
    ),
    "png-bad-crc": (good_png()[:40] + b"\x00" + good_png()[41:], "starts as a PNG"),
    "png-cut-short": (good_png()[:200], "PNG data is cut short"),
    "jpeg-header-only": (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "starts as a JPEG"),
    "jpeg-cut-short": (encoded(four(), "JPEG")[:2000], "JPEG data is cut short"),
    "gif-cut-short": (encoded(four().convert("P"), "GIF")[:300], "GIF data is cut short"),
    "tiff-header-only": (b"II*\x00" + b"\x00" * 50, "starts as a TIFF"),
    "tiff-cut-short": (encoded(four(), "TIFF")[:4000], "TIFF data is cut short"),
    "webp-cut-short": (encoded(four(), "WEBP")[:100], "starts as a WebP"),
}
# What Pillow's and libspng's own messages hold: a stream's heap address, their
# internal names.
LEAKS = re.compile(r"0x[0-9a-fA-F]{4,}|BytesIO|_io\b|MAX_TEXT|PngImagePlugin|PIL|pyspng|decoder")


@pytest.mark.parametrize("name", BAD_IMAGES)
def test_an_unreadable_image_is_refused_in_our_words(name):
    data, says = BAD_IMAGES[name]
    with pytest.raises(InvalidInput) as caught:
        preprocess_image(data)
    message = str(caught.value)
    assert says in message
    assert not LEAKS.search(message), message


def test_a_png_is_read_with_up_to_8_compressed_text_chunks_and_refused_beyond():
    assert not preprocess_image(png_with_text_chunks(MAX_PNG_COMPRESSED_CHUNKS)).empty
    with pytest.raises(InputTooLarge, match="9 compressed text or colour profile chunks"):
        preprocess_image(png_with_text_chunks(MAX_PNG_COMPRESSED_CHUNKS + 1))


@pytest.mark.parametrize(
    "levels",
    [
        np.full((40, 40), np.nan, dtype=np.float32),
        np.where(np.eye(40, dtype=bool), np.inf, -np.inf).astype(np.float32),
        np.where(np.eye(40, dtype=bool), np.nan, 5.0).astype(np.float32),
        np.full((40, 40), -7, dtype=np.int32),
        np.where(np.eye(40, dtype=bool), -(2**31), 2**31 - 1).astype(np.int32),
        np.full((40, 40), 65535, dtype=np.uint16),
    ],
    ids=["all-nan", "infinities", "nan-and-level", "negative", "int32-extremes", "all-white"],
)
def test_odd_levels_are_read_or_empty_never_an_error(levels):
    assert isinstance(preprocess_image(encoded(Image.fromarray(levels), "TIFF")).empty, bool)


def png_chunk_moved_after_pixels(png: bytes, tag: bytes) -> bytes:
    """`png` with its `tag` chunk moved to just before IEND (after the pixels)."""
    start = png.index(tag) - 4
    (length,) = struct.unpack(">I", png[start : start + 4])
    chunk = png[start : start + 12 + length]
    rest = png[:start] + png[start + 12 + length :]
    end = rest.index(b"IEND") - 4
    return rest[:end] + chunk + rest[end:]


def xmp_png(stored: Image.Image, orientation: int) -> bytes:
    """`stored` as a PNG whose orientation is in XMP, an iTXt chunk after its pixels."""
    xmp = f'<x:xmpmeta><rdf:Description tiff:Orientation="{orientation}"/></x:xmpmeta>'
    data = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp.encode()
    png = encoded(stored, "PNG")
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + data))
    end = png.index(b"IEND") - 4
    return png[:end] + chunk + png[end:]


@pytest.mark.parametrize("orientation", [3, 6, 8])
@pytest.mark.parametrize("where", ["exif-before-pixels", "exif-after-pixels", "xmp-after-pixels"])
def test_a_png_reads_upright_whatever_chunk_says_its_orientation(classifier, orientation, where):
    # PNGs name their orientation in an eXIf chunk, before or after the
    # pixels, or in XMP; open_image reads none of them for a PNG whose bytes
    # name no such chunk (a canvas export), and must still read every one.
    stored = seven().transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    if where == "xmp-after-pixels":
        png = xmp_png(stored, orientation)
    else:
        png = encoded(stored, "PNG", exif=exif.tobytes())
        if where == "exif-after-pixels":
            png = png_chunk_moved_after_pixels(png, b"eXIf")
    assert predict_image(classifier, png).digit == 7
    upright = np.asarray(open_image(encoded(seven(), "PNG")))
    assert np.array_equal(np.asarray(open_image(png)), upright)
