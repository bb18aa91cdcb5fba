"""An image already in the model's form (28x28, MNIST's 20x20 box, centre of mass at the
centre) reaches the model as it is; any other image is normalised, whatever its size."""

import numpy as np
import pytest
from PIL import Image

from model.character.preprocess import preprocess_image
from model.core.contract import BOX_SIZE
from model.core.inference import load_classifier
from model.inputs.images import MIN_CONTRAST
from model.numbers.number import read_image_number
from testkit.fixtures import mnist_sample
from testkit.payloads import image_bytes
from testkit.predict import predict_image

# The image path drops what is fainter than MIN_CONTRAST of the strongest ink
# (JPEG ringing, paper texture) and stretches the strongest to 255 (MNIST's
# peak is 254 or 255); everything else must arrive as it was sent.
NOISE_FLOOR = MIN_CONTRAST * 255
STRETCH = 2 / 255


def _png(pixels: np.ndarray) -> bytes:
    return image_bytes(Image.fromarray(pixels), "PNG")


def _without_noise(pixels: np.ndarray) -> np.ndarray:
    kept = np.where(pixels >= NOISE_FLOOR, pixels, 0)
    return kept.astype(np.float32) / np.float32(255)


def _longest_side(image: np.ndarray) -> int:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return int(max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1))


@pytest.mark.parametrize("black_on_white", [False, True])
def test_mnist_images_reach_the_model_unchanged(black_on_white):
    digits, _ = mnist_sample()
    for pixels in digits[:50]:
        sent = 255 - pixels if black_on_white else pixels
        seen = preprocess_image(_png(sent)).image
        expected = _without_noise(pixels)
        np.testing.assert_array_equal(seen > 0, expected > 0)
        np.testing.assert_allclose(seen, expected, atol=STRETCH)


def test_the_preview_sent_back_reads_as_it_was_shown():
    digits, _ = mnist_sample()
    # The 28x28 the page shows, saved and sent again, is the same input.
    shown = preprocess_image(_png(np.pad(digits[0], 40))).image
    pixels = (shown * 255).round().astype(np.uint8)
    again = preprocess_image(_png(pixels)).image
    np.testing.assert_allclose(again, _without_noise(pixels), atol=STRETCH)


def test_a_digit_filling_its_28x28_frame_is_normalised():
    digits, _ = mnist_sample()
    filling = np.asarray(Image.fromarray(digits[1][4:24, 4:24]).resize((28, 28)))
    assert _longest_side(filling) > BOX_SIZE
    seen = preprocess_image(_png(filling)).image
    assert _longest_side(seen) <= BOX_SIZE


def test_an_off_centre_28x28_digit_is_centred():
    digits, _ = mnist_sample()
    pixels = digits[2]
    moved = np.roll(pixels, 3, axis=1)
    assert not moved[:, :3].any(), "the sample digit must fit after the shift"
    seen = preprocess_image(_png(moved)).image
    assert not np.array_equal(seen, _without_noise(moved))
    unmoved = preprocess_image(_png(pixels)).image
    # Centred again: about where the unmoved digit is, not three pixels right.
    assert np.abs(seen - unmoved).mean() < np.abs(_without_noise(moved) - unmoved).mean() / 2


def test_a_larger_image_of_an_mnist_digit_is_normalised_and_read_alike():
    classifier = load_classifier()
    digits, labels = mnist_sample()
    same = 0
    for pixels, label in zip(digits[:50], labels[:50], strict=True):
        larger = np.asarray(Image.fromarray(pixels).resize((112, 112), Image.Resampling.BICUBIC))
        same += predict_image(classifier, _png(larger)).digit == label
    assert same >= 49


def test_number_reading_reads_an_mnist_image_as_one_character_as_today():
    classifier = load_classifier()
    digits, labels = mnist_sample()
    right = 0
    for pixels, label in zip(digits, labels, strict=True):
        png = _png(pixels)
        reading = read_image_number(classifier, png)
        assert len(reading.characters) == 1
        assert reading.prediction.to_json() == predict_image(classifier, png).to_json()
        right += reading.number == str(label)
    assert right >= 198
