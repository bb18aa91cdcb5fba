"""Evidence maps (model/evidence.py): their shape and range, where they put the
evidence when the answer's cause is known, and whether they are faithful to the
shipped network on held-out writers' digits (testkit/evidence_check.py)."""

import numpy as np
import pytest

from model import evidence
from model.character.preprocess import preprocess_canvas
from model.core.prediction import Prediction
from testkit.evidence_check import (
    REQUIRED_PASS_RATE,
    deletion_check,
    held_out_digits,
    held_out_writers,
)
from testkit.fixtures import canvas_fixture
from testkit.predict import classify

# Every fifth held-out digit: about 300 digits, a few seconds.
EVERY = 5


class PatchReader:
    """A stand-in network whose answer is known: digit 3's logit grows with the ink
    in the patch at rows 8-11, columns 12-15 and falls with the ink at rows 16-19,
    columns 12-15; every other logit is 0."""

    FOR = (slice(8, 12), slice(12, 16))
    AGAINST = (slice(16, 20), slice(12, 16))

    def predict(self, image):
        image = np.asarray(image, dtype=np.float64).reshape(28, 28)
        logits = np.zeros(10)
        logits[3] = image[self.FOR].sum() - image[self.AGAINST].sum()
        exp = np.exp(logits - logits.max())
        return (exp / exp.sum()).astype(np.float32)


def stroke_image() -> np.ndarray:
    image = np.zeros((28, 28), dtype=np.float32)
    image[4:24, 13:15] = 1.0  # a vertical bar through both patches and others
    return image


@pytest.fixture(scope="module")
def seven():
    fixture = canvas_fixture("seven_brush12.json")
    return preprocess_canvas(fixture["json_data"], fixture["width"], fixture["height"]).image


def test_ten_maps_of_28x28_in_minus_one_to_one(classifier, seven):
    maps = evidence.evidence_maps(classifier, seven)
    assert maps.shape == (10, 28, 28)
    assert maps.min() >= -1 and maps.max() <= 1
    # Each map is scaled by its own strongest evidence.
    assert np.allclose(np.abs(maps).max(axis=(1, 2)), 1)


def test_evidence_only_where_a_patch_holds_a_pixel_of_ink_or_more(classifier, seven):
    maps = evidence.evidence_maps(classifier, seven)
    inked = np.zeros((28, 28), dtype=bool)
    for row, column in evidence.ink_patches(seven):
        inked[row : row + evidence.PATCH, column : column + evidence.PATCH] = True
    assert inked.any() and not inked.all()
    assert np.all(maps[:, ~inked] == 0)
    assert np.all(np.abs(maps[:, inked]).max(axis=0) > 0)
    # The faint fringe of a stroke in the next patch is not run.
    fringe = np.zeros((28, 28), dtype=np.float32)
    fringe[10, 10] = 0.9
    assert evidence.ink_patches(fringe) == []
    fringe[11, 11] = 0.2
    assert evidence.ink_patches(fringe) == [(8, 8)]


def test_the_patch_an_answer_rests_on_is_red_and_the_one_against_it_blue():
    maps = evidence.evidence_maps(PatchReader(), stroke_image())
    three = maps[3]
    assert np.all(three[PatchReader.FOR] == 1)
    assert np.all(three[PatchReader.AGAINST] == pytest.approx(-1, abs=1e-6))
    others = np.ones((28, 28), dtype=bool)
    others[PatchReader.FOR] = others[PatchReader.AGAINST] = False
    assert np.abs(three[others]).max() < 1e-6
    # Ink that raises 3 lowers every other digit's odds: the same patch is against them.
    assert np.all(maps[0][PatchReader.FOR] < 0)


def test_a_sure_answer_still_has_finite_log_odds():
    probabilities = np.array([1.0] + [0.0] * 9, dtype=np.float32)
    odds = evidence.log_odds(probabilities)
    assert np.all(np.isfinite(odds))
    assert odds[0] > 0 > odds[1]


def test_explain_gives_the_input_and_ten_maps_as_json_lists(classifier):
    prediction = classify(
        classifier, preprocess_canvas(canvas_fixture("seven_brush12.json")["json_data"], 400, 400)
    )
    answer = evidence.explain(classifier, prediction)
    assert np.asarray(answer["input"]).shape == (28, 28)
    assert np.array_equal(np.asarray(answer["input"], dtype=np.float32), prediction.image)
    maps = np.asarray(answer["evidence"])
    assert maps.shape == (10, 28, 28) and maps.min() >= -1 and maps.max() <= 1
    assert all(isinstance(v, float) for v in answer["evidence"][0][14])


def test_explain_of_an_empty_drawing_has_no_maps(classifier):
    assert evidence.explain(classifier, Prediction.nothing()) == {
        "input": None,
        "evidence": None,
    }


@pytest.fixture(scope="module")
def held_out(pen_trajectories_path, classifier):
    return held_out_digits(pen_trajectories_path, held_out_writers(classifier.card))[::EVERY]


def test_deleting_the_strongest_evidence_hurts_more_than_deleting_at_random(classifier, held_out):
    result = deletion_check(
        classifier, held_out, lambda image, digit: evidence.evidence_maps(classifier, image)[digit]
    )
    assert result.total >= 250
    assert result.rate >= REQUIRED_PASS_RATE, result


def test_the_evidence_as_drawn_on_the_ink_is_faithful_too(classifier, held_out):
    # The page colours each ink pixel by its patch's evidence times the ink.
    def drawn(image, digit):
        return evidence.evidence_maps(classifier, image)[digit] * image

    result = deletion_check(classifier, held_out, drawn)
    assert result.rate >= REQUIRED_PASS_RATE, result


def test_the_check_fails_a_map_that_only_highlights_the_ink(classifier, held_out):
    result = deletion_check(classifier, held_out, lambda image, digit: image)
    assert result.rate < REQUIRED_PASS_RATE, result
