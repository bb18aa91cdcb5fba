"""The real training command, run for one short epoch on a small subset."""

import json

import numpy as np
import pytest

from model.inference import DigitClassifier

pytestmark = pytest.mark.slow


def _train(out_dir, mnist_path, pen_digits_path):
    from model.training import train  # imports TensorFlow: only these tests need it

    args = ["--epochs", "1", "--limit", "1500", "--out-dir", str(out_dir)]
    args += ["--mnist", str(mnist_path), "--pen", str(pen_digits_path)]
    train.train(train.parse_args(args))
    return DigitClassifier.from_files(out_dir / "digit_cnn.tflite", out_dir / "model_card.json")


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mnist_path, pen_digits_path):
    out_dir = tmp_path_factory.mktemp("trained")
    return out_dir, _train(out_dir, mnist_path, pen_digits_path)


def test_one_short_epoch_trains_evaluates_and_exports_a_working_model(trained, mnist_fixture):
    out_dir, classifier = trained
    card = json.loads((out_dir / "model_card.json").read_text())
    images, _ = mnist_fixture
    probabilities = classifier.predict_batch(images)
    assert probabilities.shape == (len(images), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert card["training"]["mnist_train_digits"] == 1500
    assert card["mnist_test"]["count"] == 10_000
    assert np.array(card["mnist_test"]["confusion_matrix"]).shape == (10, 10)
    assert card["litert_vs_keras"]["same_argmax"]
    assert card["litert_vs_keras"]["max_abs_probability_difference"] <= 1e-4


def test_the_same_seed_trains_the_same_model(
    trained, tmp_path, mnist_path, pen_digits_path, mnist_fixture
):
    _, first = trained
    second = _train(tmp_path, mnist_path, pen_digits_path)
    images, _ = mnist_fixture
    np.testing.assert_array_equal(first.predict_batch(images), second.predict_batch(images))


def test_pen_written_digits_train_on_softened_targets_and_mnist_on_one_hot():
    from model.training import train

    labels = np.arange(40) % 10
    from_strokes = np.arange(40) >= 20
    images = np.zeros((40, 28, 28), np.float32)
    dataset, _ = train.training_dataset(images, labels, from_strokes, epochs=1, seed=0)
    targets = np.concatenate([batch_targets.numpy() for _, batch_targets in dataset])
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, rtol=1e-6)
    # The batches are shuffled: tell the rows apart by how sure their targets are.
    peaks = np.sort(targets.max(axis=1))
    assert peaks[0] < 1.0
    np.testing.assert_allclose(peaks[:20], 1.0 - train.PEN_LABEL_SMOOTHING * 0.9, rtol=1e-6)
    np.testing.assert_array_equal(peaks[20:], 1.0)
    assert np.bincount(targets.argmax(axis=1), minlength=10).tolist() == [4] * 10
