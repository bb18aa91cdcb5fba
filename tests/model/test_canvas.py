"""Canvas input: recorded dash-canvas payloads render, and malformed ones get the typed error."""

import copy
import json

import numpy as np
import pytest

from model.character.preprocess import (
    MAX_CANVAS_JSON_CHARS,
    MAX_OBJECTS,
    MAX_POINTS,
    Preprocessed,
    preprocess_canvas,
)
from model.core.contract import IMAGE_SIZE
from model.core.errors import InputTooLarge, InvalidInput
from model.inputs.canvas import MAX_ABS_COORDINATE, parse_canvas
from testkit.fixtures import canvas_fixture, canvas_fixture_names

DIGIT_FIXTURES = canvas_fixture_names(drawn_digits_only=True)


def stroke_payload(*strokes, stroke_width=12):
    """A fabric payload like dash-canvas sends: one path per stroke, M then L commands."""
    objects = []
    for points in strokes:
        commands = [["M", *points[0]]] + [["L", *point] for point in points[1:]]
        objects.append({"type": "path", "strokeWidth": stroke_width, "path": commands})
    return json.dumps({"objects": objects})


def with_first_coordinate(value):
    """A valid one-stroke payload whose first x coordinate is `value` (as a parsed dict)."""
    return {"objects": [{"type": "path", "path": [["M", value, 10], ["L", 100, 200]]}]}


# --- recorded fixtures ---------------------------------------------------------------------


@pytest.mark.parametrize("name", DIGIT_FIXTURES)
def test_recorded_drawing_renders_a_normalised_digit(name):
    record = canvas_fixture(name)
    result = preprocess_canvas(record["json_data"], record["width"], record["height"])
    assert isinstance(result, Preprocessed)
    assert result.empty is False
    image = result.image
    assert image.shape == (IMAGE_SIZE, IMAGE_SIZE)
    assert image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert image.max() > 0.9, "strokes should have solid ink in their middle"
    # a digit covers a real part of the field, not a speck and not a blob
    ink_fraction = np.count_nonzero(image > 0.5) / image.size
    assert 0.05 < ink_fraction < 0.35


@pytest.mark.parametrize("name", DIGIT_FIXTURES)
def test_recorded_drawing_reads_the_same_as_a_parsed_dict_and_without_canvas_size(name):
    record = canvas_fixture(name)
    from_string = preprocess_canvas(record["json_data"], record["width"], record["height"])
    from_dict = preprocess_canvas(json.loads(record["json_data"]))
    np.testing.assert_array_equal(from_string.image, from_dict.image)


def test_recorded_empty_canvas_is_empty_not_an_error():
    record = canvas_fixture("empty")
    result = preprocess_canvas(record["json_data"], record["width"], record["height"])
    assert result == Preprocessed(image=None, empty=True)


def test_recorded_broken_touch_drawing_is_invalid_input():
    record = canvas_fixture("touch_broken_two")
    with pytest.raises(InvalidInput) as caught:
        preprocess_canvas(record["json_data"], record["width"], record["height"])
    assert not isinstance(caught.value, InputTooLarge)  # a 400, not a 413
    assert "takes" in str(caught.value) or "number" in str(caught.value)


def test_quadratic_paths_pass_through_every_recorded_pen_sample():
    # fabric's pencil writes each pointer sample as a Q's control point and the midpoint
    # to the next sample as the Q's end: the parsed polyline is the samples, in order
    # (M's point, the control points, L's point), and every Q's end lies halfway between
    # two of them.
    record = canvas_fixture("four_brush5")
    data = json.loads(record["json_data"])
    (stroke, *_) = parse_canvas(data)
    path = data["objects"][0]["path"]
    samples = np.array([command[1:3] for command in path], dtype=float)
    np.testing.assert_array_equal(stroke, samples)
    midpoints = np.array([command[3:5] for command in path[1:-1]], dtype=float)
    # fabric nudges M and L off the first and last sample by brush width / 1000
    nudge = record["brush_width"] / 1000
    np.testing.assert_allclose(midpoints, (stroke[1:-1] + stroke[2:]) / 2, rtol=0, atol=nudge)


def test_background_image_object_is_not_ink():
    record = canvas_fixture("four_brush5")
    data = json.loads(record["json_data"])
    plain = preprocess_canvas(copy.deepcopy(data)).image
    data["objects"].insert(0, {"type": "image", "left": 0, "top": 0, "width": 400, "height": 400})
    np.testing.assert_array_equal(preprocess_canvas(data).image, plain)


def test_line_objects_are_drawn():
    # dash-canvas's line tool stores ends relative to the line's centre (left + width / 2, ...)
    line = {
        "type": "line",
        "x1": -50,
        "y1": 0,
        "x2": 50,
        "y2": 0,
        "left": 100,
        "top": 200,
        "width": 100,
        "height": 0,
    }
    strokes = parse_canvas({"objects": [line]})
    np.testing.assert_allclose(strokes[0], [[100, 200], [200, 200]])
    assert preprocess_canvas({"objects": [line]}).empty is False


# --- empty and near-empty --------------------------------------------------------------------


@pytest.mark.parametrize(
    "json_data",
    [None, "", "   ", "null", "{}", '{"objects": []}', {"objects": []}, {}],
    ids=[
        "none",
        "empty-string",
        "blank",
        "json-null",
        "empty-object",
        "no-objects",
        "dict",
        "empty-dict",
    ],
)
def test_nothing_drawn_is_empty(json_data):
    assert preprocess_canvas(json_data) == Preprocessed(image=None, empty=True)


def test_a_tap_is_empty():
    tap = stroke_payload([(200, 200), (201, 200.5)])
    assert preprocess_canvas(tap, 400, 400).empty is True


def test_a_tiny_scribble_on_a_big_canvas_is_empty():
    # 5 px on a 400 px pad is a slip (below 2% of the side), not a digit
    scribble = stroke_payload([(200, 200), (205, 203), (201, 205)])
    assert preprocess_canvas(scribble, 400, 400).empty is True
    # the same shape drawn large is a drawing
    big = stroke_payload([(100, 100), (300, 160), (120, 300)])
    assert preprocess_canvas(big, 400, 400).empty is False


def test_a_single_long_stroke_is_not_empty():
    assert preprocess_canvas(stroke_payload([(200, 50), (200, 350)]), 400, 400).empty is False


# --- malformed input: the typed error, never anything else -----------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_constants_are_refused(constant):
    payload = '{"objects": [{"type": "path", "path": [["M", %s, 10], ["L", 100, 200]]}]}'
    with pytest.raises(InvalidInput, match=constant.lstrip("-")):
        preprocess_canvas(payload % constant)


@pytest.mark.parametrize(
    "literal",
    ["1e999", "-1e999", "1" + "0" * 400, "-1" + "0" * 400, "1e300"],
    ids=[
        "overflowing-float",
        "negative-overflowing-float",
        "huge-int",
        "negative-huge-int",
        "finite-but-absurd",
    ],
)
def test_huge_numbers_in_json_text_are_refused(literal):
    payload = '{"objects": [{"type": "path", "path": [["M", %s, 10], ["L", 100, 200]]}]}'
    with pytest.raises(InvalidInput):
        preprocess_canvas(payload % literal)


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), -float("inf"), 10**400, -(10**400), MAX_ABS_COORDINATE * 2],
    ids=["nan", "inf", "-inf", "huge-int", "negative-huge-int", "beyond-limit"],
)
def test_non_finite_numbers_in_a_parsed_dict_are_refused(value):
    with pytest.raises(InvalidInput):
        preprocess_canvas(with_first_coordinate(value))


@pytest.mark.parametrize("value", [True, False, "10", None, [10], {"x": 10}], ids=repr)
def test_coordinates_that_are_not_numbers_are_refused(value):
    with pytest.raises(InvalidInput, match="number"):
        preprocess_canvas(with_first_coordinate(value))


@pytest.mark.parametrize(
    "json_data",
    [
        "{not json",
        '{"objects": [',
        "[1, 2, 3]",
        '"just a string"',
        "42",
        '{"objects": {"type": "path"}}',
        '{"objects": "many"}',
        '{"objects": [42]}',
        '{"objects": [{"type": "circle", "radius": 10}]}',
        '{"objects": [{"path": [["M", 1, 2]]}]}',
        '{"objects": [{"type": "path", "path": "M 1 2 L 3 4"}]}',
        '{"objects": [{"type": "path", "path": [["C", 1, 2, 3, 4, 5, 6]]}]}',
        '{"objects": [{"type": "path", "path": [["M", 1]]}]}',
        '{"objects": [{"type": "path", "path": [["L", 1, 2, 3]]}]}',
        '{"objects": [{"type": "path", "path": [[]]}]}',
        '{"objects": [{"type": "path", "path": [[1, 2, 3]]}]}',
        '{"objects": [{"type": "path", "path": [null]}]}',
        '{"objects": [{"type": "line", "x1": 1, "y1": 2}]}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=[
        "broken",
        "truncated",
        "top-level-list",
        "top-level-string",
        "top-level-number",
        "objects-dict",
        "objects-string",
        "object-number",
        "unsupported-type",
        "missing-type",
        "path-string",
        "unsupported-command",
        "short-command",
        "long-command",
        "empty-command",
        "command-without-letter",
        "null-command",
        "line-without-ends",
        "deeply-nested",
    ],
)
def test_malformed_canvas_json_is_invalid_input(json_data):
    with pytest.raises(InvalidInput):
        preprocess_canvas(json_data)


@pytest.mark.parametrize(
    "json_data",
    [42, 4.2, ["objects"], object(), b"\xff\xfe{}"],
    ids=["int", "float", "list", "object", "non-utf8-bytes"],
)
def test_wrong_python_types_are_invalid_input(json_data):
    with pytest.raises(InvalidInput):
        preprocess_canvas(json_data)


@pytest.mark.parametrize(
    "width, height",
    [
        (0, 400),
        (400, -1),
        (float("nan"), 400),
        (400, float("inf")),
        ("400", 400),
        (True, 400),
        (400, 10**9),
    ],
    ids=["zero", "negative", "nan", "inf", "string", "bool", "absurd"],
)
def test_bad_canvas_size_is_invalid_input(width, height):
    with pytest.raises(InvalidInput):
        preprocess_canvas(stroke_payload([(10, 10), (200, 300)]), width, height)


def test_too_many_objects_is_input_too_large():
    dot = {"type": "path", "path": [["M", 10, 10], ["L", 20, 20]]}
    assert preprocess_canvas({"objects": [dot] * MAX_OBJECTS}).empty is False
    with pytest.raises(InputTooLarge) as caught:
        preprocess_canvas({"objects": [dot] * (MAX_OBJECTS + 1)})
    assert str(MAX_OBJECTS) in str(caught.value)


def test_too_many_points_is_input_too_large():
    per_object = MAX_POINTS // 10 + 1
    path = [["M", 10, 10]] + [["L", 10 + i % 100, 20 + i % 37] for i in range(per_object - 1)]
    with pytest.raises(InputTooLarge, match=str(MAX_POINTS)):
        preprocess_canvas({"objects": [{"type": "path", "path": path}] * 10})


def test_too_long_json_text_is_input_too_large():
    padding = " " * (MAX_CANVAS_JSON_CHARS + 1)
    with pytest.raises(InputTooLarge):
        preprocess_canvas('{"objects": []}' + padding)


def test_limits_are_far_above_what_a_person_draws():
    # a busy real drawing: the largest recorded fixture, in objects and in points
    sizes = []
    for name in DIGIT_FIXTURES:
        objects = json.loads(canvas_fixture(name)["json_data"])["objects"]
        sizes.append((len(objects), sum(len(obj["path"]) for obj in objects)))
    most_objects = max(count for count, _ in sizes)
    most_points = max(points for _, points in sizes)
    assert 20 * most_objects <= MAX_OBJECTS
    assert 20 * most_points <= MAX_POINTS
    assert (
        20 * max(len(canvas_fixture(name)["json_data"]) for name in DIGIT_FIXTURES)
        <= MAX_CANVAS_JSON_CHARS
    )
