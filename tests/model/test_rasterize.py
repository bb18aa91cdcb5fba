"""Strokes to 28x28: MNIST's framing and stroke thickness, whatever the position, size and brush."""

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from skimage.morphology import skeletonize

from model.character import rasterize
from model.character.preprocess import preprocess_canvas, preprocess_strokes
from model.core.contract import BOX_SIZE, CENTRE, IMAGE_SIZE
from testkit.fixtures import canvas_fixture, canvas_fixture_names, mnist_sample

DIGIT_FIXTURES = canvas_fixture_names(drawn_digits_only=True)
# Mean absolute difference (ink in [0, 1]) below which two 28x28 images are "the same digit
# drawn again": a one-pixel shift of a typical digit already gives about 0.08.
SAME_DRAWING_MAD = 0.01


def moved(json_data: str, scale: float, dx: float, dy: float, brush: float) -> str:
    """The same drawing as dash-canvas would send it drawn `scale` times as large, shifted by
    (dx, dy) and with another brush width: every path coordinate and fabric's placement."""
    data = json.loads(json_data)
    for obj in data["objects"]:
        obj["strokeWidth"] = brush
        obj["left"] = obj["left"] * scale + dx
        obj["top"] = obj["top"] * scale + dy
        obj["width"] *= scale
        obj["height"] *= scale
        obj["pathOffset"] = {
            "x": obj["pathOffset"]["x"] * scale + dx,
            "y": obj["pathOffset"]["y"] * scale + dy,
        }
        obj["path"] = [
            [command[0]]
            + [value * scale + (dx if i % 2 == 0 else dy) for i, value in enumerate(command[1:])]
            for command in obj["path"]
        ]
    return json.dumps(data)


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    mass = image.sum()
    return (rows * image).sum() / mass, (cols * image).sum() / mass


def ink_box(image):
    """(height, width) of the bounding box of pixels with any ink."""
    rows = np.flatnonzero((image > 0).any(axis=1))
    cols = np.flatnonzero((image > 0).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def thickness(image):
    """Stroke thickness in pixels: ink mass per pixel of skeleton."""
    return float(image.sum() / max(1, skeletonize(image > 0.5).sum()))


def assert_mnist_framed(image):
    assert image.shape == (IMAGE_SIZE, IMAGE_SIZE) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    row, col = centre_of_mass(image)
    assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5, (row, col)
    height, width = ink_box(image)
    assert height <= BOX_SIZE and width <= BOX_SIZE, (height, width)


@pytest.fixture(scope="module")
def mnist_thickness():
    digits = mnist_sample()[0].astype(np.float32) / 255.0
    return float(np.median([thickness(digit) for digit in digits]))


@pytest.mark.parametrize("name", DIGIT_FIXTURES)
def test_recorded_drawing_is_framed_like_mnist(name):
    record = canvas_fixture(name)
    image = preprocess_canvas(record["json_data"], record["width"], record["height"]).image
    assert_mnist_framed(image)
    # the longer side of the ink fills the 20x20 box (MNIST's digits touch it, too)
    assert max(ink_box(image)) >= BOX_SIZE - 1


@pytest.mark.parametrize("name", DIGIT_FIXTURES)
@pytest.mark.parametrize(
    "scale, dx, dy, brush",
    [
        (1, 0.37, 0.61, 12),
        (1, 123.4, 77.7, 12),
        (0.5, 0, 0, 3),
        (0.7, 13.3, -7.1, 40),
        (2.0, 5, 5, 1),
        (0.3, 190, 10, 2),
        (3.5, -100, -250, 60),
    ],
    ids=[
        "subpixel-shift",
        "shifted",
        "half-size",
        "smaller-thick-brush",
        "double-thin-brush",
        "tiny-in-corner",
        "huge-off-canvas",
    ],
)
def test_same_drawing_anywhere_any_size_any_brush_gives_the_same_image(name, scale, dx, dy, brush):
    json_data = canvas_fixture(name)["json_data"]
    original = preprocess_canvas(json_data).image
    variant = preprocess_canvas(moved(json_data, scale, dx, dy, brush)).image
    assert np.abs(variant - original).mean() < SAME_DRAWING_MAD


def test_recorded_brushes_from_5_to_24_give_the_same_stroke_thickness():
    widths = [
        thickness(preprocess_canvas(canvas_fixture(name)["json_data"]).image)
        for name in DIGIT_FIXTURES
    ]
    assert max(widths) / min(widths) < 1.2, widths


def test_stroke_thickness_looks_like_mnist(mnist_thickness):
    for name in DIGIT_FIXTURES:
        for brush in (1, 5, 24, 60):
            moved_payload = moved(canvas_fixture(name)["json_data"], 0.7, 10, 10, brush)
            drawn = thickness(preprocess_canvas(moved_payload).image)
            assert abs(drawn - mnist_thickness) / mnist_thickness < 0.2, (name, brush, drawn)


def test_a_one_stays_tall_and_narrow():
    image = preprocess_strokes([np.array([[200.0, 40.0], [203.0, 360.0]])]).image
    assert_mnist_framed(image)
    height, width = ink_box(image)
    assert height >= BOX_SIZE - 1
    assert width <= 5, "a vertical stroke must not be stretched sideways"
    assert image[:, int(CENTRE)].max() > 0.9


def test_a_dash_stays_wide_and_flat():
    image = preprocess_strokes([np.array([[60.0, 200.0], [340.0, 198.0]])]).image
    assert_mnist_framed(image)
    height, width = ink_box(image)
    assert width >= BOX_SIZE - 1
    assert height <= 5, "a horizontal stroke must not be stretched vertically"


@pytest.mark.parametrize("aspect", [0.25, 0.5, 2.0, 4.0])
def test_an_oval_keeps_its_aspect_ratio(aspect):
    angle = np.linspace(0, 2 * np.pi, 200)
    width, height = 100.0 * min(1.0, aspect), 100.0 * min(1.0, 1 / aspect)
    oval = np.stack([200 + width * np.cos(angle), 200 + height * np.sin(angle)], axis=1)
    image = preprocess_strokes([oval]).image
    assert_mnist_framed(image)
    box_height, box_width = ink_box(image)
    # the pen adds the same few pixels to both sides, so compare the stroke centre lines:
    # the drawn ratio of outer sides minus the pen is the oval's ratio within a pixel
    pen = thickness(image)
    expected = (max(box_height, box_width) - pen) * min(aspect, 1 / aspect) + pen
    assert abs(min(box_height, box_width) - expected) <= 1.5, (box_height, box_width, expected)


def test_strokes_keep_their_order_and_gaps():
    # a "=" is two separate strokes: the gap between them must stay empty
    image = preprocess_strokes(
        [np.array([[100.0, 150.0], [300.0, 150.0]]), np.array([[100.0, 250.0], [300.0, 250.0]])]
    ).image
    assert_mnist_framed(image)
    column = image[:, int(CENTRE)]
    assert column[int(CENTRE)] < 0.05 and column.max() > 0.9
    assert np.count_nonzero(column > 0.5) >= 4


@pytest.mark.parametrize(
    "strokes",
    [
        [[[0.0, 0.0], [100.0, 0.0]], [[50.0, 300.0]]],
        [
            [[0.0, 0.0], [300.0, 0.0], [0.0, 8.0], [300.0, 8.0], [0.0, 16.0], [300.0, 16.0]],
            [[150.0, 300.0]],
        ],
    ],
    ids=["dash-and-far-dot", "heavy-scribble-and-far-dot"],
)
def test_a_lopsided_drawing_is_shrunk_to_fit_not_cut_off(strokes):
    # Nearly all the ink at one end and a dot far away: centring the centre of mass must not
    # push the dot out of the frame (the user would see it vanish from the 28x28 preview).
    image = preprocess_strokes([np.asarray(stroke) for stroke in strokes]).image
    assert_mnist_framed(image)
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    assert border.max() == 0, "ink was cut off at the frame's edge"
    assert ink_box(image)[0] >= 10, "the far dot is missing"


def test_the_rasterizer_draws_pillow_s_public_lines_and_ellipses():
    """The rasterizer draws its strokes and their round caps and joins through the
    C object behind ImageDraw, skipping the per-call colour lookup of
    ImageDraw.line and ImageDraw.ellipse; that must give the very pixels the
    public calls give, for any sub-pixel position."""
    rng = np.random.default_rng(7)
    pen = rasterize.PEN_WIDTH * rasterize.SUPERSAMPLE
    width = max(1, round(pen))
    dot = pen / 2 - 0.5
    centres = rng.uniform(10, 150, size=(200, 2))
    boxes = np.concatenate([centres - dot, centres + dot], axis=1).tolist()
    strokes = [
        rng.uniform(10, 150, size=(rng.integers(2, 12), 2)).ravel().tolist() for _ in range(20)
    ]
    public, direct = (Image.new("L", (168, 168), 0) for _ in range(2))
    public_draw, direct_draw = ImageDraw.Draw(public), ImageDraw.Draw(direct)
    ink = direct_draw.draw.draw_ink(255)
    for stroke in strokes:
        public_draw.line(stroke, fill=255, width=width)
        direct_draw.draw.draw_lines(stroke, ink, width)
    for box in boxes:
        public_draw.ellipse(box, fill=255)
        direct_draw.draw.draw_ellipse(box, ink, 1)
    assert np.asarray(public).any()
    assert np.array_equal(np.asarray(public), np.asarray(direct))
