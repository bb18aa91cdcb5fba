"""A corpus of hostile and malformed requests across /api/predict, /predict and
/_dash-update-component, each with the status and the words of the error it
must get (or a clean 200 for odd but valid input).

tests/web/test_hostile_corpus.py sends CASES through Flask's test client,
tests/web/test_gunicorn.py and bench/hostile_corpus.py to the real server
(`raw_request`), where the bench measures each request's time and each
worker's peak memory.
"""

import base64
import io
import json
import struct
import urllib.parse
import zlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from components import ids
from model.character import preprocess
from model.core import json_text
from model.inputs.images import MAX_JPEG_SCANS
from testkit import payloads
from testkit.dash_requests import dash_update_request
from testkit.fixtures import canvas_fixture, pen_digits_sample
from testkit.payloads import canvas_data as canvas
from testkit.payloads import data_url, image_bytes
from web import limits, paths


def png_declaring(width: int, height: int, rows: int | None = None) -> bytes:
    """A 1-bit greyscale PNG that declares width x height pixels; with `rows`,
    only that many all-zero rows of data follow (a few bytes for any size)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def good_png() -> bytes:
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(140, 40), (140, 240)], fill=0, width=18)
    return image_bytes(image)


def path_object(path) -> dict:
    return payloads.path_object(path, stroke_width=18)


ONE = [["M", 140, 40], ["Q", 140, 40, 141, 140], ["L", 142, 240]]
GOOD_CANVAS = json.dumps(canvas(path_object(ONE)))


@dataclass
class Case:
    id: str
    status: int
    says: str  # a fragment the error message (or, for a 200, the answer) must contain
    path: str = "/api/predict"
    method: str = "POST"
    kwargs: dict = field(default_factory=dict)


def json_body(body) -> dict:
    return {"data": json.dumps(body), "content_type": "application/json"}


def raw_json(text: str | bytes) -> dict:
    return {"data": text, "content_type": "application/json"}


def canvas_body(drawing, **extra) -> dict:
    return json_body({"canvas": drawing, **extra})


def image_body(image) -> dict:
    return json_body({"image": image})


TOO_MANY_OBJECTS = canvas(*[path_object(ONE)] * (preprocess.MAX_OBJECTS + 1))
TOO_MANY_POINTS = canvas(path_object([["L", 1.0, 2.0]] * (preprocess.MAX_POINTS + 1)))
# A drawing made by a touch screen with a broken fabric.js pencil: commands
# without coordinates.
TOUCH_BROKEN = canvas(path_object([["M"], ["a"], ["Q"], ["Q"], ["L"]]))
# The same, recorded from a real DashCanvas (tests/fixtures/canvas/README.md).
TOUCH_BROKEN_RECORDED = canvas_fixture("touch_broken_two")["json_data"]
DEEP = "[" * 100_000 + "]" * 100_000

CASES = [
    # --- the body of /api/predict is not JSON, or not the right content type
    Case("non-json-body", 400, "not valid JSON", kwargs=raw_json("digit=7")),
    Case("truncated-json", 400, "not valid JSON", kwargs=raw_json('{"canvas": "{}"')),
    Case("invalid-utf8", 400, "not valid JSON", kwargs=raw_json(b'{"image": "\xff\xfe"}')),
    Case("empty-body", 400, "not valid JSON", kwargs=raw_json("")),
    Case("deeply-nested-body", 400, "nested too deeply", kwargs=raw_json(DEEP)),
    Case("nan-in-body", 400, "NaN", kwargs=raw_json('{"canvas": "{}", "width": NaN}')),
    Case(
        "text-plain",
        415,
        "Content-Type must be application/json",
        kwargs={"data": json.dumps({"canvas": GOOD_CANVAS}), "content_type": "text/plain"},
    ),
    Case(
        "form-to-json-api",
        415,
        "Content-Type must be application/json",
        kwargs={"data": {"canvas": GOOD_CANVAS}},
    ),
    Case("no-content-type", 415, "got none", kwargs={"data": json.dumps({"canvas": GOOD_CANVAS})}),
    # --- JSON of the wrong shape
    Case("json-list", 400, "must be an object", kwargs=json_body([GOOD_CANVAS])),
    Case("json-number", 400, "got a number", kwargs=json_body(7)),
    Case("json-null", 400, "got null", kwargs=json_body(None)),
    Case("json-string", 400, "got a string", kwargs=json_body(GOOD_CANVAS)),
    Case("missing-both-keys", 400, "'image' or a 'canvas'", kwargs=json_body({})),
    Case(
        "both-keys",
        400,
        "not both",
        kwargs=json_body({"canvas": GOOD_CANVAS, "image": data_url(good_png())}),
    ),
    Case("unknown-key", 400, "unknown key(s) 'colour'", kwargs=canvas_body(GOOD_CANVAS, colour=1)),
    Case("image-number", 400, "'image' must be a string", kwargs=image_body(42)),
    Case("image-object", 400, "got an object", kwargs=image_body({"src": "x"})),
    Case("canvas-number", 400, "'canvas' must be dash-canvas json_data", kwargs=canvas_body(5)),
    Case("canvas-list", 400, "got a list", kwargs=canvas_body([path_object(ONE)])),
    # --- the image is not a readable image
    Case(
        "malformed-base64", 400, "not valid base64", kwargs=image_body("data:image/png;base64,!!")
    ),
    Case(
        "bad-base64-padding",
        400,
        "not valid base64",
        kwargs=image_body("data:image/png;base64,iVBORw0KGgo"),
    ),
    Case("data-url-not-base64", 400, "must be base64", kwargs=image_body("data:image/png,abc")),
    Case(
        "data-url-not-an-image-type",
        400,
        "not an image",
        kwargs=image_body(data_url(b"hello", mime="text/plain")),
    ),
    Case("empty-image", 400, "empty", kwargs=image_body("data:image/png;base64,")),
    Case(
        "bytes-not-an-image",
        400,
        "not a readable image",
        kwargs=image_body(data_url(b"this is not a picture of a digit")),
    ),
    Case(
        "truncated-png",
        400,
        "image",
        kwargs=image_body(data_url(good_png()[:200])),
    ),
    Case(
        "png-bomb-declared",
        413,
        "pixels",
        kwargs=image_body(data_url(png_declaring(5000, 5000, rows=4))),
    ),
    Case(
        "png-bomb-valid",
        413,
        "pixels",
        kwargs=image_body(data_url(png_declaring(4200, 4200))),
    ),
    Case(
        "png-bomb-huge",
        413,
        "pixels",
        kwargs=image_body(data_url(png_declaring(100_000, 100_000, rows=4))),
    ),
    # --- canvas JSON that is malformed, of the wrong types, or absurd
    Case(
        "canvas-malformed-json", 400, "canvas data is not valid JSON", kwargs=canvas_body("{nope")
    ),
    Case("canvas-json-list", 400, "must be a JSON object", kwargs=canvas_body("[1, 2]")),
    Case("canvas-deeply-nested", 400, "canvas data is not valid JSON", kwargs=canvas_body(DEEP)),
    Case("objects-not-list", 400, "'objects' must be a list", kwargs=canvas_body({"objects": 5})),
    Case("object-not-object", 400, "object 0 is not an object", kwargs=canvas_body(canvas(5))),
    Case(
        "unsupported-object",
        400,
        "unsupported type 'rect'",
        kwargs=canvas_body(canvas({"type": "rect", "left": 1})),
    ),
    Case(
        "path-not-list",
        400,
        "'path' must be a list",
        kwargs=canvas_body(canvas({"type": "path", "path": "M 1 2"})),
    ),
    Case(
        "coordinate-string",
        400,
        "expected a number",
        kwargs=canvas_body(canvas(path_object([["M", "1", 2]]))),
    ),
    Case(
        "coordinate-bool",
        400,
        "expected a number",
        kwargs=canvas_body(canvas(path_object([["M", True, 2]]))),
    ),
    Case(
        "nan-coordinate",
        400,
        "NaN",
        kwargs=canvas_body('{"objects": [{"type": "path", "path": [["M", NaN, 1]]}]}'),
    ),
    Case(
        "infinity-coordinate",
        400,
        "Infinity",
        kwargs=canvas_body('{"objects": [{"type": "path", "path": [["L", 1, -Infinity]]}]}'),
    ),
    Case(
        "overflowing-coordinate",
        400,
        "not a finite canvas coordinate",
        kwargs=canvas_body(canvas(path_object([["M", 1e300, 2]]))),
    ),
    Case("touch-broken-path", 400, "path command 0", kwargs=canvas_body(TOUCH_BROKEN)),
    Case(
        "touch-broken-recorded",
        400,
        "path command 0",
        kwargs=canvas_body(TOUCH_BROKEN_RECORDED, width=400, height=400),
    ),
    Case("too-many-objects", 413, "the limit is", kwargs=canvas_body(TOO_MANY_OBJECTS)),
    Case("too-many-points", 413, "path points", kwargs=canvas_body(TOO_MANY_POINTS)),
    Case(
        "canvas-string-too-long",
        413,
        "the limit is",
        kwargs=canvas_body(" " * (preprocess.MAX_CANVAS_JSON_CHARS + 1)),
    ),
    # --- width and height that are not positive finite numbers
    Case("width-zero", 400, "'width' must be a positive", kwargs=canvas_body(GOOD_CANVAS, width=0)),
    Case("width-negative", 400, "got -280", kwargs=canvas_body(GOOD_CANVAS, width=-280)),
    Case("width-string", 400, "got a string", kwargs=canvas_body(GOOD_CANVAS, width="280")),
    Case("height-bool", 400, "got a boolean", kwargs=canvas_body(GOOD_CANVAS, height=True)),
    Case("height-list", 400, "got a list", kwargs=canvas_body(GOOD_CANVAS, height=[280])),
    Case(
        "height-overflows-to-inf",
        400,
        "got inf",
        kwargs=raw_json(json.dumps({"canvas": GOOD_CANVAS})[:-1] + ', "height": 1e400}'),
    ),
    Case(
        "width-with-image",
        400,
        "only apply to 'canvas'",
        kwargs=json_body({"image": data_url(good_png()), "width": 280}),
    ),
    # --- the classic form post
    Case(
        "form-missing-digit",
        400,
        "missing form field 'digit'",
        "/predict",
        kwargs={"data": "", "content_type": "application/x-www-form-urlencoded"},
    ),
    Case(
        "form-other-field",
        400,
        "missing form field 'digit'",
        "/predict",
        kwargs={"data": {"image": data_url(good_png())}},
    ),
    Case(
        "form-json-body",
        415,
        "x-www-form-urlencoded",
        "/predict",
        kwargs=json_body({"digit": data_url(good_png())}),
    ),
    Case(
        "form-not-an-image",
        400,
        "not a readable image",
        "/predict",
        kwargs={"data": {"digit": data_url(b"<svg></svg>")}},
    ),
    Case(
        "form-malformed-base64",
        400,
        "not valid base64",
        "/predict",
        kwargs={"data": {"digit": "data:image/png;base64,%%%"}},
    ),
    Case(
        "form-empty-upload",
        400,
        "empty",
        "/predict",
        kwargs={
            "data": {"digit": (io.BytesIO(b""), "digit.png", "image/png")},
            "content_type": "multipart/form-data",
        },
    ),
    # --- wrong method, unknown route
    Case(
        "get-api-predict", 405, "method GET is not allowed on /api/predict; use POST", method="GET"
    ),
    Case("put-api-predict", 405, "use POST", method="PUT", kwargs=json_body({})),
    Case("get-form-predict", 405, "method GET is not allowed on /predict", "/predict", "GET"),
    Case("delete-form-predict", 405, "use POST", "/predict", "DELETE"),
    Case("post-healthz", 405, "use GET", "/healthz"),
    Case("unknown-api-get", 404, "no such route: /api/v2/predict", "/api/v2/predict", "GET"),
    Case("unknown-api-post", 404, "no such route: /api/classify", "/api/classify"),
]


# ---- hostile input: cost bombs, unusual formats, overflowing numbers ----


def zigzag(points: int, low=(0.0, 0.0), high=(9.0, 9.0)) -> list:
    """A path of `points` points going back and forth between two points."""
    ends = [["L", *low], ["L", *high]]
    return [["M", *low]] + [ends[i % 2] for i in range(1, points)]


def random_path(points: int, seed: int, side: float = 400.0) -> list:
    xy = np.random.default_rng(seed).integers(0, side, (points, 2)).tolist()
    return [["M", *xy[0]]] + [["L", *p] for p in xy[1:]]


def jpeg_segments(data: bytes):
    """(marker, start, end) of each JPEG segment; a scan runs to the next marker."""
    position, found = 2, []
    while position < len(data):
        marker = data[position + 1]
        if marker == 0xD9:
            found.append((marker, position, position + 2))
            break
        end = position + 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker == 0xDA:
            while True:
                end = data.index(b"\xff", end)
                if data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                    end += 2
                    continue
                break
        found.append((marker, position, end))
        position = end
    return found


def scan_bomb(side: int, scans: int) -> bytes:
    """A progressive JPEG whose last scan repeats until it has `scans` scans: each
    one makes the decoder walk every block of the image again."""
    buffer = io.BytesIO()
    Image.new("L", (side, side), 255).save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    segments = jpeg_segments(data)
    sos = [segment for segment in segments if segment[0] == 0xDA]
    last = data[sos[-1][1] : sos[-1][2]]
    end = segments[-1][1]
    return data[:end] + last * (scans - len(sos)) + data[end:]


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def four(mode: str = "RGB", size: int = 280) -> Image.Image:
    background = {"RGB": "white", "L": 255, "1": 1, "RGBA": (0, 0, 0, 0), "CMYK": (0, 0, 0, 0)}
    ink = {"RGB": "black", "L": 0, "1": 0, "RGBA": (0, 0, 0, 255), "CMYK": (0, 0, 0, 255)}
    image = Image.new(mode, (size, size), background[mode])
    scale = size / 280
    points = [(200, 250), (200, 30), (60, 180), (230, 180)]
    ImageDraw.Draw(image).line(
        [(x * scale, y * scale) for x, y in points], fill=ink[mode], width=round(18 * scale)
    )
    return image


def png_with_chunk(tag: bytes, payload: bytes) -> bytes:
    """good_png() with one more chunk right after IHDR."""
    png = good_png()
    chunk = (
        struct.pack(">I", len(payload))
        + tag
        + payload
        + struct.pack(">I", zlib.crc32(tag + payload))
    )
    return png[:33] + chunk + png[33:]


def png_with_text_chunks(count: int) -> bytes:
    """good_png() with `count` compressed text chunks of 1 MB each (more than
    Pillow reads of them in all)."""
    text = zlib.compress(b"a" * 1_000_000, 9)
    chunks = b"".join(png_chunk(b"zTXt", b"k%d\x00\x00" % i + text) for i in range(count))
    png = good_png()
    return png[:33] + chunks + png[33:]


def png_chunk(tag: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + tag
        + payload
        + struct.pack(">I", zlib.crc32(tag + payload))
    )


# What undoes each EXIF orientation: a photo stored with orientation k is the
# upright picture put through STORED_AS[k].
STORED_AS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def seven() -> Image.Image:
    """An upright 7 on a portrait page, as a phone photographs it."""
    image = Image.new("RGB", (300, 400), "white")
    ImageDraw.Draw(image).line([(60, 80), (230, 80), (120, 340)], fill="black", width=22)
    return image


def seven_photo(orientation: int) -> bytes:
    """seven() as a phone's JPEG stores it with EXIF `orientation` (1-8)."""
    stored = seven() if orientation == 1 else seven().transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(stored, "JPEG", quality=90, exif=exif.tobytes())


def with_exif_segment(jpeg: bytes, payload: bytes) -> bytes:
    """A JPEG with an APP1 (EXIF) segment of `payload` right after its start."""
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def grey_ink_four() -> np.ndarray:
    """four() in grey ink on grey paper: 8-bit levels 100 (ink) and 227 (paper)."""
    return (np.asarray(four("L")) // 2 + 100).astype(np.uint8)


def many_frames_gif(frames: int) -> bytes:
    images = [four("L", 56).convert("P") for _ in range(frames)]
    return encoded(images[0], "GIF", save_all=True, append_images=images[1:])


HUGE_INT = 10**400
HUGE_INT_JSON = "1" + "0" * 400

# Drawings: each is sent as /api/predict's 'canvas' and as the dash-canvas
# json_data of the page's callback. (id, canvas, API status, fragment said).
# Through the callback a refused drawing is a 200 whose page text says why.
CANVAS_CASES = [
    ("type-list", canvas({"type": [], "path": ONE}), 400, "unsupported type []"),
    ("type-object", canvas({"type": {"a": 1}}), 400, "unsupported type {'a': 1}"),
    ("type-number", canvas({"type": 7}), 400, "unsupported type 7"),
    ("type-null", canvas({"path": ONE}), 400, "unsupported type None"),
    ("type-bool", canvas({"type": True}), 400, "unsupported type True"),
    ("type-lone-surrogate", '{"objects": [{"type": "\\ud800"}]}', 400, "unsupported type"),
    ("command-unknown-letter", canvas(path_object([["C", 1, 2, 3, 4, 5, 6]])), 400, "'C'"),
    ("command-too-many-numbers", canvas(path_object([["M", 1, 2, 3]])), 400, "takes 2"),
    ("command-q-short", canvas(path_object([["M", 1, 2], ["Q", 1, 2]])), 400, "takes 4"),
    ("command-flat-list", canvas(path_object(["M", 1, 2])), 400, "expected a list"),
    ("command-number-letter", canvas(path_object([[1, 2, 3]])), 400, "expected a list"),
    ("coordinate-null", canvas(path_object([["M", None, 2]])), 400, "expected a number"),
    ("coordinate-list", canvas(path_object([["M", [1], 2]])), 400, "expected a number"),
    (
        "coordinate-huge-int",
        f'{{"objects": [{{"type": "path", "path": [["M", {HUGE_INT_JSON}, 1]]}}]}}',
        400,
        "not a finite canvas coordinate",
    ),
    (
        "coordinate-beyond-limit",
        canvas(path_object([["M", 0, 0], ["L", 1_000_001, 5]])),
        400,
        "not a finite",
    ),
    ("line-missing-ends", canvas({"type": "line", "x1": 1}), 400, "expected a number, got None"),
    (
        "line-huge-left",
        canvas({"type": "line", "x1": 0, "y1": 0, "x2": 9, "y2": 9, "left": HUGE_INT}),
        400,
        "not a finite",
    ),
    ("objects-nested-lists", canvas([[[[[[]]]]]]), 400, "object 0 is not an object"),
    ("canvas-with-bom", "\ufeff" + GOOD_CANVAS, 400, "not valid JSON"),
    ("canvas-json-number", "7", 400, "must be a JSON object"),
    ("canvas-json-null-string", "null", 200, ""),
    ("objects-empty", canvas(), 200, ""),
    ("only-background-images", canvas(*[{"type": "image", "src": "x" * 100}] * 50), 200, ""),
    ("one-point", canvas(path_object([["M", 10, 10]])), 200, ""),
    ("tap", canvas(path_object([["M", 10, 10], ["L", 11, 10]])), 200, ""),
    (
        "coordinates-at-the-limit",
        canvas(path_object([["M", -1e6, -1e6], ["L", 1e6, 1e6]])),
        200,
        "",
    ),
    (
        "control-points-far-away",
        canvas(path_object([["M", 10, 10], ["Q", 1e6, -1e6, 10, 90]])),
        200,
        "",
    ),
    ("huge-stroke-string", canvas({**path_object(ONE), "stroke": "#" * 500_000}), 200, ""),
    ("unknown-fields", canvas({**path_object(ONE), "zzz": {"a": [1, 2, {"b": None}]}}), 200, ""),
    (
        "500-lines",
        canvas(*[{"type": "line", "x1": 0, "y1": i, "x2": 99, "y2": i} for i in range(500)]),
        200,
        "",
    ),
    # Ruler-flat strokes: no character has any height.
    ("flat-dash", canvas(path_object([["M", 100, 200], ["L", 300, 200]])), 200, ""),
    (
        "flat-dashes",
        canvas(*[path_object([["M", x, 200], ["L", x + 30, 200]]) for x in (20, 200)]),
        200,
        "",
    ),
    # Cost bombs: every point of a zigzag would be about 47 pen dots.
    ("zigzag-max-points", canvas(path_object(zigzag(preprocess.MAX_POINTS))), 200, ""),
    ("zigzag-100-paths", canvas(*[path_object(zigzag(200)) for _ in range(100)]), 200, ""),
    (
        "zigzag-wide-max-points",
        canvas(path_object(zigzag(preprocess.MAX_POINTS, high=(400, 400)))),
        200,
        "",
    ),
    (
        "scribble-max-points",
        canvas(path_object(random_path(preprocess.MAX_POINTS, 1))),
        413,
        "output pixels long",
    ),
    (
        "scribble-100-paths",
        canvas(*[path_object(random_path(200, i)) for i in range(100)]),
        413,
        "output pixels long",
    ),
    (
        "zigzag-500-paths-of-200",
        canvas(*[path_object(zigzag(200)) for _ in range(500)]),
        413,
        "the limit is",
    ),
    (
        "scribble-100k-points",
        canvas(path_object(random_path(100_000, 2))),
        413,
        "the limit is",
    ),
    (
        "scribble-500-lines",
        canvas(
            *[
                {"type": "line", "x1": 0, "y1": 0, "x2": 400, "y2": (i * 37) % 400}
                for i in range(500)
            ]
        ),
        200,
        "",
    ),
]

for case_id, drawing, status, says in CANVAS_CASES:
    CASES.append(Case(f"api-canvas-{case_id}", status, says, kwargs=canvas_body(drawing)))

# Images: each is sent as /api/predict's 'image' and as /predict's form field.
IMAGE_CASES = [
    ("scan-bomb", scan_bomb(1024, 1000), 413, f"the limit is {MAX_JPEG_SCANS}"),
    ("scan-bomb-large", scan_bomb(2048, 5000), 413, "scans"),
    ("scan-bomb-just-over", scan_bomb(256, MAX_JPEG_SCANS + 1), 413, "scans"),
    ("progressive-jpeg-at-the-limit", scan_bomb(256, MAX_JPEG_SCANS), 200, ""),
    ("progressive-jpeg", encoded(four(), "JPEG", progressive=True), 200, ""),
    ("greyscale-jpeg", encoded(four("L"), "JPEG"), 200, ""),
    ("cmyk-jpeg", encoded(four("CMYK"), "JPEG"), 200, ""),
    ("gif", encoded(four().convert("P"), "GIF"), 200, ""),
    ("gif-300-frames", many_frames_gif(300), 200, ""),
    ("bmp", encoded(four(), "BMP"), 200, ""),
    ("tiff-lzw", encoded(four(), "TIFF", compression="tiff_lzw"), 200, ""),
    ("webp-lossy", encoded(four(), "WEBP", quality=80), 200, ""),
    ("png-16-bit", encoded(four("L").convert("I;16"), "PNG"), 200, ""),
    ("png-1-bit", encoded(four("1"), "PNG"), 200, ""),
    ("png-transparent", encoded(four("RGBA"), "PNG"), 200, ""),
    ("png-1x1", encoded(Image.new("L", (1, 1), 0), "PNG"), 200, ""),
    ("png-2048-rgba", encoded(four("RGBA", 2048), "PNG"), 200, ""),
    (
        "png-text-bomb",
        png_with_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"\x00" * 50_000_000, 9)),
        400,
        "image",
    ),
    (
        "png-icc-bomb",
        png_with_chunk(b"iCCP", b"p\x00\x00" + zlib.compress(b"\x00" * 50_000_000, 9)),
        400,
        "image",
    ),
    (
        "tiff-bomb",
        encoded(Image.new("1", (5000, 5000), 1), "TIFF", compression="group4"),
        413,
        "pixels",
    ),
    ("gif-bomb", encoded(Image.new("P", (5000, 5000), 0), "GIF"), 413, "pixels"),
    ("webp-bomb", encoded(Image.new("L", (5000, 5000), 255), "WEBP", lossless=True), 413, "pixels"),
    ("jpeg-bomb", encoded(Image.new("L", (4200, 4200), 255), "JPEG", quality=10), 413, "pixels"),
    ("eps", encoded(four("L"), "EPS"), 400, "PNG, JPEG, WebP"),
    ("ico", encoded(four(), "ICO"), 400, "not a readable image"),
    ("tga", encoded(four(), "TGA"), 400, "not a readable image"),
    ("pcx", encoded(four(), "PCX"), 400, "not a readable image"),
    ("ppm", encoded(four(), "PPM"), 400, "not a readable image"),
    ("sgi", encoded(four(), "SGI"), 400, "not a readable image"),
    ("truncated-jpeg", encoded(four(), "JPEG")[:2000], 400, "image"),
    ("truncated-gif", encoded(four().convert("P"), "GIF")[:300], 400, "image"),
    # Issue 25: odd colour modes, 16-bit levels, phone photos, Pillow's errors.
    ("tiff-cielab", encoded(four().convert("LAB"), "TIFF"), 200, '"number":"4"'),
    ("tiff-cmyk", encoded(four("CMYK"), "TIFF"), 200, '"number":"4"'),
    ("tiff-la", encoded(four("L").convert("LA"), "TIFF"), 200, '"number":"4"'),
    ("tiff-1-bit", encoded(four("1"), "TIFF", compression="group4"), 200, '"number":"4"'),
    (
        "png-palette-transparent-paper",
        encoded(four().convert("P"), "PNG", transparency=four().convert("P").getpixel((0, 0))),
        200,
        '"number":"4"',
    ),
    (
        "png-16-bit-grey-ink",
        encoded(Image.fromarray(grey_ink_four().astype(np.uint16) * 257), "PNG"),
        200,
        '"number":"4"',
    ),
    (
        "tiff-16-bit-grey-ink",
        encoded(Image.fromarray(grey_ink_four().astype(np.uint16) * 257), "TIFF"),
        200,
        '"number":"4"',
    ),
    (
        "tiff-32-bit-grey-ink",
        encoded(Image.fromarray(grey_ink_four().astype(np.int32) * 1000), "TIFF"),
        200,
        '"number":"4"',
    ),
    (
        "tiff-float-grey-ink",
        encoded(Image.fromarray(grey_ink_four().astype(np.float32) / 255), "TIFF"),
        200,
        '"number":"4"',
    ),
    *[(f"jpeg-exif-orientation-{k}", seven_photo(k), 200, '"number":"7"') for k in range(2, 9)],
    (
        "jpeg-exif-garbage",
        with_exif_segment(encoded(seven(), "JPEG"), b"Exif\x00\x00MM\x00*\xff\xff\xff\xff"),
        200,
        '"number":"7"',
    ),
    ("png-80-text-chunks", png_with_text_chunks(80), 413, "80 compressed text or colour profile"),
    ("png-8-text-chunks", png_with_text_chunks(8), 200, '"number":"1"'),
    ("no-image-bytes", b"this is not a picture of a digit", 400, "not a readable image (PNG"),
    ("png-corrupt-header", good_png()[:40] + b"\x00" + good_png()[41:], 400, "starts as a PNG"),
]


def image_cases(case_id: str, image: bytes, status: int, says: str) -> list[Case]:
    """The image sent both ways: in /api/predict's JSON and as /predict's form field."""
    url = data_url(image)
    return [
        Case(f"api-image-{case_id}", status, says, kwargs=image_body(url)),
        Case(f"form-image-{case_id}", status, says, "/predict", kwargs={"data": {"digit": url}}),
    ]


for case in IMAGE_CASES:
    CASES += image_cases(*case)


def pen_number(count: int, height: float = 40.0, gap: float = 14.0) -> list[np.ndarray]:
    """`count` committed pen digits written left to right, `height` pixels tall and
    `gap` apart, from (10, 100): strokes in pixels."""
    strokes, left = [], 10.0
    for record in pen_digits_sample()[:count]:
        shape = [np.asarray(stroke, dtype=np.float64) for stroke in record["strokes"]]
        points = np.concatenate(shape)
        low, span = points.min(axis=0), np.ptp(points, axis=0)
        scale = height / span[1]
        strokes += [(stroke - low) * scale + [left, 100.0] for stroke in shape]
        left += span[0] * scale + gap
    return strokes


def dots_image(count: int, size: int, seed: int = 0) -> bytes:
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for x, y in np.random.default_rng(seed).uniform(0, size - 6, (count, 2)).tolist():
        draw.ellipse([x, y, x + 5, y + 5], fill=0)
    return image_bytes(image)


def wide_rings_image(count: int) -> bytes:
    """`count` rings each twice as wide as tall, side by side: every one is offered
    to the classifier cut where two digits may touch (the most candidates)."""
    image = Image.new("L", (count * 100, 200), 255)
    draw = ImageDraw.Draw(image)
    for index in range(count):
        draw.rectangle([index * 100 + 5, 60, index * 100 + 90, 100], outline=0, width=6)
    return image_bytes(image)


def number_image(count: int) -> bytes:
    return image_bytes(payloads.draw_strokes(pen_number(count), size=720, width=4))


def heavy_scribbles(points_each: int = 500, seed: int = 0) -> list[np.ndarray]:
    """Issue 25's heaviest valid number: twelve top-heavy scribbles in one row,
    wide and narrow by turns, each sharing a few columns with the next (so the
    splitter tries every neighbouring pair as one character), each just within
    what a drawing of one digit may cost; whole canvas units, about 200 kB."""
    rng = np.random.default_rng(seed)
    strokes, left = [], 10.0
    for index in range(12):
        width = 90.0 if index % 2 == 0 else 30.0
        scribble = np.stack(
            [rng.uniform(left, left + width, points_each), rng.uniform(100, 150, points_each)], 1
        )
        tail = [[left + width / 2, 200.0]]  # the scribble's stem: its ink is at the top
        strokes.append(np.round(np.concatenate([scribble, tail])))
        left += width - 3
    return strokes


def dense_pair(gap: float, points_each: int = 600) -> list[np.ndarray]:
    """Two dense scribbles 60 wide and 100 tall, each within what a drawing of
    one digit may cost, `gap` apart (-1: their boxes overlap by one unit)."""
    strokes = []
    for index, left in enumerate((0.0, 60.0 + gap)):
        rng = np.random.default_rng(index + 1)
        xy = [rng.uniform(left, left + 60, points_each), rng.uniform(0, 100, points_each)]
        strokes.append(np.round(np.stack(xy, 1), 1) + 50)
    return strokes


HEAVY_SCRIBBLES = payloads.canvas_json(heavy_scribbles())

# Numbers (issue 17): at most model.numbers.number.MAX_CHARACTERS characters are read;
# more is refused before any is classified, however many pieces the ink has.
# The page answers a 200 for each, saying what it read or the error.
NUMBER_CANVAS_CASES = [
    ("12-digits", payloads.canvas_json(pen_number(12)), 200, '"digits"'),
    # Issue 25: what a request costs is bounded as a whole, and a refusal is
    # decided from the drawing, not from the candidates tried.
    ("12-heavy-scribbles", HEAVY_SCRIBBLES, 200, '"digits"'),
    ("dense-pair-overlapping", payloads.canvas_json(dense_pair(-1), as_fabric=False), 200, ""),
    ("dense-pair-10-apart", payloads.canvas_json(dense_pair(10), as_fabric=False), 200, ""),
    ("dense-pair-20-apart", payloads.canvas_json(dense_pair(20), as_fabric=False), 200, ""),
    (
        "one-scribble-too-long-of-12",
        payloads.canvas_json([*heavy_scribbles()[:11], heavy_scribbles(2000)[11]], as_fabric=False),
        413,
        "a character's strokes are",
    ),
    ("13-digits", payloads.canvas_json(pen_number(13)), 413, "13 characters; at most 12"),
    (
        "60-tiny-strokes",
        canvas(*[path_object([["M", x, 200], ["L", x + 3, 203]]) for x in range(5, 395, 6)][:60]),
        413,
        "60 characters; at most 12",
    ),
    (
        "500-dots",
        canvas(*[path_object([["M", i % 25 * 16, i // 25 * 16]]) for i in range(500)]),
        413,
        "at most 12",
    ),
]
NUMBER_IMAGE_CASES = [
    ("12-digits", number_image(12), 200, '"digits"'),
    ("13-digits", number_image(13), 413, "13 characters; at most 12"),
    ("500-dots", dots_image(500, 400), 413, "at most 12"),
    ("5000-dots", dots_image(5000, 2000), 413, "at most 12"),
    ("12-wide-rings", wide_rings_image(12), 200, '"digits"'),
]
for case_id, drawing, status, says in NUMBER_CANVAS_CASES:
    CASES.append(Case(f"api-canvas-{case_id}", status, says, kwargs=canvas_body(drawing)))
CASES.append(
    Case(
        "api-canvas-12-heavy-scribbles-explain",
        200,
        '"evidence"',
        kwargs=canvas_body(HEAVY_SCRIBBLES, explain=True),
    )
)
for case in NUMBER_IMAGE_CASES:
    CASES += image_cases(*case)

FORM = "application/x-www-form-urlencoded"
LIST_BOMB = "[]," * ((limits.MAX_BODY_BYTES - 100) // 3)
NUMBER_BOMB = "0.5," * ((limits.MAX_BODY_BYTES - 100) // 4)
# Issue 25 row 1: about three million empty fields, within the body limit.
FIELD_BOMB_FIELDS = (limits.MAX_BODY_BYTES - 100) // 3


def quoted(text: str) -> str:
    """`text` as a urlencoded form value."""
    return urllib.parse.quote(text, safe="")


CASES += [
    Case(
        "json-list-bomb", 413, "JSON values", kwargs=raw_json('{"canvas": [' + LIST_BOMB + "[]]}")
    ),
    Case("json-number-bomb", 413, "JSON values", kwargs=raw_json('{"x": [' + NUMBER_BOMB + "0]}")),
    Case(
        "canvas-string-list-bomb",
        413,
        "JSON values",
        kwargs=canvas_body("[" + "[]," * (preprocess.MAX_CANVAS_JSON_CHARS // 3 - 10) + "[]]"),
    ),
    Case(
        "image-data-url-at-the-limit",
        400,
        "not valid base64",
        kwargs=image_body(
            data_url(good_png()) + "A" * (preprocess.MAX_DATA_URL_CHARS - 50_000) + "-"
        ),
    ),
    Case(
        "width-huge-integer",
        400,
        "got 1000000000",
        kwargs=raw_json('{"canvas": {"objects": []}, "width": ' + HUGE_INT_JSON + "}"),
    ),
    Case(
        "height-huge-negative-integer",
        400,
        "digits",
        kwargs=raw_json('{"canvas": {"objects": []}, "height": -' + HUGE_INT_JSON + "}"),
    ),
    Case(
        "width-beyond-canvas-limit",
        400,
        "positive finite number",
        kwargs=canvas_body(GOOD_CANVAS, width=1e6),
    ),
    Case("width-tiny", 200, "", kwargs=canvas_body(GOOD_CANVAS, width=1e-300, height=1e-300)),
    Case(
        "integer-with-5000-digits",
        400,
        "not valid JSON",
        kwargs=raw_json('{"canvas": "", "width": 1' + "0" * 5000 + "}"),
    ),
    Case(
        "body-with-bom",
        200,
        "",
        kwargs=raw_json(b"\xef\xbb\xbf" + json.dumps({"canvas": GOOD_CANVAS}).encode()),
    ),
    Case("body-utf16-garbage", 400, "not valid JSON", kwargs=raw_json(b"\xff\xfe{\x00")),
    Case(
        "duplicate-keys",
        200,
        "",
        kwargs=raw_json('{"canvas": "{}", "canvas": ' + json.dumps(GOOD_CANVAS) + "}"),
    ),
    Case(
        "json-charset-latin1",
        200,
        "",
        kwargs={
            "data": json.dumps({"canvas": GOOD_CANVAS}),
            "content_type": "application/json; charset=latin-1",
        },
    ),
    Case(
        "image-data-url-with-newlines",
        200,
        "",
        kwargs=image_body(data_url(good_png())[:60] + "\n" + data_url(good_png())[60:]),
    ),
    Case("image-bare-base64", 200, "", kwargs=image_body(base64.b64encode(good_png()).decode())),
    Case(
        "form-two-digit-fields",
        200,
        "",
        "/predict",
        kwargs={
            "data": "digit=" + data_url(good_png()).replace("+", "%2B") + "&digit=x",
            "content_type": FORM,
        },
    ),
    Case(
        "form-digit-empty",
        400,
        "empty",
        "/predict",
        kwargs={"data": "digit=", "content_type": FORM},
    ),
    Case(
        "form-upload-scan-bomb",
        413,
        "scans",
        "/predict",
        kwargs={
            "data": {"digit": (io.BytesIO(scan_bomb(512, 200)), "d.jpg", "image/jpeg")},
            "content_type": "multipart/form-data",
        },
    ),
    Case(
        "form-upload-tiff",
        200,
        "",
        "/predict",
        kwargs={
            "data": {"digit": (io.BytesIO(encoded(four(), "TIFF")), "d.tif", "image/tiff")},
            "content_type": "multipart/form-data",
        },
    ),
    Case(
        "form-broken-multipart",
        400,
        "missing form field",
        "/predict",
        kwargs={"data": b"--x\r\nnot a part", "content_type": "multipart/form-data; boundary=x"},
    ),
    Case(
        "form-text-plain",
        415,
        "x-www-form-urlencoded",
        "/predict",
        kwargs={"data": "digit=1", "content_type": "text/plain"},
    ),
    # Issue 25 rows 1 and 9: a form's fields are bounded whichever way it is
    # encoded, and the refusal says so (not that the body is too large).
    Case(
        "form-field-bomb",
        413,
        f"at most {limits.MAX_FORM_FIELDS} fields; this one has {FIELD_BOMB_FIELDS}",
        "/predict",
        kwargs={"data": b"a=&" * FIELD_BOMB_FIELDS, "content_type": FORM},
    ),
    Case(
        "form-fields-one-too-many",
        413,
        f"at most {limits.MAX_FORM_FIELDS} fields; this one has {limits.MAX_FORM_FIELDS + 1}",
        "/predict",
        kwargs={
            "data": "&".join(["a="] * limits.MAX_FORM_FIELDS + ["digit=x"]),
            "content_type": FORM,
        },
    ),
    Case(
        "form-fields-at-the-limit",
        200,
        "",
        "/predict",
        kwargs={
            "data": "a=&" * (limits.MAX_FORM_FIELDS - 1) + "digit=" + quoted(data_url(good_png())),
            "content_type": FORM,
        },
    ),
    Case(
        "form-multipart-1001-parts",
        413,
        f"at most {limits.MAX_FORM_FIELDS} fields",
        "/predict",
        kwargs={
            "data": {f"f{i}": "x" for i in range(limits.MAX_FORM_FIELDS + 1)},
            "content_type": "multipart/form-data",
        },
    ),
    Case(
        "form-multipart-at-the-limit",
        200,
        "",
        "/predict",
        kwargs={
            "data": {
                **{f"f{i}": "x" for i in range(limits.MAX_FORM_FIELDS - 1)},
                "digit": data_url(good_png()),
            },
            "content_type": "multipart/form-data",
        },
    ),
    # The same bomb as JSON keys, within the body limit: bounded by the JSON
    # value count.
    Case(
        "json-key-bomb",
        413,
        "JSON values",
        kwargs=raw_json("{" + '"a":0,' * (FIELD_BOMB_FIELDS // 2) + '"canvas":"{}"}'),
    ),
    Case("patch-api-predict", 405, "use POST", method="PATCH", kwargs=json_body({})),
    Case("head-api-predict", 405, "", method="HEAD"),
    Case("get-healthz-ok", 200, "ok", "/healthz", "GET"),
    Case("unknown-api-delete", 404, "no such route", "/api/predict/7", "DELETE"),
]

# ---- Dash's own routes ----


def dash_body(json_data=None, **changes) -> dict:
    body = dash_update_request(json_data)
    body.update(changes)
    return body


def dash_case(case_id: str, status: int, says: str, body, raw: bool = False, **extra) -> Case:
    kwargs = raw_json(body) if raw else json_body(body)
    kwargs.update(extra)
    return Case(f"dash-{case_id}", status, says, paths.DASH_CALLBACK_PATH, kwargs=kwargs)


def evidence_for(digit) -> dict:
    """A drawing sent with `digit` as the evidence digit the page asks about."""
    return dash_update_request(GOOD_CANVAS, evidence_digit=digit)


CLIENTSIDE = dash_body(
    output=f"{ids.STRIP_DIGIT}.children",
    outputs={"id": ids.STRIP_DIGIT, "property": "children"},
    inputs=[{"id": ids.PREDICTED_DIGIT, "property": "children", "value": "7"}],
    changedPropIds=[f"{ids.PREDICTED_DIGIT}.children"],
    state=[],
)
CASES += [
    dash_case("empty-object", 400, "needs 'output'", {}),
    dash_case("list", 400, "must be a JSON object", [1, 2]),
    dash_case("null", 400, "must be a JSON object, got null", None),
    dash_case("invalid-json", 400, "not valid JSON", '{"output": ', raw=True),
    dash_case("empty-body", 400, "not valid JSON", "", raw=True),
    dash_case("nested-5000", 400, "nested too deeply", "[" * 5000 + "]" * 5000, raw=True),
    dash_case(
        "nested-5000-in-value",
        400,
        "nested too deeply",
        json.dumps(dash_body())[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}",
        raw=True,
    ),
    dash_case(
        "nan", 400, "NaN", json.dumps(dash_body()).replace('"value": 0', '"value": NaN'), raw=True
    ),
    dash_case(
        "unknown-output", 404, "no server-side callback", dash_body(output="nothing.children")
    ),
    dash_case("clientside-output", 404, "no server-side callback", CLIENTSIDE),
    dash_case("output-number", 400, "'output' as a string", dash_body(output=5)),
    dash_case(
        "outputs-missing",
        400,
        "'outputs' must be a list",
        {k: v for k, v in dash_body().items() if k != "outputs"},
    ),
    dash_case(
        "outputs-short",
        400,
        "'outputs' must be a list",
        dash_body(outputs=dash_body()["outputs"][:2]),
    ),
    dash_case(
        "outputs-renamed",
        400,
        "'outputs' must be a list",
        dash_body(outputs=[{"id": "x", "property": "y"}] * 6),
    ),
    dash_case(
        "inputs-missing",
        400,
        "'inputs' must be a list",
        {k: v for k, v in dash_body().items() if k != "inputs"},
    ),
    dash_case("inputs-strings", 400, "'inputs' must be a list", dash_body(inputs=["a", "b"])),
    dash_case(
        "inputs-object", 400, "'inputs' must be a list", dash_body(inputs={"id": ids.CANVAS})
    ),
    dash_case(
        "inputs-wrong-property",
        400,
        "'inputs' must be a list",
        dash_body(
            inputs=[
                {"id": ids.CANVAS, "property": "lineWidth"},
                {"id": ids.CLEAR_BUTTON, "property": "n_clicks"},
            ]
        ),
    ),
    dash_case(
        "state-wrong", 400, "'state' must be a list", dash_body(state=[{"id": "brush-width"}])
    ),
    dash_case("changed-unknown", 400, "changedPropIds", dash_body(changedPropIds=["x.y"])),
    # Issue 25 row 5: items dash-renderer never sends, unhashable ones included.
    dash_case(
        "changed-item-list",
        400,
        "changedPropIds",
        dash_body(changedPropIds=[[f"{ids.CANVAS}.json_data"]]),
    ),
    dash_case("changed-item-object", 400, "changedPropIds", dash_body(changedPropIds=[{}])),
    dash_case(
        "changed-not-list",
        400,
        "changedPropIds",
        dash_body(changedPropIds="drawing-canvas.json_data"),
    ),
    dash_case(
        "text-plain",
        415,
        "application/json",
        json.dumps(dash_body()),
        raw=True,
        content_type="text/plain",
    ),
    dash_case("oversized", 413, "byte limit", " " * (limits.MAX_BODY_BYTES + 1), raw=True),
    dash_case("list-bomb", 413, "JSON values", "[" + LIST_BOMB + "[]]", raw=True),
    dash_case(
        "json-data-list-bomb",
        413,
        "JSON values",
        dash_body("[" + "[]," * (preprocess.MAX_CANVAS_JSON_CHARS // 3 - 10) + "[]]"),
    ),
    dash_case("evidence-digit-huge", 200, "confident", evidence_for(HUGE_INT)),
    dash_case("evidence-digit-string", 200, "confident", evidence_for("seven")),
    dash_case("evidence-digit-negative", 200, "confident", evidence_for(-5)),
    dash_case("evidence-digit-ten", 200, "confident", evidence_for(10)),
    dash_case("evidence-digit-bool", 200, "confident", evidence_for(True)),
    dash_case("json-data-number", 200, "could not be read", dash_body(7)),
    dash_case("json-data-list", 200, "could not be read", dash_body([1, 2])),
    dash_case("json-data-empty", 200, "Draw a digit", dash_body("")),
    dash_case(
        "no-changed-ids",
        200,
        "predicted-digit",
        {k: v for k, v in dash_body(GOOD_CANVAS).items() if k != "changedPropIds"},
    ),
    Case("dash-put", 405, "not allowed", paths.DASH_CALLBACK_PATH, "PUT"),
    # Issue 25 row 9: not the page's HTML (Dash's catch-all GET route).
    Case("dash-get", 405, "use POST", paths.DASH_CALLBACK_PATH, "GET"),
    Case(
        "dash-suite-unknown-package",
        404,
        "no such route",
        "/_dash-component-suites/nothing/x.js",
        "GET",
    ),
    Case(
        "dash-suite-unknown-file",
        404,
        "no such route",
        "/_dash-component-suites/dash/nothing.v1_0_0m1.js",
        "GET",
    ),
    Case(
        "dash-suite-traversal",
        404,
        "no such route",
        "/_dash-component-suites/dash/../../api.py",
        "GET",
    ),
    Case("dash-reload-hash", 404, "no such route", "/_reload-hash", "GET"),
]
# Every drawing above through the page's callback: a 200 that says what the API
# said, unless the request's body is itself too costly to parse (413).
for case_id, drawing, status, says in CANVAS_CASES:
    body = dash_body(drawing if isinstance(drawing, str) else json.dumps(drawing))
    if sum(json.dumps(body).count(token) for token in ",:[{") > json_text.MAX_JSON_VALUES:
        CASES.append(dash_case(f"canvas-{case_id}", 413, "JSON values", body))
    else:
        CASES.append(dash_case(f"canvas-{case_id}", 200, says if status != 200 else "", body))
for case_id, drawing, _, _ in NUMBER_CANVAS_CASES:
    CASES.append(dash_case(f"canvas-{case_id}", 200, "", dash_body(drawing)))


def fresh_kwargs(case: Case) -> dict:
    """The case's request arguments, with every uploaded file as a new stream
    (sending a case reads its streams to the end and closes them)."""
    kwargs = dict(case.kwargs)
    if isinstance(kwargs.get("data"), dict):
        kwargs["data"] = {
            key: (io.BytesIO(value[0].getvalue()), *value[1:])
            if isinstance(value, tuple) and isinstance(value[0], io.BytesIO)
            else value
            for key, value in kwargs["data"].items()
        }
    return kwargs


def raw_request(case: Case, host: str = "127.0.0.1") -> bytes:
    """The case as the bytes of one HTTP/1.1 request on its own connection (for
    the real server: tests/web/test_gunicorn.py and bench/hostile_corpus.py)."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(case.path, method=case.method, **fresh_kwargs(case))
    try:
        environ = builder.get_environ()
        body = environ["wsgi.input"].read()
    finally:
        builder.close()
    headers = [("Host", host), ("Connection", "close"), ("Accept", "application/json")]
    if environ.get("CONTENT_TYPE"):
        headers.append(("Content-Type", environ["CONTENT_TYPE"]))
    if body or case.method in ("POST", "PUT", "PATCH"):
        headers.append(("Content-Length", str(len(body))))
    query = f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else ""
    head = f"{case.method} {case.path}{query} HTTP/1.1\r\n" + "".join(
        f"{key}: {value}\r\n" for key, value in headers
    )
    return head.encode("latin-1") + b"\r\n" + body
