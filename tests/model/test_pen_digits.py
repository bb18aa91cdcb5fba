"""Real handwriting through the serving preprocessing: pen-written digits render and read
correctly, and MNIST digits survive re-normalisation unchanged in what the model reads."""

import json

import numpy as np
import pytest

from model.character.normalize import normalize_ink
from model.character.preprocess import preprocess_strokes
from model.core.contract import BOX_SIZE, CENTRE

PEN_SAMPLE = 300
PEN_MIN_ACCURACY = 0.95


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


def ink_box(image):
    rows = np.flatnonzero((image > 0).any(axis=1))
    cols = np.flatnonzero((image > 0).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


@pytest.fixture(scope="module")
def pen_sample(pen_trajectories_path, classifier):
    """A fixed sample of the pen digits of writers the model never saw (the held-out
    writers named in the model card), as the pen wrote them (every sample, every
    stroke), rendered through preprocess_strokes. Not the 8-point single-stroke form
    of pen-digits-train.json: it draws the pen's travel between strokes as ink (a
    two-stroke 7 becomes a Z), which no person's drawing does."""
    records = json.loads(pen_trajectories_path.read_text())
    held = [
        index
        for index, record in enumerate(records)
        if record["writer"] in classifier.card["pen_writers_heldout"]["writers"]
    ]
    images, labels = [], []
    for index in held[::4][:PEN_SAMPLE]:
        strokes = [np.asarray(stroke, dtype=np.float64) for stroke in records[index]["strokes"]]
        result = preprocess_strokes(strokes, 500, 500)  # the tablet's box is 500x500 px
        assert result.empty is False, f"pen digit {index} rendered empty"
        images.append(result.image)
        labels.append(records[index]["label"])
    return np.stack(images), np.asarray(labels)


def test_pen_digits_render_framed_like_mnist(pen_sample):
    images, labels = pen_sample
    assert len(images) == PEN_SAMPLE and set(labels.tolist()) == set(range(10))
    for image in images:
        row, col = centre_of_mass(image)
        assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5
        assert max(ink_box(image)) <= BOX_SIZE


def test_pen_digits_read_correctly_through_the_serving_path(pen_sample, classifier):
    images, labels = pen_sample
    predicted = classifier.predict_batch(images).argmax(axis=1)
    accuracy = float((predicted == labels).mean())
    wrong = {
        int(label): int(((predicted != labels) & (labels == label)).sum()) for label in range(10)
    }
    assert accuracy >= PEN_MIN_ACCURACY, f"accuracy {accuracy:.3f}; errors per digit {wrong}"


@pytest.fixture(scope="module")
def renormalised(mnist_fixture):
    digits, labels = mnist_fixture
    raw = digits.astype(np.float32) / 255.0
    return raw, np.stack([normalize_ink(digit) for digit in digits]), labels


def test_renormalising_an_mnist_digit_keeps_it_centred_and_boxed(renormalised):
    raw, again, _ = renormalised
    for before, after in zip(raw, again, strict=True):
        assert after.dtype == np.float32 and after.min() >= 0 and after.max() <= 1
        row, col = centre_of_mass(after)
        assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5
        assert max(ink_box(after)) <= BOX_SIZE
        # the same amount of ink, give or take the rescale from 20 to 19 pixels
        assert 0.75 < after.sum() / before.sum() < 1.1


def test_renormalising_mnist_digits_changes_little(renormalised):
    raw, again, _ = renormalised
    differences = np.abs(again - raw).mean(axis=(1, 2))
    # MNIST's ink already fits 20x20 around its centre of mass: normalising again is
    # close to the identity, unlike a one-pixel shift (about 0.08)
    assert np.median(differences) < 0.05, np.median(differences)


def test_renormalised_mnist_reads_as_well_as_raw_mnist(renormalised, classifier):
    raw, again, labels = renormalised
    raw_right = int((classifier.predict_batch(raw).argmax(axis=1) == labels).sum())
    again_right = int((classifier.predict_batch(again).argmax(axis=1) == labels).sum())
    assert raw_right >= 0.95 * len(labels), f"the model reads only {raw_right} raw digits"
    assert abs(again_right - raw_right) <= 1, (raw_right, again_right)
