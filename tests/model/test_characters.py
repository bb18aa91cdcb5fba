"""Ink into characters, before any classifier: connected components, the grouping
rules shared by strokes and images, and where touching digits are cut."""

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from model.core.errors import InputTooLarge
from model.inputs.canvas import parse_canvas
from model.numbers.connected import connected_components
from model.numbers.cut_paths import cut_paths
from model.numbers.grouping import MAX_CHARACTERS, group_pieces
from testkit.fixtures import canvas_fixture, pen_digits_sample
from testkit.payloads import place_on_pad


def stroke_boxes(strokes):
    return np.array([np.r_[s.min(axis=0), s.max(axis=0)] for s in strokes])


def group_strokes(strokes):
    return [g.tolist() for g in group_pieces(stroke_boxes(strokes), strokes)]


def pen_digit(label, nth=0):
    """A committed pen-written digit (one stroke, 0..100) of this label."""
    return [d for d in pen_digits_sample() if d["label"] == label][nth]["strokes"]


def side_by_side(digits, gap):
    """Pen digits (0..100 each) placed left to right, `gap` units between their boxes."""
    strokes, left = [], 0.0
    for digit in digits:
        placed = [np.asarray(s, dtype=np.float64) for s in digit]
        low = np.concatenate(placed).min(axis=0)
        width = np.ptp(np.concatenate(placed)[:, 0])
        strokes += [s - [low[0] - left, 0] for s in placed]
        left += width + gap
    return strokes


@pytest.mark.parametrize("seed", range(40))
def test_components_match_scipy_on_random_masks(seed):
    rng = np.random.default_rng(seed)
    mask = rng.random(tuple(rng.integers(1, 50, 2))) < rng.uniform(0.05, 0.7)
    found = connected_components(mask)
    expected, count = ndimage.label(mask, structure=np.ones((3, 3)))
    assert found.count == count
    # The same partition: every scipy label maps to exactly one of ours.
    assert len(set(zip(expected[mask].tolist(), found.labels[mask].tolist(), strict=True))) == count
    assert (found.labels[~mask] == -1).all()
    for label in range(found.count):
        rows, cols = np.nonzero(found.labels == label)
        box = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
        assert found.boxes[label].tolist() == box
        assert found.sizes[label] == len(rows)
    assert (np.diff(found.boxes[:, 0]) >= 0).all(), "numbered left to right"


def test_a_diagonal_line_one_pixel_wide_is_one_component():
    found = connected_components(np.eye(30, dtype=bool))
    assert found.count == 1
    assert found.boxes.tolist() == [[0, 0, 30, 30]] and found.sizes.tolist() == [30]
    assert (found.labels == np.where(np.eye(30, dtype=bool), 0, -1)).all()


@pytest.mark.parametrize("seed", range(20))
def test_one_piece_of_ink_is_one_component_with_its_box_size_and_labels(seed):
    # A random mask's largest piece alone (placed off the origin), as one digit is.
    rng = np.random.default_rng(100 + seed)
    mask = rng.random(tuple(rng.integers(5, 60, 2))) < rng.uniform(0.4, 0.9)
    labelled, _ = ndimage.label(mask, structure=np.ones((3, 3)))
    largest = np.bincount(labelled[mask]).argmax()
    piece = np.pad(labelled == largest, ((3, 0), (7, 2)))
    found = connected_components(piece)
    rows, cols = np.nonzero(piece)
    assert found.count == 1
    assert found.boxes.tolist() == [[cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]]
    assert found.sizes.tolist() == [len(rows)]
    assert (found.labels == np.where(piece, 0, -1)).all()


@pytest.mark.parametrize("name", ["four_brush5", "seven_brush12", "five_brush24"])
def test_recorded_two_stroke_digits_stay_one_character(name):
    strokes = parse_canvas(canvas_fixture(name)["json_data"])
    assert len(strokes) == 2
    assert group_strokes(strokes) == [[0, 1]]


def test_a_slashed_zero_and_a_crossed_seven_stay_one_character():
    zero = [np.asarray(s, dtype=np.float64) for s in pen_digit(0)]
    slash = np.array([[0.0, 100.0], [100.0, 0.0]])
    seven = [np.asarray(s, dtype=np.float64) for s in pen_digit(7)]
    bar = np.array([[20.0, 55.0], [80.0, 55.0]])
    assert group_strokes([*zero, slash]) == [[0, 1]]
    assert group_strokes([*seven, bar]) == [[0, 1]]


def test_a_dot_joins_the_nearest_character():
    one = [np.array([[10.0, 0.0], [10.0, 100.0]])]
    two = [np.asarray(s, dtype=np.float64) + np.array([60.0, 0.0]) for s in pen_digit(2)]
    dot = np.array([[58.0, 50.0], [59.0, 51.0]])  # nearer the 2 than the 1
    assert group_strokes([*one, *two, dot]) == [[0], [1, 2]]


@pytest.mark.parametrize("gap", [0.0, 5.0, 40.0])
def test_digits_side_by_side_are_characters_left_to_right(gap):
    digits = [pen_digit(label) for label in (2, 0, 2, 6)]
    strokes = side_by_side(digits, gap)
    assert group_strokes(strokes) == [[0], [1], [2], [3]]


def test_the_written_order_of_strokes_does_not_change_the_characters():
    strokes = side_by_side([pen_digit(label) for label in (1, 9, 8, 4)], 10.0)
    groups = group_strokes(strokes[::-1])
    assert groups == [[3], [2], [1], [0]]


def test_more_than_twelve_characters_is_too_large():
    strokes = side_by_side([pen_digit(label % 10) for label in range(MAX_CHARACTERS)], 20.0)
    assert len(group_strokes(strokes)) == MAX_CHARACTERS
    with pytest.raises(InputTooLarge, match="at most 12"):
        group_strokes([*strokes, strokes[0] + [2000.0, 0.0]])


def test_groups_are_the_same_for_any_scale_and_position():
    strokes = side_by_side([pen_digit(label) for label in (3, 1, 4)], 15.0)
    moved = [s * 7.5 + [300.0, -40.0] for s in strokes]
    assert group_strokes(moved) == group_strokes(strokes)


def draw(strokes, size=(300, 140), pen=10):
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line(np.asarray(stroke).ravel().tolist(), fill=255, width=pen, joint="curve")
    return np.asarray(image)


def ring(cx, cy, rx, ry, points=48):
    angles = np.linspace(0, 2 * np.pi, points)
    return np.column_stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)])


def test_two_touching_zeros_are_cut_between_them():
    ink = draw([ring(60, 70, 40, 55), ring(140, 70, 40, 55)])  # touching at x = 100
    rows, cols = np.nonzero(ink)
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    cuts = cut_paths(crop, pen=10, margin=12, most=3)
    middle = 100 - cols.min()
    assert any(abs(int(np.median(cut)) - middle) <= 6 for cut in cuts), [
        int(np.median(c)) for c in cuts
    ]


def test_a_pen_digit_on_the_pad_is_one_character():
    for digit in pen_digits_sample():
        strokes = place_on_pad(digit["strokes"])
        assert len(group_strokes(strokes)) == 1
