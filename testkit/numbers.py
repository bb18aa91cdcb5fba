"""Numbers written by one person: pen-written digits of one writer placed side
by side, for the tests and the benchmark of number reading (model/numbers/number.py).

Each number is 2 to 5 digits of the same writer, as written (every pen sample,
every stroke, from pen-digits-trajectories.json), in the writer's own sizes,
left to right with a gap between bounding boxes from touching (0, a fifth of
the gaps) to wide (0.6 of the number's median digit height), bottoms on a
baseline that wanders by up to 4% of that height from one digit to the next.
The number is then scaled onto the dashboard's square pad: strokes in pad
pixels, y down, and each digit's box in the same pixels.
"""

import json
from dataclasses import dataclass

import numpy as np

from model.core.inference import DEFAULT_CARD_PATH
from model.training.data import WRITER_IDS
from testkit.evidence_check import held_out_writers
from testkit.payloads import PAD_SIZE

# The writers the shipped model never saw (its card says which): the figures
# are for them. Everything about splitting is tuned on the others only.
HELD_OUT_WRITERS = tuple(held_out_writers(json.loads(DEFAULT_CARD_PATH.read_text())))
TUNING_WRITERS = tuple(w for w in WRITER_IDS if w not in HELD_OUT_WRITERS)
MIN_DIGITS, MAX_DIGITS = 2, 5
TOUCHING_SHARE = 0.2
WIDEST_GAP = 0.6
BASELINE_WANDER = 0.04
PAD_MARGIN = 40


@dataclass(frozen=True)
class WrittenNumber:
    """The digits written (a string such as "2026"), their strokes on the pad and
    each digit's bounding box [x0, y0, x1, y1] in pad pixels."""

    text: str
    strokes: list[np.ndarray]
    boxes: list[tuple[float, float, float, float]]


def numbers_of_writers(records: list[dict], writers, seed: int = 0) -> list[WrittenNumber]:
    """Every digit of `writers` used once: each writer's digits shuffled and cut
    into numbers of MIN_DIGITS..MAX_DIGITS digits (a last piece of one digit
    joins the number before it)."""
    rng = np.random.default_rng(seed)
    numbers = []
    for writer in writers:
        own = [record for record in records if record["writer"] == writer]
        order = rng.permutation(len(own))
        start = 0
        while start < len(order):
            count = int(rng.integers(MIN_DIGITS, MAX_DIGITS + 1))
            if len(order) - start - count == 1:
                count += 1 if count < MAX_DIGITS else -1
            picked = [own[int(index)] for index in order[start : start + count]]
            numbers.append(write_number(picked, rng))
            start += count
    return numbers


def write_number(digits: list[dict], rng: np.random.Generator) -> WrittenNumber:
    """Trajectory records placed side by side and scaled onto the pad."""
    shapes = [[np.asarray(stroke, dtype=np.float64) for stroke in d["strokes"]] for d in digits]
    lows = [np.concatenate(strokes).min(axis=0) for strokes in shapes]
    highs = [np.concatenate(strokes).max(axis=0) for strokes in shapes]
    height = float(np.median([high[1] - low[1] for low, high in zip(lows, highs, strict=True)]))
    placed, boxes = [], []
    left, bottom = 0.0, 0.0
    for strokes, low, high in zip(shapes, lows, highs, strict=True):
        shift = np.array([left - low[0], bottom - high[1]])
        placed.append([stroke + shift for stroke in strokes])
        boxes.append(np.concatenate([low + shift, high + shift]))
        touching = rng.random() < TOUCHING_SHARE
        gap = 0.0 if touching else rng.uniform(0.05, WIDEST_GAP) * height
        left += high[0] - low[0] + gap
        bottom += rng.uniform(-BASELINE_WANDER, BASELINE_WANDER) * height
    return _on_pad(digits, placed, np.array(boxes))


def _on_pad(digits, placed, boxes) -> WrittenNumber:
    low, high = boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
    scale = (PAD_SIZE - 2 * PAD_MARGIN) / float((high - low).max())
    # Centred on the pad, as a person writes in the middle of it.
    offset = (PAD_SIZE - (high - low) * scale) / 2 - low * scale
    strokes = [stroke * scale + offset for digit in placed for stroke in digit]
    pad_boxes = [tuple((box * scale + np.tile(offset, 2)).tolist()) for box in boxes]
    text = "".join(str(digit["label"]) for digit in digits)
    return WrittenNumber(text, strokes, pad_boxes)
