"""Image input: any polarity, colour, transparency or format of the same drawing gives the same
28x28 image; undecodable or oversized data gets the typed error."""

import base64
import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, PngImagePlugin

from model.character.preprocess import (
    MAX_DATA_URL_CHARS,
    MAX_IMAGE_PIXELS,
    Preprocessed,
    preprocess_image,
)
from model.core.contract import BOX_SIZE, CENTRE, IMAGE_SIZE
from model.core.errors import InputTooLarge, InvalidInput
from model.inputs.images import ink_map, open_image
from testkit.payloads import data_url
from testkit.payloads import image_bytes as encode

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A "4" as a person draws it on the 400 px pad: the open L, then the stem.
FOUR = [[(150, 60), (95, 235), (295, 235)], [(245, 110), (238, 350)]]
# Nearly the same image: a one-pixel shift of this digit is about 0.08.
SAME_IMAGE_MAD = 0.03


def draw_four(
    mode="RGB",
    background="white",
    ink="black",
    size=400,
    scale=1.0,
    offset=(0, 0),
    pen=20,
    supersample=1,
):
    """The four drawn with a round pen; supersample > 1 gives anti-aliased edges (and, for
    RGBA, partly transparent ones) the way a browser canvas export has them."""
    big = size * supersample
    image = Image.new(mode, (big, big), background)
    draw = ImageDraw.Draw(image)
    factor = scale * supersample
    radius = pen * factor / 2
    for stroke in FOUR:
        points = [
            ((x * scale + offset[0]) * supersample, (y * scale + offset[1]) * supersample)
            for x, y in stroke
        ]
        draw.line(points, fill=ink, width=round(pen * factor), joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)
    if supersample > 1:
        image = image.resize((size, size), Image.Resampling.BOX)
    return image


def png_declaring(width, height):
    """A valid, tiny PNG whose header says it is width x height (a decompression bomb:
    its one compressed row of zeros would inflate to width * height bytes)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    pixels = zlib.compress(b"\x00" * (width + 1) * 16, 9)  # a few rows; the rest is missing
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def reference():
    return preprocess_image(encode(draw_four())).image


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


def test_black_on_white_png_is_framed_like_mnist(reference):
    assert reference.shape == (IMAGE_SIZE, IMAGE_SIZE) and reference.dtype == np.float32
    assert reference.min() >= 0 and reference.max() == pytest.approx(1.0, abs=0.05)
    row, col = centre_of_mass(reference)
    assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5
    rows = np.flatnonzero(reference.any(axis=1))
    cols = np.flatnonzero(reference.any(axis=0))
    assert rows[-1] - rows[0] + 1 <= BOX_SIZE and cols[-1] - cols[0] + 1 <= BOX_SIZE
    # ink is high: the background (corners) is 0 and the stem is bright
    assert reference[0, 0] == 0 and reference[-1, -1] == 0
    assert np.count_nonzero(reference > 0.5) > 40


VARIANTS = {
    "white-on-black-grayscale": lambda: encode(draw_four("L", 0, 255)),
    "white-on-black-rgb": lambda: encode(draw_four("RGB", "black", "white")),
    "red-on-transparent-rgba": lambda: encode(draw_four("RGBA", (0, 0, 0, 0), (255, 0, 0, 255))),
    "canvas-export-antialiased-rgba": lambda: encode(
        draw_four("RGBA", (0, 0, 0, 0), (0, 0, 0, 255), supersample=4)
    ),
    "grayscale-alpha": lambda: encode(draw_four("LA", (0, 0), (0, 255))),
    "palette": lambda: encode(draw_four().convert("P", palette=Image.Palette.ADAPTIVE)),
    "palette-with-transparency": lambda: encode(draw_four("P", 0, 1), transparency=0),
    "jpeg": lambda: encode(draw_four(), "JPEG", quality=75),
    "jpeg-light-on-dark": lambda: encode(draw_four("RGB", "black", "white"), "JPEG", quality=75),
    "blue-on-cream": lambda: encode(draw_four("RGB", (250, 245, 215), (30, 40, 160))),
    "pencil-grey-on-white": lambda: encode(draw_four("L", 255, 170)),
    "antialiased-grayscale": lambda: encode(draw_four("L", 255, 0, supersample=4)),
    "bmp": lambda: encode(draw_four(), "BMP"),
    "webp-lossless": lambda: encode(draw_four(), "WEBP", lossless=True),
    "half-size-in-a-corner": lambda: encode(draw_four(scale=0.5, offset=(180, 10))),
    "larger-canvas": lambda: encode(draw_four(size=900, scale=2, offset=(40, 60))),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_same_drawing_in_any_format_colour_or_polarity_gives_the_same_image(variant, reference):
    result = preprocess_image(VARIANTS[variant]())
    assert result.empty is False
    assert np.abs(result.image - reference).mean() < SAME_IMAGE_MAD


@pytest.mark.parametrize("variant", ["red-on-transparent-rgba", "jpeg", "palette"])
def test_data_url_gives_the_same_as_raw_bytes(variant):
    data = VARIANTS[variant]()
    mime = "image/jpeg" if variant == "jpeg" else "image/png"
    from_url = preprocess_image(data_url(data, mime)).image
    np.testing.assert_array_equal(from_url, preprocess_image(data).image)
    # bare base64 (no data: header) and a line-wrapped one are read too
    bare = base64.b64encode(data).decode("ascii")
    np.testing.assert_array_equal(preprocess_image(bare).image, from_url)
    wrapped = "\n".join(bare[i : i + 76] for i in range(0, len(bare), 76))
    np.testing.assert_array_equal(preprocess_image(wrapped).image, from_url)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Image.new("RGB", (280, 280), "white"),
        lambda: Image.new("L", (280, 280), 0),
        lambda: Image.new("RGBA", (280, 280), (0, 0, 0, 0)),
        lambda: Image.new("RGBA", (280, 280), (255, 255, 255, 255)),
        lambda: Image.new("RGB", (1, 1), "black"),
    ],
    ids=["white", "black", "transparent", "opaque-white-rgba", "one-pixel"],
)
def test_a_blank_image_is_empty_not_an_error(make):
    assert preprocess_image(encode(make())) == Preprocessed(image=None, empty=True)


def test_a_blank_jpeg_with_compression_noise_is_empty():
    rng = np.random.default_rng(0)
    paper = (245 + rng.integers(-4, 5, size=(280, 280))).astype(np.uint8)
    assert preprocess_image(encode(Image.fromarray(paper), "JPEG", quality=60)).empty is True


def test_a_speck_is_empty():
    image = Image.new("L", (280, 280), 255)
    image.putpixel((140, 140), 0)
    assert preprocess_image(encode(image)).empty is True


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", [5_000, 10_000, 20_000, 65_535])
def test_a_decompression_bomb_is_input_too_large(side):
    bomb = png_declaring(side, side)
    assert len(bomb) < 2_000
    with pytest.raises(InputTooLarge) as caught:
        preprocess_image(bomb)
    assert "pixels" in str(caught.value)
    with pytest.raises(InputTooLarge):
        preprocess_image(data_url(bomb))


def test_a_decompression_bomb_is_refused_before_its_pixels_are_allocated():
    # In a fresh process, so the peak memory reflects this one call: the 400 MB the bomb
    # declares must never be allocated.
    script = (
        "import resource, sys\n"
        "from model.core.errors import InvalidInput\n"
        "from model.character.preprocess import preprocess_image\n"
        "bomb = bytes.fromhex(sys.argv[1])\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    preprocess_image(bomb)\n"
        "except InvalidInput:\n"
        "    pass\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) // 1024)\n"
    )
    bomb = png_declaring(20_000, 20_000).hex()
    done = subprocess.run(
        [sys.executable, "-c", script, bomb],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=PROJECT_ROOT,
    )
    grown_mib = int(done.stdout.strip())
    assert grown_mib < 20, f"refusing the bomb grew the process by {grown_mib} MiB"


def test_an_image_just_over_the_pixel_limit_is_too_large_and_one_at_it_is_read():
    side = int(MAX_IMAGE_PIXELS**0.5)
    with pytest.raises(InputTooLarge):
        preprocess_image(png_declaring(side + 1, side))
    at_limit = Image.new("L", (side, side), 255)
    ImageDraw.Draw(at_limit).line(
        [(side // 4, side // 4), (side // 2, 3 * side // 4)], fill=0, width=side // 40
    )
    assert preprocess_image(encode(at_limit)).empty is False


def test_a_data_url_over_the_length_limit_is_too_large():
    with pytest.raises(InputTooLarge):
        preprocess_image("data:image/png;base64," + "A" * MAX_DATA_URL_CHARS)


@pytest.fixture(scope="module")
def good_png():
    return encode(draw_four())


@pytest.mark.parametrize(
    "make",
    [
        lambda png: png[: len(png) // 2],
        lambda png: png[:40],
        lambda png: png[:8],
        lambda png: png[:33] + bytes(64) + png[97:],
        lambda png: b"",
        lambda png: np.random.default_rng(1).bytes(5000),
        lambda png: b"GIF89a" + struct.pack("<HH", 40, 40) + b"\x00\x00\x00,",
        lambda png: b"<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0L9 9'/></svg>",
        lambda png: b'{"objects": []}',
        lambda png: encode(draw_four(), "JPEG")[:600],
    ],
    ids=[
        "half",
        "header-only",
        "signature-only",
        "corrupt-data",
        "empty",
        "random",
        "fake-gif",
        "svg",
        "json",
        "truncated-jpeg",
    ],
)
def test_bytes_that_are_not_a_readable_image_are_invalid_input(make, good_png):
    with pytest.raises(InvalidInput) as caught:
        preprocess_image(make(good_png))
    assert not isinstance(caught.value, InputTooLarge)  # a 400, not a 413


@pytest.mark.parametrize(
    "text",
    [
        "data:image/png;base64,!!!not base64!!!",
        "data:image/png;base64,iVBORw0KGgo=extra",
        "data:image/png;base64,iVBORw0KGg",
        "data:text/plain;base64,aGVsbG8gd29ybGQ=",
        "data:application/json;base64,eyJvYmplY3RzIjogW119",
        "data:image/png,%89PNG",
        "data:,hello",
        "data:image/png;base64,",
        "not a data url at all",
        "",
        "data:image/svg+xml;base64,"
        + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode(),
        "data:image/png;base64," + base64.b64encode(b"not png bytes").decode(),
    ],
    ids=[
        "bad-base64",
        "data-after-padding",
        "bad-padding",
        "text",
        "json",
        "not-base64",
        "no-type",
        "empty-payload",
        "plain-text",
        "empty-string",
        "svg",
        "not-png-bytes",
    ],
)
def test_data_urls_that_are_not_images_are_invalid_input(text):
    with pytest.raises(InvalidInput):
        preprocess_image(text)


@pytest.mark.parametrize(
    "value", [None, 42, 4.2, ["data:image/png;base64,"], {"image": ""}], ids=repr
)
def test_wrong_python_types_are_invalid_input(value):
    with pytest.raises(InvalidInput):
        preprocess_image(value)


def test_a_heavy_blob_with_a_faint_tail_is_shrunk_to_fit_not_cut_off():
    # Most of the ink mass in a blob at the left, a long faint pencil line to the right:
    # centring the centre of mass must not push the tail's end out of the frame.
    image = Image.new("L", (300, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 120, 80, 180), fill=0)
    draw.line((80, 150, 290, 150), fill=225, width=3)
    result = preprocess_image(encode(image)).image
    row, col = centre_of_mass(result)
    assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5
    border = np.concatenate([result[0], result[-1], result[:, 0], result[:, -1]])
    assert border.max() == 0, "the tail was cut off at the frame's edge"


@pytest.mark.parametrize("mode", ["RGB", "RGBA-transparent"])
def test_the_ink_map_is_the_ink_s_bounding_box(mode):
    if mode == "RGB":
        image = Image.new("RGB", (280, 280), "white")
        ImageDraw.Draw(image).rectangle((40, 100, 79, 129), fill="black")
    else:
        image = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
        ImageDraw.Draw(image).rectangle((40, 100, 79, 129), fill=(0, 0, 0, 255))
    ink = ink_map(image)
    assert ink.shape == (30, 40)
    assert ink.dtype == np.uint8 and ink.min() == 255


def png_with_every_row_filter(pixels: np.ndarray) -> bytes:
    """An 8-bit PNG whose rows cycle through the five row filters (None, Sub, Up,
    Average, Paeth); Pillow's encoder never picks Average."""
    height, width, channels = pixels.shape
    previous = np.zeros(width * channels, np.int32)
    rows = []
    for y in range(height):
        row = pixels[y].reshape(-1).astype(np.int32)
        left = np.concatenate([np.zeros(channels, np.int32), row[:-channels]])
        up_left = np.concatenate([np.zeros(channels, np.int32), previous[:-channels]])
        estimate = left + previous - up_left
        near_left, near_up = np.abs(estimate - left), np.abs(estimate - previous)
        near_up_left = np.abs(estimate - up_left)
        paeth = np.where(
            (near_left <= near_up) & (near_left <= near_up_left),
            left,
            np.where(near_up <= near_up_left, previous, up_left),
        )
        kind = y % 5
        predicted = [0, left, previous, (left + previous) // 2, paeth][kind]
        rows.append(bytes([kind]) + ((row - predicted) % 256).astype(np.uint8).tobytes())
        previous = row

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def pillow_png(pixels: np.ndarray, level: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels.squeeze(axis=2) if pixels.shape[2] == 1 else pixels).save(
        buffer, "PNG", compress_level=level
    )
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
@pytest.mark.parametrize(
    "encode_png",
    [lambda p: pillow_png(p, 1), lambda p: pillow_png(p, 9), png_with_every_row_filter],
    ids=["pillow-fast", "pillow-best", "every-row-filter"],
)
def test_browser_style_pngs_decode_to_exactly_the_encoded_pixels(mode, encode_png):
    pixels = np.random.default_rng(7).integers(0, 256, (61, 83, len(mode)), dtype=np.uint8)
    png = encode_png(pixels)
    decoded = open_image(png)
    assert not isinstance(decoded, PngImagePlugin.PngImageFile), "took Pillow's slower decoder"
    assert decoded.mode == mode
    np.testing.assert_array_equal(np.asarray(decoded), pixels.squeeze())
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), pixels.squeeze())
