"""What clients send, built from strokes: dash-canvas json_data and image data URLs.

Strokes are (n, 2) point arrays in canvas pixels, y down. Pen-written digits
(8 points in 0..100) are placed on a pad and densified into the point stream a
pointer makes; `fabric_path` writes them as fabric.js's PencilBrush does (the
shape of the recorded payloads in tests/fixtures/canvas), `line_path` as plain
M/L commands; images are drawn with Pillow and sent as PNG data URLs, as a
browser's `canvas.toDataURL()` is.
"""

import base64
import io
import itertools
import json
from urllib.parse import urlencode

import numpy as np
from PIL import Image, ImageDraw

# The dashboard's pad (components/drawing_pad.py) with a 12 px pen, and the
# classic exercise's 280x280 canvas with its 18 px pen. The stroke path ignores
# the width a canvas names (it draws with the model's own pen); in a PNG of the
# pad (the validation table's "image" lines) it is a pen a little thinner than
# the page's own 16 px ink.
PAD_SIZE = 400
PAD_BRUSH_WIDTH = 12
PNG_SIZE = 280
PNG_BRUSH_WIDTH = 18


def place_on_pad(pen_strokes, size: float = PAD_SIZE, margin: float = 60) -> list[np.ndarray]:
    """Pen strokes (0..100) scaled into a square pad of `size` pixels with `margin`."""
    scale = (size - 2 * margin) / 100.0
    return [np.asarray(stroke, dtype=np.float64) * scale + margin for stroke in pen_strokes]


def densify_by_step(stroke: np.ndarray, step: float) -> np.ndarray:
    """The stroke with points added so that none is more than `step` pixels from the
    next, the corners kept: a pointer's moves along it."""
    points = [stroke[0]]
    for start, end in itertools.pairwise(stroke):
        count = max(1, int(np.ceil(np.hypot(*(end - start)) / step)))
        points += [start + (end - start) * k / count for k in range(1, count + 1)]
    return np.asarray(points)


def densify_to_count(stroke: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """The stroke resampled to `count` evenly spaced points, with a hand's small jitter."""
    lengths = np.r_[0.0, np.cumsum(np.hypot(*np.diff(stroke, axis=0).T))]
    at = np.linspace(0.0, lengths[-1], count)
    dense = np.column_stack([np.interp(at, lengths, stroke[:, i]) for i in range(2)])
    return np.round(dense + rng.normal(0.0, 0.4, dense.shape), 2)


def line_path(points) -> list:
    """A path of straight segments: M to the first point, L to each next one."""
    points = np.asarray(points, dtype=np.float64).tolist()
    return [["M", *points[0]]] + [["L", *point] for point in points[1:]]


def fabric_path(points) -> list:
    """The path fabric.js's PencilBrush makes: quadratic segments through midpoints."""
    points = np.asarray(points, dtype=np.float64)
    path = [["M", *points[0].tolist()]]
    for previous, current in itertools.pairwise(points):
        middle = (previous + current) / 2
        path.append(["Q", *previous.tolist(), *middle.tolist()])
    path.append(["L", *points[-1].tolist()])
    return path


def path_object(path: list, stroke_width: float = PAD_BRUSH_WIDTH) -> dict:
    """A fabric.js path object holding the commands `path`."""
    return {
        "type": "path",
        "originX": "left",
        "originY": "top",
        "fill": None,
        "stroke": "black",
        "strokeWidth": stroke_width,
        "strokeLineCap": "round",
        "strokeLineJoin": "round",
        "path": path,
    }


def canvas_data(*objects: dict) -> dict:
    """A dash-canvas json_data object holding the given fabric objects."""
    return {"version": "1.7.3", "objects": list(objects)}


def canvas_json(strokes, stroke_width: float = PAD_BRUSH_WIDTH, as_fabric: bool = True) -> str:
    """The json_data string a pad holding these strokes sends (fabric's quadratic
    pencil paths, or plain M/L paths when `as_fabric` is false)."""
    to_path = fabric_path if as_fabric else line_path
    return json.dumps(canvas_data(*(path_object(to_path(s), stroke_width) for s in strokes)))


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def image_bytes(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_data_url(image: Image.Image) -> str:
    return data_url(image_bytes(image))


def draw_strokes(
    strokes,
    size: int = PNG_SIZE,
    width: float = PNG_BRUSH_WIDTH,
    scale: float = 1.0,
    mode: str = "RGB",
    background="white",
    ink="black",
) -> Image.Image:
    """The strokes (times `scale`) drawn with a round-jointed pen on a size x size image."""
    image = Image.new(mode, (size, size), background)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        xy = (np.asarray(stroke, dtype=np.float64) * scale).ravel().tolist()
        draw.line(xy, fill=ink, width=round(width), joint="curve")
    return image


def pen_digit_drawings(records: list[dict], count: int, seed: int = 0) -> list[list[np.ndarray]]:
    """`count` pen-written digits picked at random, as dense pointer strokes on the pad."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(records), size=min(count, len(records)), replace=False)
    return [
        [densify_to_count(s, 64, rng) for s in place_on_pad(records[int(i)]["strokes"])]
        for i in picked
    ]


def api_canvas_bodies(drawings) -> list[bytes]:
    """POST /api/predict bodies (JSON) with the canvas json_data string."""
    return [
        json.dumps({"canvas": canvas_json(s), "width": PAD_SIZE, "height": PAD_SIZE}).encode()
        for s in drawings
    ]


def form_png_bodies(drawings) -> list[bytes]:
    """POST /predict bodies (urlencoded form) with the `digit` PNG data URL."""
    return [
        urlencode({"digit": png_data_url(draw_strokes(s, scale=PNG_SIZE / PAD_SIZE))}).encode()
        for s in drawings
    ]


def pad_png_data_url(strokes) -> str:
    """The pad's drawing as its PNG export: the strokes in pad pixels, the pad's pen."""
    return png_data_url(draw_strokes(strokes, size=PAD_SIZE, width=PAD_BRUSH_WIDTH))
