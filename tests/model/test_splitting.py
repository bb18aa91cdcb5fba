"""Choosing a reading classifies only the candidates that could be part of it,
and chooses what classifying every candidate would."""

import math

import numpy as np
import pytest

from model.character.preprocess import min_extent, read_image
from model.core.contract import NUM_CLASSES
from model.core.inference import load_classifier
from model.inputs.canvas import parse_canvas
from model.inputs.images import locate_ink
from model.numbers.characters import stroke_layout
from model.numbers.image_characters import image_layout
from model.numbers.splitting import _best_reading, choose, least_shape_cost, shape_cost
from testkit.fixtures import pen_digits_sample
from testkit.numbers import write_number
from testkit.payloads import PAD_SIZE, canvas_json, pad_png_data_url


def _numbers(count: int) -> list:
    rng = np.random.default_rng(7)
    sample = pen_digits_sample()
    numbers = []
    for _ in range(count):
        indices = rng.choice(len(sample), int(rng.integers(2, 6)))
        picked = [{**sample[int(i)], "writer": 0} for i in indices]
        numbers.append(write_number(picked, rng))
    return numbers


def _layouts():
    for number in _numbers(30):
        strokes = parse_canvas(canvas_json(number.strokes))
        yield stroke_layout(strokes, min_extent(PAD_SIZE, PAD_SIZE))
        yield image_layout(locate_ink(read_image(pad_png_data_url(number.strokes))))


def _every_candidate_read(layout, outputs) -> list[int]:
    scores = []
    for candidate, output in zip(layout.candidates, outputs, strict=True):
        digits = output[:NUM_CLASSES]
        confidence = math.log(max(float(digits.max()), 1e-12))
        scores.append(confidence - shape_cost(candidate, int(digits.argmax()), layout))
    return _best_reading(layout, scores)


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


def test_the_reading_is_the_one_classifying_every_candidate_gives(classifier):
    classified = candidates = 0
    for layout in _layouts():
        every = classifier.predict_batch(np.stack([c.image for c in layout.candidates]))
        asked: list[int] = []

        def classify(indices, every=every, asked=asked):
            asked.extend(indices)
            return every[indices]

        chosen, outputs = choose(layout, classify)
        assert chosen == _every_candidate_read(layout, every)
        assert len(asked) == len(set(asked)), "a candidate classified twice"
        assert set(chosen) <= set(outputs)
        classified += len(asked)
        candidates += len(layout.candidates)
    # Numbers with doubtful pieces have many candidates; most are never classified.
    assert classified < 0.8 * candidates, (classified, candidates)


def test_a_candidate_never_needed_is_never_drawn(classifier):
    for layout in _layouts():

        def classify(indices, layout=layout):
            return classifier.predict_batch(np.stack([layout.candidates[k].image for k in indices]))

        _, outputs = choose(layout, classify)
        drawn = {i for i, c in enumerate(layout.candidates) if "image" in vars(c)}
        assert drawn == set(outputs)


def test_the_least_shape_cost_is_the_least_over_the_ten_digits():
    """choose() bounds every unread candidate by least_shape_cost: it must be
    the cheapest of the ten digits exactly, or a reading could be missed."""
    for layout in _layouts():
        for candidate in layout.candidates:
            costs = [shape_cost(candidate, digit, layout) for digit in range(NUM_CLASSES)]
            assert least_shape_cost(candidate, layout) == min(costs)
