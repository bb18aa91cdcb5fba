"""The real training command, run for one short epoch on a small subset."""

import json

import numpy as np
import pytest

from model.core.contract import NUM_OUTPUTS
from model.core.inference import DigitClassifier
from model.training.config import TrainingConfig

pytestmark = pytest.mark.slow


def _train(out_dir, mnist_path, pen_trajectories_path, *options):
    from model.training import train  # imports TensorFlow: only these tests need it

    args = [
        "--out-dir",
        str(out_dir),
        "--mnist",
        str(mnist_path),
        "--pen",
        str(pen_trajectories_path),
    ]
    train.main([*args, *options])
    return DigitClassifier.from_files(out_dir / "digit_cnn.tflite", out_dir / "model_card.json")


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mnist_path, pen_trajectories_path):
    out_dir = tmp_path_factory.mktemp("trained")
    classifier = _train(
        out_dir, mnist_path, pen_trajectories_path, "--epochs", "1", "--limit", "1500"
    )
    return out_dir, classifier


def test_one_short_epoch_trains_evaluates_and_exports_a_working_model(trained, mnist_fixture):
    out_dir, classifier = trained
    card = json.loads((out_dir / "model_card.json").read_text())
    images, _ = mnist_fixture
    probabilities = classifier.predict_batch(images)
    assert probabilities.shape == (len(images), NUM_OUTPUTS)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert card["training"]["mnist_train_digits"] == 1500
    assert card["mnist_test"]["count"] == 10_000
    assert np.array(card["mnist_test"]["confusion_matrix"]).shape == (10, NUM_OUTPUTS)
    assert card["pen_writers_heldout"]["writers"] == card["writers"]["heldout"]
    assert card["calibration"]["temperature"] > 0
    assert 0.5 <= card["not_a_digit"]["threshold"] < 1.0
    # The file's weights are int8: it follows the Keras model closely, not exactly.
    assert card["litert_vs_keras"]["same_argmax_rate"] >= 0.99
    assert card["litert_vs_keras"]["max_abs_probability_difference"] <= 0.2


def test_the_card_holds_every_setting_of_the_run(trained):
    out_dir, _ = trained
    config = TrainingConfig.from_card(out_dir / "model_card.json")
    assert config == TrainingConfig(epochs=1, limit=1500)


def test_a_run_from_the_card_alone_trains_the_same_model(
    trained, tmp_path, mnist_path, pen_trajectories_path, mnist_fixture
):
    first_dir, first = trained
    card = first_dir / "model_card.json"
    second = _train(tmp_path, mnist_path, pen_trajectories_path, "--config-from-card", str(card))
    images, _ = mnist_fixture
    np.testing.assert_array_equal(first.predict_batch(images), second.predict_batch(images))


def test_pen_written_digits_train_on_softened_targets_and_mnist_on_one_hot():
    from model.training import train

    labels = np.arange(40) % 10
    from_strokes = np.arange(40) >= 20
    images = np.zeros((40, 28, 28), np.float32)
    config = TrainingConfig(epochs=1, seed=0)
    dataset, _ = train.training_dataset(images, labels, from_strokes, config)
    targets = np.concatenate([batch_targets.numpy() for _, batch_targets in dataset])
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, rtol=1e-6)
    # The batches are shuffled: tell the rows apart by how sure their targets are.
    peaks = np.sort(targets.max(axis=1))
    assert peaks[0] < 1.0
    smoothing = config.pen_label_smoothing
    np.testing.assert_allclose(peaks[:20], 1.0 - smoothing + smoothing / NUM_OUTPUTS, rtol=1e-6)
    np.testing.assert_array_equal(peaks[20:], 1.0)
    assert np.bincount(targets.argmax(axis=1), minlength=10).tolist() == [4] * 10
    assert targets.shape[1] == NUM_OUTPUTS
