"""Numbers for tests of number reading, not of the model: a committed pen digit
of each label that the model reads right and surely on its own, and digits
written side by side on the pad as a pointer draws them."""

import numpy as np

from model.core.prediction import Prediction
from testkit.fixtures import pen_digits_sample
from testkit.payloads import PAD_SIZE, canvas_json, densify_by_step, place_on_pad
from testkit.predict import predict_canvas

# The fields every answer had before numbers were read.
TODAY_FIELDS = tuple(Prediction.nothing().to_json())
# A pointer's moves are a few pixels apart.
POINTER_STEP = 4.0
SURE = 0.98


def pointer_strokes(strokes) -> list[np.ndarray]:
    """Strokes with a pointer's points along them."""
    return [densify_by_step(np.asarray(s, dtype=np.float64), POINTER_STEP) for s in strokes]


def sure_digits(classifier) -> dict[int, list[np.ndarray]]:
    """For each label, the first committed pen digit (strokes in 0..100) read
    right with confidence over SURE when drawn alone on the pad."""
    chosen = {}
    for record in pen_digits_sample():
        if record["label"] in chosen:
            continue
        drawing = canvas_json(pointer_strokes(place_on_pad(record["strokes"])))
        answer = predict_canvas(classifier, drawing, PAD_SIZE, PAD_SIZE)
        if answer.digit == record["label"] and answer.confidence > SURE:
            chosen[record["label"]] = [np.asarray(s, dtype=np.float64) for s in record["strokes"]]
    return chosen


def side_by_side(shapes, height: float, gap: float, left: float, top: float):
    """Shapes (strokes in 0..100) written left to right, each `height` pixels
    tall and `gap` apart, as a pointer draws them: the strokes and each
    shape's box [x0, y0, x1, y1]."""
    strokes, boxes = [], []
    for shape in shapes:
        points = np.concatenate(shape)
        low, span = points.min(axis=0), np.ptp(points, axis=0)
        scale = height / span[1]
        strokes += pointer_strokes((s - low) * scale + [left, top] for s in shape)
        boxes.append((left, top, left + span[0] * scale, top + height))
        left += span[0] * scale + gap
    return strokes, boxes
