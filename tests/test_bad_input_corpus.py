"""A corpus of malformed requests: each must get its 4xx and a JSON
{"error": ...} that says what was wrong, and the app must keep serving."""

import base64
import io
import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import api
from model import preprocess


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


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def good_png() -> bytes:
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(140, 40), (140, 240)], fill=0, width=18)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def path_object(path) -> dict:
    return {"type": "path", "stroke": "#000", "strokeWidth": 18, "fill": None, "path": path}


def canvas(*objects) -> dict:
    return {"version": "1.7.3", "objects": list(objects)}


ONE = [["M", 140, 40], ["Q", 140, 40, 141, 140], ["L", 142, 240]]
GOOD_CANVAS = json.dumps(canvas(path_object(ONE)))


@dataclass
class Case:
    id: str
    status: int
    says: str  # a fragment the error message must contain
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
TOUCH_BROKEN_RECORDED = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "canvas" / "touch_broken_two.json").read_text()
)["json_data"]
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


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_request_gets_a_4xx_that_says_what_was_wrong(client, case):
    response = client.open(case.path, method=case.method, **case.kwargs)
    assert response.status_code == case.status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()
    assert set(error) == {"error"}
    assert case.says in error["error"]
    assert "Traceback" not in error["error"]
    # The app keeps serving after the bad request.
    good = client.post("/api/predict", json={"canvas": GOOD_CANVAS})
    assert good.status_code == 200
    assert good.get_json()["empty"] is False


@pytest.mark.parametrize(
    "method, path, allowed",
    [("GET", "/api/predict", "POST"), ("DELETE", "/predict", "POST"), ("PUT", "/healthz", "GET")],
)
def test_405_names_the_allowed_method(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.get_json()["error"].endswith(f"use {allowed}")


@pytest.mark.parametrize("path", ["/api/predict", "/predict"])
def test_body_beyond_the_limit_is_413(client, path):
    body = b"x" * (api.MAX_BODY_BYTES + 1)
    form = "application/x-www-form-urlencoded"
    content_type = "application/json" if path.startswith("/api") else form
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 413
    assert response.get_json() == {
        "error": f"request body is larger than the {api.MAX_BODY_BYTES}-byte limit"
    }
    assert client.post("/api/predict", json={"canvas": GOOD_CANVAS}).status_code == 200


def test_data_url_beyond_its_limit_is_413(client):
    too_long = "data:image/png;base64," + "A" * preprocess.MAX_DATA_URL_CHARS
    response = client.post("/api/predict", json={"image": too_long})
    assert response.status_code == 413
    assert "the limit is" in response.get_json()["error"]


def test_form_data_url_at_the_preprocessing_limit_is_not_refused_by_the_body_limit(client):
    # A long but honest data URL, percent-encoded in a form post, must reach
    # preprocessing (which reads it) rather than be cut off as too large.
    # Base64 text has '+' and '/' (percent-encoded to three bytes each) at
    # about their natural frequency; the final '-' makes it invalid base64, so
    # the answer can only come from preprocessing having read it.
    padding = ("A" * 62 + "+/") * ((preprocess.MAX_DATA_URL_CHARS - 100_000) // 64) + "-"
    response = client.post("/predict", data={"digit": data_url(good_png()) + padding})
    assert response.status_code == 400
    assert "not valid base64" in response.get_json()["error"]
