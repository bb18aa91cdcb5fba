"""Calibration arithmetic: temperature fitting, the threshold, ECE, served answers."""

import numpy as np

from model.training import calibration


def _sampled(temperature, count=20000, seed=0):
    """Labels drawn from softmax(logits), reported as softmax(logits * temperature):
    the temperature that calibrates them back is `temperature`."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2.5, (count, 11))
    truth = calibration.softmax(logits)
    labels = np.array([rng.choice(11, p=row) for row in truth])
    return calibration.softmax(logits * temperature), labels


def test_fitting_recovers_the_temperature_that_overconfidence_needs():
    probabilities, labels = _sampled(2.0)
    assert abs(calibration.fit_temperature(probabilities, labels) - 2.0) < 0.15
    probabilities, labels = _sampled(1.0, seed=1)
    assert abs(calibration.fit_temperature(probabilities, labels) - 1.0) < 0.08


def test_ece_is_small_when_calibrated_and_large_when_overconfident():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.5, 1.0, 50000)
    correct = rng.random(50000) < confidence
    assert calibration.reliability(confidence, correct)["ece"] < 0.01
    overconfident = calibration.reliability(np.full(1000, 0.99), np.arange(1000) < 900)
    assert abs(overconfident["ece"] - 0.09) < 1e-9
    assert overconfident["bins"][0]["count"] == 1000


def test_the_threshold_keeps_false_not_a_digit_answers_within_the_rate():
    probabilities = np.zeros((1000, 11))
    probabilities[:, 10] = np.linspace(0.0, 0.9, 1000)
    probabilities[:, 0] = 1 - probabilities[:, 10]
    threshold = calibration.choose_threshold(probabilities, 0.01)
    assert (probabilities[:, 10] >= threshold).mean() <= 0.01
    assert (probabilities[:, 10] >= threshold - 0.01).mean() > 0.01  # the lowest such


def test_answers_renormalise_the_digits_and_take_not_a_digit_at_the_threshold():
    probabilities = np.array([[0.3, 0.1] + [0.0] * 8 + [0.6], [0.3, 0.1] + [0.0] * 8 + [0.6]])
    answer, confidence = calibration.answers(probabilities, 0.6)
    assert answer.tolist() == [10, 10] and confidence.tolist() == [0.6, 0.6]
    answer, confidence = calibration.answers(probabilities, 0.61)
    assert answer.tolist() == [0, 0]
    np.testing.assert_allclose(confidence, 0.75)
