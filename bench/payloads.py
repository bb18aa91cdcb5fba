"""Request bodies for the serving benchmarks, made from real pen digits.

Each digit of the UCI pen-digits set (one stroke of 8 points, 0..100, y down)
is upsampled to the dense point stream a pointer makes and turned into the two
forms clients send: dash-canvas json_data (fabric.js pencil paths on the
dashboard's 400x400 pad with its 12 px brush, the shape of the recorded
payloads in tests/fixtures/canvas) and a PNG data URL of the drawing on a
white 280x280 canvas (as the classic exercise's form posts `canvas.toDataURL()`).
"""

import base64
import io
import itertools
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

PEN_DIGITS = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "pen-digits-train.json"
)
CANVAS_SIZE = 400
BRUSH_WIDTH = 12
PNG_SIZE = 280
PNG_BRUSH_WIDTH = 18
POINTS_PER_STROKE = 64


def load_strokes(
    path: Path = PEN_DIGITS, count: int = 200, seed: int = 0
) -> list[list[np.ndarray]]:
    """`count` digits as lists of (n, 2) strokes in canvas pixels."""
    digits = json.loads(Path(path).read_text())
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(digits), size=min(count, len(digits)), replace=False)
    margin = 60
    scale = (CANVAS_SIZE - 2 * margin) / 100.0
    drawings = []
    for index in picked:
        strokes = []
        for stroke in digits[int(index)]["strokes"]:
            points = np.asarray(stroke, dtype=np.float64) * scale + margin
            strokes.append(_densify(points, rng))
        drawings.append(strokes)
    return drawings


def _densify(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Resample a polyline to POINTS_PER_STROKE points, with a hand's small jitter."""
    lengths = np.r_[0.0, np.cumsum(np.hypot(*np.diff(points, axis=0).T))]
    at = np.linspace(0.0, lengths[-1], POINTS_PER_STROKE)
    dense = np.column_stack([np.interp(at, lengths, points[:, i]) for i in range(2)])
    return np.round(dense + rng.normal(0.0, 0.4, dense.shape), 2)


def fabric_path(points: np.ndarray) -> list:
    """The path fabric.js's PencilBrush makes: quadratic segments through midpoints."""
    path = [["M", *points[0].tolist()]]
    for previous, current in itertools.pairwise(points):
        middle = (previous + current) / 2
        path.append(["Q", *previous.tolist(), *middle.tolist()])
    path.append(["L", *points[-1].tolist()])
    return path


def canvas_json(strokes: list[np.ndarray]) -> str:
    objects = [
        {
            "type": "path",
            "originX": "left",
            "originY": "top",
            "left": float(stroke[:, 0].min()),
            "top": float(stroke[:, 1].min()),
            "fill": None,
            "stroke": "black",
            "strokeWidth": BRUSH_WIDTH,
            "strokeLineCap": "round",
            "strokeLineJoin": "round",
            "path": fabric_path(stroke),
        }
        for stroke in strokes
    ]
    return json.dumps({"version": "1.7.3", "objects": objects})


def png_data_url(strokes: list[np.ndarray]) -> str:
    image = Image.new("RGB", (PNG_SIZE, PNG_SIZE), "white")
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        xy = stroke * (PNG_SIZE / CANVAS_SIZE)
        draw.line(xy.ravel().tolist(), fill="black", width=PNG_BRUSH_WIDTH, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def api_canvas_bodies(drawings) -> list[bytes]:
    """POST /api/predict bodies (JSON) with the canvas json_data string."""
    return [
        json.dumps({"canvas": canvas_json(s), "width": CANVAS_SIZE, "height": CANVAS_SIZE}).encode()
        for s in drawings
    ]


def form_png_bodies(drawings) -> list[bytes]:
    """POST /predict bodies (urlencoded form) with the `digit` PNG data URL."""
    from urllib.parse import urlencode

    return [urlencode({"digit": png_data_url(s)}).encode() for s in drawings]
