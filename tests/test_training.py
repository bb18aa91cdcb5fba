"""The real training command, run for one short epoch on a small subset."""

import json

import numpy as np
import pytest

from model.inference import DigitClassifier

pytestmark = pytest.mark.slow


def test_one_short_epoch_trains_evaluates_and_exports_a_working_model(
    tmp_path, mnist_path, pen_digits_path, mnist_fixture
):
    from model import train  # imports TensorFlow: only this test needs it

    card = train.train(
        train.parse_args(
            [
                "--epochs", "1", "--limit", "1500", "--out-dir", str(tmp_path),
                "--mnist", str(mnist_path), "--pen", str(pen_digits_path),
            ]
        )
    )  # fmt: skip
    written = json.loads((tmp_path / "model_card.json").read_text())
    assert written == json.loads(json.dumps(card))
    classifier = DigitClassifier.from_files(
        tmp_path / "digit_cnn.tflite", tmp_path / "model_card.json"
    )
    images, _ = mnist_fixture
    probabilities = classifier.predict_batch(images)
    assert probabilities.shape == (len(images), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert written["training"]["mnist_train_digits"] == 1500
    assert written["mnist_test"]["count"] == 10_000
    assert written["litert_vs_keras"]["same_argmax"]
    assert written["litert_vs_keras"]["max_abs_probability_difference"] <= 1e-4
