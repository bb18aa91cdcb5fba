"""Reading whole numbers (issue 17): what the API and the page will answer for a
drawing or an image of a number, and that a single digit reads exactly as today."""

import itertools
import json
from collections import Counter

import numpy as np
import pytest

from model.core.errors import InputTooLarge, InvalidInput
from model.core.prediction import Prediction
from model.numbers.connected import connected_components
from model.numbers.number import (
    CharacterReading,
    NumberReading,
    read_canvas_number,
    read_image_number,
)
from testkit.fixtures import canvas_fixture, canvas_fixture_names, pen_digits_sample
from testkit.numbers import HELD_OUT_WRITERS, numbers_of_writers
from testkit.payloads import (
    PAD_SIZE,
    canvas_json,
    densify_by_step,
    draw_strokes,
    pad_png_data_url,
    place_on_pad,
    png_data_url,
)
from testkit.predict import predict_canvas, predict_image
from testkit.sure_digits import POINTER_STEP, TODAY_FIELDS, pointer_strokes, side_by_side

# Issue 17's target for numbers of held-out writers through the canvas; the
# image path is short of its target (92%): 89.5% of these numbers (seed 0) since
# cuts are tried in narrower characters, a floor it must not fall below
# (bench/number_reading.py says why).
CANVAS_EXACT_TARGET = 0.95
IMAGE_EXACT_FLOOR = 0.88
# Of 100 pairs of touching digits in an image, 78 were read apart when it was built.
TOUCHING_PAIRS_FLOOR = 75
# Pen-written digits (real strokes) read as one character: 99.5% when it was
# built, 99.95% since near neighbours are tried as one (model/numbers/characters.py).
ONE_CHARACTER_FLOOR = 0.999


def today(answer) -> dict:
    return {key: answer.to_json()[key] for key in TODAY_FIELDS}


def pad_strokes(digit) -> list[np.ndarray]:
    """A committed pen digit on the pad, with a pointer's points along it."""
    return pointer_strokes(place_on_pad(digit["strokes"]))


def written(digits: str, sure_digits, height=80.0, gap=30.0, left=20.0, top=40.0):
    """The digits written left to right, each `height` tall, `gap` apart: strokes in
    pixels and each digit's box."""
    return side_by_side([sure_digits[int(c)] for c in digits], height, gap, left, top)


def test_one_pen_digit_reads_exactly_as_today_through_the_canvas(classifier):
    for digit in pen_digits_sample():
        payload = canvas_json(pad_strokes(digit))
        reading = read_canvas_number(classifier, payload, PAD_SIZE, PAD_SIZE)
        expected = predict_canvas(classifier, payload, PAD_SIZE, PAD_SIZE)
        assert len(reading.characters) == 1, f"pen digit {digit['index']} was split"
        assert today(reading) == today(expected)
        assert reading.number == (None if expected.not_a_digit else str(expected.digit))
        assert reading.to_json()["digits"][0]["probabilities"] == list(expected.probabilities)


@pytest.mark.parametrize("name", canvas_fixture_names())
def test_recorded_drawings_read_as_today(classifier, name):
    record = canvas_fixture(name)
    args = (record["json_data"], record["width"], record["height"])
    try:
        expected = predict_canvas(classifier, *args)
    except InvalidInput as error:
        with pytest.raises(type(error)):
            read_canvas_number(classifier, *args)
        return
    reading = read_canvas_number(classifier, *args)
    assert today(reading) == today(expected)
    assert len(reading.characters) == (0 if expected.empty else 1)


def test_one_pen_digit_reads_exactly_as_today_through_an_image(classifier):
    for digit in pen_digits_sample()[::5]:
        url = png_data_url(draw_strokes(pad_strokes(digit), size=PAD_SIZE))
        reading = read_image_number(classifier, url)
        assert len(reading.characters) == 1, f"pen digit {digit['index']} was split"
        assert today(reading) == today(predict_image(classifier, url))


@pytest.mark.parametrize("digits", ["42", "2026", "31415", "70", "118"])
def test_a_number_drawn_on_the_canvas_reads_as_the_number(classifier, sure_digits, digits):
    strokes, boxes = written(digits, sure_digits, height=60.0, gap=12.0)
    reading = read_canvas_number(classifier, canvas_json(strokes), PAD_SIZE, PAD_SIZE)
    assert reading.number == digits
    answer = reading.to_json()
    assert answer["digit"] is None and answer["empty"] is False
    entries = answer["digits"]
    assert [entry["digit"] for entry in entries] == [int(c) for c in digits]
    assert answer["confidence"] == pytest.approx(np.prod([e["confidence"] for e in entries]))
    for entry, (x0, y0, x1, y1) in zip(entries, boxes, strict=True):
        # The box is the character's strokes in canvas pixels (fabric draws through the
        # midpoints of the pointer's moves, so a corner may be half a move inside).
        assert entry["box"] == pytest.approx([x0, y0, x1, y1], abs=POINTER_STEP)


@pytest.mark.parametrize("digits", ["11", "14", "41", "71", "17", "414"])
def test_digits_written_close_but_apart_read_as_the_number(classifier, sure_digits, digits):
    """A tenth of a digit's height apart: near enough to be one digit's strokes
    (a 4's stem beside its corner), which the classifier tells from two."""
    strokes, _ = written(digits, sure_digits, height=60.0, gap=6.0)
    reading = read_canvas_number(classifier, canvas_json(strokes), PAD_SIZE, PAD_SIZE)
    assert reading.number == digits


def two_stroke_four(stem_at: float) -> list[np.ndarray]:
    """A 4 100 px tall: its corner (a slant down, a bar right to x=200), then its
    stem, a stroke of its own at x=stem_at, right of the bar's end."""
    corner = np.array([[190.0, 100.0], [150.0, 160.0], [200.0, 160.0]])
    stem = np.array([[stem_at, 120.0], [stem_at, 200.0]])
    return [densify_by_step(corner, POINTER_STEP), densify_by_step(stem, POINTER_STEP)]


@pytest.mark.parametrize("stem_at", [205.0, 212.0])
def test_a_four_with_its_stem_right_of_its_corner_reads_as_one_four(classifier, stem_at):
    payload = canvas_json(two_stroke_four(stem_at))
    reading = read_canvas_number(classifier, payload, PAD_SIZE, PAD_SIZE)
    assert reading.number == "4"
    assert today(reading) == today(predict_canvas(classifier, payload, PAD_SIZE, PAD_SIZE))


def test_the_same_strokes_far_apart_are_two_characters(classifier):
    payload = canvas_json(two_stroke_four(270.0))
    assert len(read_canvas_number(classifier, payload, PAD_SIZE, PAD_SIZE).characters) == 2


@pytest.mark.parametrize("digits", ["42", "2026", "907"])
def test_a_number_in_an_image_reads_as_the_number(classifier, sure_digits, digits):
    strokes, boxes = written(digits, sure_digits, height=160.0, gap=40.0)
    # A wide photo-sized image: the ink map works at a reduced size, boxes do not.
    image = draw_strokes([s + np.array([100.0, 300.0]) for s in strokes], size=1400, width=10)
    reading = read_image_number(classifier, png_data_url(image))
    assert reading.number == digits
    for entry, (x0, y0, x1, y1) in zip(reading.to_json()["digits"], boxes, strict=True):
        # The box is the character's ink in the image's pixels: its strokes and the pen.
        assert entry["box"] == pytest.approx([x0 + 95, y0 + 295, x1 + 105, y1 + 305], abs=6)


def test_digits_touching_in_an_image_are_mostly_read_apart(classifier, sure_digits):
    """Every pair of digits, after a 7, moved closer until their ink is one piece."""
    seven, _ = written("7", sure_digits, height=100.0, left=20.0, top=150.0)
    read = []
    for first, second in itertools.product("0123456789", repeat=2):
        for gap in range(0, -60, -2):
            pair, _ = written(first + second, sure_digits, 100.0, float(gap), 150.0, 150.0)
            image = draw_strokes(seven + pair, size=400, width=10)
            if connected_components(np.asarray(image.convert("L")) < 128).count <= 2:
                break
        number = read_image_number(classifier, png_data_url(image)).number
        read.append(number == "7" + first + second)
    assert sum(read) >= TOUCHING_PAIRS_FLOOR, f"{sum(read)} of 100 touching pairs read"


def test_the_answer_has_exactly_the_contract_s_fields_and_is_json(classifier, sure_digits):
    strokes, _ = written("42", sure_digits)
    answer = read_canvas_number(classifier, canvas_json(strokes)).to_json()
    assert set(answer) == {*TODAY_FIELDS, "number", "digits"}
    for entry in answer["digits"]:
        assert set(entry) == {"digit", "confidence", "probabilities", "not_a_digit", "box"}
        assert len(entry["probabilities"]) == 10 and entry["not_a_digit"] is False
        assert len(entry["box"]) == 4
    assert json.loads(json.dumps(answer)) == answer


def test_an_empty_drawing_is_no_number(classifier):
    for reading in (
        read_canvas_number(classifier, canvas_fixture("empty")["json_data"]),
        read_canvas_number(classifier, canvas_json([np.array([[5.0, 5.0], [6.0, 6.0]])]), 400, 400),
        read_image_number(classifier, png_data_url(draw_strokes([], size=100))),
    ):
        answer = reading.to_json()
        assert answer["empty"] is True and answer["number"] is None and answer["digits"] == []
        assert today(reading) == today(Prediction.nothing())


def test_thirteen_characters_are_refused_clearly(classifier, sure_digits):
    strokes, _ = written("1234567890123", sure_digits, height=20.0, gap=6.0)
    with pytest.raises(InputTooLarge, match="13 characters; at most 12"):
        read_canvas_number(classifier, canvas_json(strokes))
    image = draw_strokes(strokes, size=400, width=3)
    with pytest.raises(InputTooLarge, match="at most 12"):
        read_image_number(classifier, png_data_url(image))


def test_a_character_that_is_not_a_digit_makes_the_number_unreadable(classifier, sure_digits):
    strokes, _ = written("42", sure_digits)
    reading = read_canvas_number(classifier, canvas_json(strokes))
    first, second = reading.characters
    marked = NumberReading((first, CharacterReading(second.prediction, second.box, True)))
    answer = marked.to_json()
    assert answer["number"] is None
    assert [entry["not_a_digit"] for entry in answer["digits"]] == [False, True]
    assert answer["digits"][1]["digit"] is None
    assert answer["digits"][1]["probabilities"] == list(second.prediction.probabilities)


def test_bad_input_is_refused_as_today(classifier):
    with pytest.raises(InvalidInput):
        read_canvas_number(classifier, "{not json")
    with pytest.raises(InvalidInput):
        read_image_number(classifier, "data:image/png;base64,AAAA")
    with pytest.raises(InvalidInput):
        read_image_number(classifier, 42)


def scribble(rng) -> list[np.ndarray]:
    """A few random walks on the pad, each from a random point."""
    walks = []
    for _ in range(int(rng.integers(1, 16))):
        steps = rng.normal(0, 12, (int(rng.integers(2, 60)), 2))
        walks.append(np.clip(rng.uniform(0, PAD_SIZE, 2) + np.cumsum(steps, axis=0), 0, 399))
    return walks


def test_any_scribble_is_read_or_refused_clearly(classifier):
    """Random strokes as a drawing and as an image: an answer of at most 12
    characters boxed inside the pad, or InvalidInput, never anything else."""
    rng = np.random.default_rng(0)
    outcomes = Counter()
    for _ in range(40):
        strokes = scribble(rng)
        image = draw_strokes(strokes, size=PAD_SIZE, width=int(rng.integers(2, 20)))
        for read, payload in (
            (read_canvas_number, canvas_json(strokes)),
            (read_image_number, png_data_url(image)),
        ):
            try:
                answer = read(classifier, payload).to_json()
            except InvalidInput:
                outcomes["refused"] += 1
                continue
            outcomes["read"] += 1
            assert len(answer["digits"]) <= 12
            for entry in answer["digits"]:
                x0, y0, x1, y1 = entry["box"]
                assert 0 <= x0 <= x1 <= PAD_SIZE and 0 <= y0 <= y1 <= PAD_SIZE
    assert outcomes["read"] >= 40, outcomes  # most scribbles are read, as something


@pytest.fixture(scope="module")
def trajectories(pen_trajectories_path):
    return json.loads(pen_trajectories_path.read_text())


def test_numbers_of_held_out_writers_are_read(classifier, trajectories):
    numbers = numbers_of_writers(trajectories, HELD_OUT_WRITERS, seed=0)
    canvas = image = 0
    for number in numbers:
        payload = canvas_json(number.strokes)
        canvas += read_canvas_number(classifier, payload, PAD_SIZE, PAD_SIZE).number == number.text
        url = pad_png_data_url(number.strokes)
        image += read_image_number(classifier, url).number == number.text
    assert canvas / len(numbers) >= CANVAS_EXACT_TARGET, f"{canvas} of {len(numbers)}"
    assert image / len(numbers) >= IMAGE_EXACT_FLOOR, f"{image} of {len(numbers)}"


def test_pen_digits_as_written_are_read_as_one_character(classifier, trajectories):
    one = 0
    for record in trajectories:
        strokes = place_on_pad([np.asarray(s) / 5.0 for s in record["strokes"]])
        one += len(read_canvas_number(classifier, canvas_json(strokes)).characters) == 1
    assert one / len(trajectories) >= ONE_CHARACTER_FLOOR, f"{one} of {len(trajectories)}"


def test_one_narrow_piece_of_ink_is_laid_out_as_the_general_rules_lay_it_out(monkeypatch):
    # image_layout answers one piece of ink too narrow to be two digits without
    # grouping or trying cuts; with that shortcut off, the general rules must
    # find the very same single candidate.
    from model.character.preprocess import read_ink
    from model.character.stroke_width import stroke_width
    from model.numbers import image_characters

    def layout(url):
        found = image_characters.image_layout(read_ink(url)[0])
        candidate = found.candidates[0]
        shape = (candidate.row, candidate.start, candidate.end, candidate.box)
        return (
            found.cut_costs,
            found.tallest,
            found.typical_width,
            len(found.candidates),
            shape,
            (
                candidate.width,
                candidate.height,
                candidate.image,
            ),
        )

    shortcuts = 0
    for digit in pen_digits_sample()[::3]:
        url = png_data_url(draw_strokes(pad_strokes(digit), size=PAD_SIZE))
        located = read_ink(url)[0]
        pieces = connected_components(located.ink > 0)
        if pieces.count != 1:
            continue
        if not image_characters._one_narrow_piece(pieces, stroke_width(located.ink > 0)):
            continue  # wide enough to be two: the general rules lay it out either way
        shortcuts += 1
        fast = layout(url)
        with monkeypatch.context() as patched:
            patched.setattr(image_characters, "_one_narrow_piece", lambda *args: False)
            general = layout(url)
        assert fast[:5] == general[:5]
        assert fast[5][:2] == general[5][:2] and np.array_equal(fast[5][2], general[5][2])
    assert shortcuts >= 20
