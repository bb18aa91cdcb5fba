"""The gate's rule on per-item results alone (no data, no model, no TensorFlow):
no line worse beyond its noise (exact one-sided McNemar on the discordant
pairs; a paired bootstrap for the calibration error), must-improve lines
better (more of their items read right)."""

import numpy as np
import pytest

from model.training import calibration
from model.training.gate import binomial_tail, compare_line, gate
from model.training.line_items import LineItems, expected_calibration_error

N = 1000


def items(wrong: list[int], n: int = N, confidence: float | None = None) -> LineItems:
    correct = np.ones(n, dtype=bool)
    correct[wrong] = False
    return LineItems(correct, None if confidence is None else np.full(n, confidence))


def table(**lines) -> dict[str, LineItems]:
    return dict(lines)


SERVING = table(
    mnist_raw=items(list(range(0, 28)), 10000),
    uji_heldout_dense=items([3, 50, 70, 99], 400),
    numbers_image=items(list(range(100, 133)), 429),
)


def test_an_identical_model_passes_every_line():
    result = gate(SERVING, dict(SERVING))
    assert result.passed and not result.failures()
    assert [v.line for v in result.lines] == list(SERVING)
    assert all(v.lost == v.won == 0 and v.p_worse == 1.0 for v in result.lines)


def test_a_candidate_losing_20_of_1000_paired_items_fails_on_that_line():
    serving = table(pen=items([]), uji=items([1, 2]))
    candidate = table(pen=items(list(range(20))), uji=items([1, 2]))
    result = gate(serving, candidate)
    assert not result.passed
    (failed,) = result.failures()
    assert failed.line == "pen" and failed.lost == 20 and failed.won == 0
    assert failed.p_worse == pytest.approx(0.5**20)
    assert "worse" in failed.reason and "gate: FAILED" in result.report()


def test_a_candidate_differing_by_one_item_passes():
    result = gate(table(pen=items([5])), table(pen=items([6, 5])))
    assert result.passed and result.lines[0].lost == 1 and result.lines[0].p_worse == 0.5


def test_a_candidate_better_everywhere_passes():
    serving = table(a=items(list(range(30))), b=items(list(range(10)), 400))
    candidate = table(a=items(list(range(5))), b=items([], 400))
    result = gate(serving, candidate)
    assert result.passed
    assert [v.won for v in result.lines] == [25, 10] and all(v.lost == 0 for v in result.lines)


def test_the_same_accuracy_with_many_swapped_items_is_noise_not_a_regression():
    # 30 items lost and 30 others won: both models 97%, the line is no worse.
    serving = table(a=items(list(range(30))))
    candidate = table(a=items(list(range(30, 60))))
    assert gate(serving, candidate).passed


def test_better_on_one_line_does_not_buy_worse_on_another():
    serving = table(mnist=items(list(range(50))), uji=items([], 400))
    candidate = table(mnist=items([]), uji=items(list(range(8)), 400))
    result = gate(serving, candidate)
    assert not result.passed and [v.line for v in result.failures()] == ["uji"]


def test_the_exact_test_s_edge_five_lost_fails_four_passes():
    assert binomial_tail(5, 5) == pytest.approx(1 / 32)
    assert binomial_tail(4, 4) == pytest.approx(1 / 16)
    assert not gate(table(a=items([])), table(a=items([1, 2, 3, 4, 5]))).passed
    assert gate(table(a=items([])), table(a=items([1, 2, 3, 4]))).passed
    # 9 lost against 1 won: P(X >= 9 | n = 10) = 11/1024.
    assert binomial_tail(9, 10) == pytest.approx(11 / 1024)


def test_a_line_the_candidate_was_not_measured_on_fails():
    result = gate(table(a=items([]), b=items([])), table(a=items([])))
    assert not result.passed
    assert result.failures()[0].line == "b" and "not measured" in result.failures()[0].reason


def test_lines_measured_on_different_items_are_refused_not_compared():
    with pytest.raises(ValueError, match="different items"):
        gate(table(a=items([], 1000)), table(a=items([], 999)))


def test_must_improve_lines_must_read_more_items_right():
    serving = table(mnist=items([1]), corrections=items(list(range(40)), 200))
    same = table(mnist=items([1]), corrections=items(list(range(40)), 200))
    swapped = table(mnist=items([1]), corrections=items(list(range(3, 43)), 200))
    fewer = table(mnist=items([1]), corrections=items(list(range(3, 44)), 200))
    slightly = table(mnist=items([1]), corrections=items(list(range(38)), 200))
    clearly = table(mnist=items([1]), corrections=items(list(range(10)), 200))
    assert not gate(serving, same, must_improve=("corrections",)).passed
    # As many fixed as broken is not better; one more broken than fixed is worse.
    assert not gate(serving, swapped, must_improve=("corrections",)).passed
    assert not gate(serving, fewer, must_improve=("corrections",)).passed
    # Two fixed, none broken: better (not beyond chance, which the gate does not ask).
    result = gate(serving, slightly, must_improve=("corrections",))
    assert result.passed and (result.lines[1].won, result.lines[1].lost) == (2, 0)
    result = gate(serving, clearly, must_improve=("corrections",))
    assert result.passed and result.lines[1].won == 30
    # Better on the held-out corrections does not buy worse elsewhere.
    mnist_worse = table(mnist=items(list(range(12))), corrections=items(list(range(10)), 200))
    refused = gate(serving, mnist_worse, must_improve=("corrections",))
    assert not refused.passed and [v.line for v in refused.failures()] == ["mnist"]
    # A must-improve line neither table has fails rather than passing unmeasured.
    missing = gate(table(mnist=items([1])), table(mnist=items([1])), must_improve=("corrections",))
    assert not missing.passed and missing.failures()[0].line == "corrections"


def _calibrated(n: int, accuracy: float, rng) -> LineItems:
    """Confidences that mean what they say: each item right with its confidence."""
    confidence = rng.uniform(accuracy - 0.05, min(accuracy + 0.05, 1.0), n)
    return LineItems(rng.random(n) < confidence, confidence)


def test_a_candidate_overconfident_on_the_same_answers_fails_on_calibration():
    rng = np.random.default_rng(1)
    serving = _calibrated(2000, 0.9, rng)
    overconfident = LineItems(serving.correct, np.full(2000, 0.999))
    verdict = compare_line("a", serving, overconfident)
    assert verdict.lost == verdict.won == 0  # the same answers
    assert verdict.candidate_ece > 0.08 and not verdict.passed
    assert "calibration worse" in verdict.reason


def test_confidences_that_differ_a_little_pass_on_calibration():
    rng = np.random.default_rng(2)
    serving = _calibrated(1000, 0.95, rng)
    nudged = LineItems(serving.correct, np.clip(serving.confidence + 0.003, 0, 1))
    assert compare_line("a", serving, nudged).passed


def test_the_gate_s_calibration_error_is_the_table_s_and_the_card_s():
    rng = np.random.default_rng(3)
    confidence = rng.uniform(0.3, 1.0, 500)
    correct = rng.random(500) < confidence**2
    expected = calibration.reliability(confidence, correct)["ece"]
    assert expected_calibration_error(confidence, correct) == pytest.approx(expected)
