"""The committed model: accuracy, LiteRT/Keras agreement, its card, thread safety."""

import json
import shutil
import threading

import numpy as np
import pytest

from model.character.preprocess import preprocess_strokes
from model.core.contract import INPUT_SHAPE, NUM_OUTPUTS
from model.core.hashing import sha256_of
from model.core.inference import (
    DEFAULT_CARD_PATH,
    DEFAULT_MODEL_PATH,
    DigitClassifier,
    ModelCardMismatch,
)
from model.training import data
from model.training.config import TrainingConfig


def test_committed_model_reads_at_least_99_percent_of_the_mnist_fixture(classifier, mnist_fixture):
    images, labels = mnist_fixture
    predicted = classifier.predict_batch(images).argmax(axis=1)
    assert (predicted == labels).mean() >= 0.99


# Shapes on which MNIST's American writers and the pen-written set's writers
# disagree, drawn with a few straight strokes on a 400 px canvas.
CONVENTION_SHAPES = {
    "plain 7": (7, [[(100, 100), (300, 100), (170, 350)]]),
    "crossed 7": (7, [[(100, 100), (300, 100), (170, 350)], [(150, 220), (280, 220)]]),
    "flagged 1": (1, [[(170, 160), (250, 90), (250, 350)]]),
    "plain 1": (1, [[(220, 90), (220, 350)]]),
    "4 in two strokes": (4, [[(180, 90), (120, 250), (300, 250)], [(250, 150), (250, 350)]]),
}


@pytest.mark.parametrize("name", CONVENTION_SHAPES)
def test_sevens_ones_and_fours_drawn_either_way_are_read_as_drawn(classifier, name):
    digit, strokes = CONVENTION_SHAPES[name]
    image = preprocess_strokes([np.array(stroke, dtype=float) for stroke in strokes]).image
    assert classifier.predict(image).argmax() == digit


def test_probabilities_are_a_distribution_and_batch_matches_single(classifier, mnist_fixture):
    images, _ = mnist_fixture
    batch = classifier.predict_batch(images[:20])
    assert batch.shape == (20, NUM_OUTPUTS)  # the ten digits, then "not a digit"
    np.testing.assert_allclose(batch.sum(axis=1), 1.0, atol=1e-5)
    singles = np.stack([classifier.predict(image) for image in images[:20]])
    np.testing.assert_allclose(singles, batch, atol=1e-6)


def test_a_batch_reads_each_image_exactly_as_alone_whatever_came_before(classifier, mnist_fixture):
    """A request of one character, then one of five, then one of two: every image
    gets the very probabilities it gets alone (the page's single digit must not
    change when the last request was a number)."""
    images, _ = mnist_fixture
    alone = np.stack([classifier.predict(image) for image in images[:8]])
    for size in (1, 5, 2, 1, 8, 3):
        np.testing.assert_array_equal(classifier.predict_batch(images[:size]), alone[:size])
    assert classifier.predict_batch(images[:0]).shape == (0, NUM_OUTPUTS)


def test_litert_and_keras_agree_on_the_mnist_test_set(classifier, mnist_path):
    from model.training.export import WEIGHTS_PATH
    from model.training.network import build_model  # imports TensorFlow: only this test needs it

    keras_model = build_model()
    keras_model.load_weights(WEIGHTS_PATH)
    with np.load(mnist_path) as mnist:
        images = mnist["x_test"].astype(np.float32) / 255.0
    expected = keras_model.predict(images[..., None], batch_size=500, verbose=0)
    actual = classifier.predict_batch(images)
    # The served file's weights are int8 (model/training/export.py): it gives the
    # Keras weights' answer on all but a digit or two of the 10,000, and
    # probabilities within a few hundredths.
    assert (expected.argmax(axis=1) == actual.argmax(axis=1)).mean() >= 0.9995
    assert np.abs(expected - actual).max() <= 0.1
    # ...in a quarter of the float32 file's size.
    assert DEFAULT_MODEL_PATH.stat().st_size < WEIGHTS_PATH.stat().st_size / 3


def test_concurrent_threads_get_the_same_answers_as_one_thread(classifier, mnist_fixture):
    images, _ = mnist_fixture
    expected = classifier.predict_batch(images[:40])
    results = {}

    def worker(offset):
        # Mixed batch sizes make threads resize the interpreter under each other.
        for index in range(offset, 40, 4):
            results[index] = classifier.predict(images[index])
        results[("batch", offset)] = classifier.predict_batch(images[:40])

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in range(40):
        np.testing.assert_allclose(results[index], expected[index], atol=1e-6)
    for offset in range(4):
        np.testing.assert_allclose(results[("batch", offset)], expected, atol=1e-6)


def test_committed_card_describes_the_committed_file(mnist_path, pen_trajectories_path):
    card = json.loads(DEFAULT_CARD_PATH.read_text())
    assert card["model_sha256"] == sha256_of(DEFAULT_MODEL_PATH)
    assert tuple(card["input"]["shape"]) == INPUT_SHAPE
    assert 0 < card["parameters"] < 1_000_000
    # By content: a `make data` download holds the same arrays in another zip container.
    assert card["data"]["mnist_content_sha256"] == data.mnist_content_sha256(mnist_path)
    assert card["data"]["pen_trajectories_content_sha256"] == data.records_content_sha256(
        pen_trajectories_path
    )
    mnist = card["mnist_test"]
    assert mnist["count"] == 10_000
    assert np.array(mnist["confusion_matrix"]).sum() == 10_000
    assert len(mnist["per_class_accuracy"]) == 10
    assert card["mnist_test_accuracy"] == mnist["accuracy"]
    assert card["pen_writers_heldout"]["count"] > 1000
    # Whole writers, the card's own seeded draw, none of them trained on.
    config = TrainingConfig.from_card(DEFAULT_CARD_PATH)
    split = data.split_writers(config)
    assert card["pen_writers_heldout"]["writers"] == list(split["heldout"])
    assert not set(split["heldout"]) & set(card["writers"]["train"])
    assert card["pen_writers_heldout_accuracy"] == card["pen_writers_heldout"]["accuracy"]
    assert card["outputs"] == NUM_OUTPUTS
    assert 0.5 <= card["not_a_digit"]["threshold"] < 1.0
    assert card["calibration"]["temperature"] > 0


@pytest.fixture
def model_copy(tmp_path):
    """The committed model and card, copied where a test may spoil them."""
    model, card = tmp_path / DEFAULT_MODEL_PATH.name, tmp_path / DEFAULT_CARD_PATH.name
    shutil.copy(DEFAULT_MODEL_PATH, model)
    shutil.copy(DEFAULT_CARD_PATH, card)
    return model, card


def _edit_card(path, edit):
    card = json.loads(path.read_text())
    edit(card)
    path.write_text(json.dumps(card))


def test_a_card_naming_another_file_is_refused_with_both_hashes(model_copy):
    model, card = model_copy
    _edit_card(card, lambda c: c.update(model_sha256="0" * 64))
    with pytest.raises(ModelCardMismatch) as refused:
        DigitClassifier.from_files(model, card)
    message = str(refused.value)
    assert "0" * 64 in message and sha256_of(model) in message and model.name in message


def test_a_card_with_another_input_shape_is_refused(model_copy):
    model, card = model_copy
    _edit_card(card, lambda c: c["input"].update(shape=[32, 32, 1]))
    with pytest.raises(ModelCardMismatch, match=r"input shape \(32, 32, 1\)"):
        DigitClassifier.from_files(model, card)


def test_a_model_file_changed_after_export_is_refused(model_copy):
    model, card = model_copy
    model.write_bytes(model.read_bytes() + b"\0")
    with pytest.raises(ModelCardMismatch, match="sha256"):
        DigitClassifier.from_files(model, card)


def test_a_missing_card_is_refused_clearly(model_copy):
    model, card = model_copy
    card.unlink()
    with pytest.raises(ModelCardMismatch, match="cannot be read"):
        DigitClassifier.from_files(model, card)


@pytest.mark.parametrize(
    "corrupt",
    [lambda data: data[: len(data) // 2], lambda data: b"\x00" * 64 + data[64:]],
    ids=["truncated", "header-zeroed"],
)
def test_a_structurally_corrupt_model_file_is_refused_before_litert_parses_it(model_copy, corrupt):
    # The card is stale (it names the intact file), so the sha256 check speaks
    # first: a clear ModelCardMismatch, never a LiteRT traceback.
    model, card = model_copy
    model.write_bytes(corrupt(model.read_bytes()))
    with pytest.raises(ModelCardMismatch, match="the card names sha256"):
        DigitClassifier.from_files(model, card)


def test_a_missing_model_file_is_refused_clearly(model_copy):
    model, card = model_copy
    model.unlink()
    with pytest.raises(ModelCardMismatch, match="cannot be read"):
        DigitClassifier.from_files(model, card)
