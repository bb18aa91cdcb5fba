"""An image's strokes reach the model as wide as the drawing pad's
(model/character/stroke_width.py):
whatever pen drew the image, a digit in it is read as the same strokes drawn on the pad.

The digits are the 300 committed pen digits (tests/fixtures/pen_digits_sample.json)
placed on the pad, drawn as PNG images with pens from 1 to 40 pixels wide."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.character.preprocess import preprocess_image, preprocess_strokes, read_ink
from model.character.stroke_width import stroke_width, thickened
from testkit.fixtures import pen_digits_sample
from testkit.payloads import PAD_SIZE, draw_strokes, place_on_pad, png_data_url

# Pens thinner than the pad's 12 px leave a digit as tall as the pad under a pixel wide
# once fitted into 20x20 (one of 10 such digits read right before their strokes grew).
FINE_PENS = [1, 2, 4]
# The image path may read this many fewer of the digits than the pad's strokes do.
READING_SLACK = 0.05


@pytest.fixture(scope="module")
def pad_digits():
    sample = pen_digits_sample()
    labels = np.array([digit["label"] for digit in sample])
    return [place_on_pad(digit["strokes"]) for digit in sample], labels


def image_of(strokes, pen: int) -> str:
    return png_data_url(draw_strokes(strokes, size=PAD_SIZE, width=pen))


def read_right(classifier, images: np.ndarray, labels: np.ndarray) -> float:
    return float((classifier.predict_batch(images)[:, :10].argmax(axis=1) == labels).mean())


@pytest.mark.parametrize("width", [3, 8, 15])
def test_the_width_of_a_long_stroke_is_its_pen(width):
    image = Image.new("L", (300, 300))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 40), (280, 40)], fill=255, width=width)
    draw.line([(150, 80), (150, 280)], fill=255, width=width)
    assert stroke_width(np.asarray(image) >= 128) == pytest.approx(width, rel=0.15)


@pytest.mark.parametrize("pen", FINE_PENS)
def test_a_digit_drawn_with_a_fine_pen_reads_as_its_strokes_on_the_pad(pen, pad_digits, classifier):
    drawings, labels = pad_digits
    on_pad = np.stack([preprocess_strokes(strokes).image for strokes in drawings])
    in_image = np.stack([preprocess_image(image_of(s, pen)).image for s in drawings])
    assert read_right(classifier, in_image, labels) >= (
        read_right(classifier, on_pad, labels) - READING_SLACK
    )


@pytest.mark.parametrize("pen", [*FINE_PENS, 8, 12, 20])
def test_an_image_has_about_the_ink_of_the_same_strokes_on_the_pad(pen, pad_digits):
    drawings, _ = pad_digits
    ratios = [
        preprocess_image(image_of(s, pen)).image.sum() / preprocess_strokes(s).image.sum()
        for s in drawings[:60]
    ]
    assert min(ratios) > 0.85 and 0.9 < np.median(ratios) < 1.3 and max(ratios) < 1.4


def test_bold_strokes_are_left_as_they_are(pad_digits):
    drawings, _ = pad_digits
    for strokes in drawings[:20]:
        located, _ = read_ink(image_of(strokes, 60))
        assert thickened(located.ink) is None


def test_an_mnist_sized_digit_keeps_its_strokes(mnist_fixture):
    digits, _ = mnist_fixture
    assert all(thickened(digit) is None for digit in digits)
