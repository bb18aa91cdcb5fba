"""Property-based tests: any JSON, canvas payload, bytes or image gives either a valid,
MNIST-framed 28x28 image (or "empty"), or the typed InvalidInput error; never anything else."""

import base64
import io
import json

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from model.character.preprocess import (
    Preprocessed,
    preprocess_canvas,
    preprocess_image,
    preprocess_strokes,
)
from model.core.contract import BOX_SIZE, CENTRE, IMAGE_SIZE
from model.core.errors import InvalidInput

# Modest runs: the whole file stays well under a minute on a busy machine.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_outcome(call):
    """Run one preprocessing call and check it kept its promise. Returns the result or None."""
    try:
        result = call()
    except InvalidInput as error:  # InputTooLarge is a subclass
        assert str(error), "a bad-input error must say what is wrong"
        return None
    assert isinstance(result, Preprocessed)
    if result.empty:
        assert result.image is None
        return result
    check_mnist_image(result.image)
    return result


def check_mnist_image(image):
    assert isinstance(image, np.ndarray)
    assert image.shape == (IMAGE_SIZE, IMAGE_SIZE) and image.dtype == np.float32
    assert np.all(np.isfinite(image))
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert image.max() > 0.0, "a non-empty result must have ink"
    rows, cols = np.indices(image.shape)
    mass = image.sum()
    com = ((rows * image).sum() / mass, (cols * image).sum() / mass)
    assert abs(com[0] - CENTRE) <= 0.5 and abs(com[1] - CENTRE) <= 0.5, f"centre of mass {com}"
    ink_rows = np.flatnonzero((image > 0).any(axis=1))
    ink_cols = np.flatnonzero((image > 0).any(axis=0))
    box = (ink_rows[-1] - ink_rows[0] + 1, ink_cols[-1] - ink_cols[0] + 1)
    assert max(box) <= BOX_SIZE, f"ink bounding box {box}"


# --- strategies ------------------------------------------------------------------------------

any_number = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_scalars = st.one_of(st.none(), st.booleans(), any_number, st.text(max_size=20))
any_json = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.text(max_size=10), children, max_size=6),
    ),
    max_leaves=40,
)

# Coordinates: mostly where a pen would be, sometimes anything at all.
canvas_coordinate = st.one_of(
    st.floats(min_value=0, max_value=400, allow_nan=False),
    st.floats(min_value=0, max_value=400, allow_nan=False),
    st.floats(min_value=0, max_value=400, allow_nan=False),
    st.integers(min_value=-50, max_value=450),
    any_number,
    st.sampled_from([True, None, "12", [1.0]]),
)
letter = st.sampled_from(["M", "L", "Q", "M", "L", "Q", "C", "Z", "a", ""])


@st.composite
def path_command(draw):
    name = draw(letter)
    arity = {"M": 2, "L": 2, "Q": 4}.get(name, 2)
    if draw(st.integers(0, 19)) == 0:  # now and then the wrong number of values
        arity = draw(st.integers(0, 6))
    return [name] + [draw(canvas_coordinate) for _ in range(arity)]


@st.composite
def fabric_object(draw):
    kind = draw(st.sampled_from(["path", "path", "path", "path", "line", "image", "circle", None]))
    obj = {
        "type": kind,
        "left": draw(canvas_coordinate),
        "top": draw(canvas_coordinate),
        "strokeWidth": draw(st.one_of(st.floats(0.5, 80), any_number)),
        "scaleX": draw(st.sampled_from([1, 1, 0.5, 2])),
        "scaleY": 1,
    }
    if kind == "line":
        for key in ("x1", "y1", "x2", "y2", "width", "height"):
            obj[key] = draw(canvas_coordinate)
    else:
        obj["path"] = draw(st.lists(path_command(), max_size=40))
    return obj


fabric_payload = st.builds(
    lambda objects: {"objects": objects}, st.lists(fabric_object(), max_size=8)
)
canvas_size = st.one_of(st.none(), st.floats(1, 2000), st.just(400), any_number)


@st.composite
def pen_drawing(draw):
    """What a person could draw: 1-5 strokes of 1-30 finite points on a canvas of any size."""
    side = draw(st.floats(min_value=20, max_value=4000))
    coordinate = st.floats(min_value=0, max_value=side, allow_nan=False)
    strokes = draw(
        st.lists(
            st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=30),
            min_size=1,
            max_size=5,
        )
    )
    return side, [np.asarray(stroke, dtype=np.float64) for stroke in strokes]


@st.composite
def small_image_bytes(draw):
    """Any small image in a common mode and format, pixels drawn at random."""
    mode = draw(st.sampled_from(["L", "LA", "RGB", "RGBA", "P", "1", "I;16"]))
    height, width = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    bands = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "P": 1, "1": 1, "I;16": 1}[mode]
    pixels = draw(arrays(np.uint8, (height, width, bands)))
    if mode in ("L", "P", "1", "I;16"):
        image = Image.fromarray(pixels[..., 0], mode="L")
        if mode != "L":
            image = image.convert(mode)
    else:
        image = Image.fromarray(pixels, mode=mode)
    formats = ["PNG", "TIFF"]
    if mode in ("L", "RGB", "P", "1"):
        formats += ["GIF", "BMP"]
    if mode in ("L", "RGB"):
        formats.append("JPEG")
    if mode in ("L", "RGB", "RGBA"):
        formats.append("WEBP")
    buffer = io.BytesIO()
    image.save(buffer, draw(st.sampled_from(formats)))
    return buffer.getvalue()


@st.composite
def sketch_image_bytes(draw):
    """A blank page with a few random lines: background, ink colour and alpha at random."""
    from PIL import ImageDraw

    size = draw(st.integers(8, 120))
    mode = draw(st.sampled_from(["L", "RGB", "RGBA", "LA"]))
    channels = {"L": 1, "RGB": 3, "RGBA": 4, "LA": 2}[mode]
    colour = st.tuples(*[st.integers(0, 255)] * channels).map(
        lambda values: values[0] if len(values) == 1 else values
    )
    image = Image.new(mode, (size, size), draw(colour))
    pen = ImageDraw.Draw(image)
    point = st.tuples(st.integers(-10, size + 10), st.integers(-10, size + 10))
    ink = draw(colour)
    for _ in range(draw(st.integers(0, 4))):
        pen.line(
            draw(st.lists(point, min_size=2, max_size=6)),
            fill=ink,
            width=draw(st.integers(1, max(1, size // 8))),
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(any_json)
def test_any_json_value_gives_a_result_or_invalid_input(value):
    check_outcome(lambda: preprocess_canvas(value))


@PROPERTY
@given(any_json)
def test_any_json_text_gives_a_result_or_invalid_input(value):
    # allow_nan writes NaN/Infinity as JavaScript constants, as a sloppy client would
    check_outcome(lambda: preprocess_canvas(json.dumps(value, allow_nan=True)))


@PROPERTY
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_text_or_bytes_as_canvas_gives_a_result_or_invalid_input(value):
    check_outcome(lambda: preprocess_canvas(value))


@PROPERTY
@given(fabric_payload, canvas_size, canvas_size, st.booleans())
def test_any_fabric_payload_gives_a_framed_image_empty_or_invalid_input(
    payload, width, height, as_text
):
    data = json.dumps(payload, allow_nan=True) if as_text else payload
    check_outcome(lambda: preprocess_canvas(data, width, height))


@PROPERTY
@given(pen_drawing())
def test_any_finite_pen_drawing_is_framed_like_mnist(drawing):
    side, strokes = drawing
    result = check_outcome(lambda: preprocess_strokes(strokes, side, side))
    assert result is not None, "finite strokes on a valid canvas are never bad input"
    points = np.concatenate(strokes)
    if np.ptp(points, axis=0).max() >= max(3.0, 0.05 * side):
        assert result.empty is False, "a drawing 5% of the pad wide is not empty"


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_framed_image_empty_or_invalid_input(data):
    check_outcome(lambda: preprocess_image(data))


# Found by this property: a 39x3 image of a few faint specks, which resizing
# left at a tenth of full strength; rounded to eight bits, its centre of mass
# landed 0.57 px off the centre.
FAINT_SPECKS = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00'\x00\x00\x00\x03\x08\x02"
    b"\x00\x00\x00\x9f\xfc\x81B\x00\x00\x00\x1cIDATx\x9cc```\xe0a\xc0\x03\xe4\xf1I"
    b"\x0e\x19\xe0D\x92j6jZ\r\x00Z-\x00tu\xff\x0c\x19\x00\x00\x00\x00IEND\xaeB`\x82"
)


@PROPERTY
@given(small_image_bytes(), st.booleans())
@example(FAINT_SPECKS, False)
def test_any_small_image_gives_a_framed_image_empty_or_invalid_input(data, as_data_url):
    if as_data_url:
        data = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    result = check_outcome(lambda: preprocess_image(data))
    assert result is not None, "a well-formed small image is never bad input"


@PROPERTY
@given(sketch_image_bytes())
def test_any_sketch_gives_a_framed_image_or_empty(data):
    result = check_outcome(lambda: preprocess_image(data))
    assert result is not None, "a well-formed small image is never bad input"


@PROPERTY
@given(st.text(max_size=300))
def test_any_text_as_image_gives_a_result_or_invalid_input(text):
    check_outcome(lambda: preprocess_image(text))
    check_outcome(lambda: preprocess_image("data:image/png;base64," + text))


def test_the_checker_itself_rejects_an_off_centre_image():
    # the property above is only worth something if its checker can fail
    image = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    image[2:10, 2:10] = 1.0
    try:
        check_mnist_image(image)
    except AssertionError:
        return
    raise AssertionError("an image with its centre of mass at (5.5, 5.5) passed the check")
