"""The eleventh answer, "not a digit", through the serving pipeline and the API."""

import re

import numpy as np
import pytest

from components import ids, prediction_text
from model.character.preprocess import Preprocessed, preprocess_strokes
from model.core.prediction import Prediction
from model.numbers.number import CharacterReading, NumberReading
from testkit.dash_requests import dash_update_request
from testkit.page import bar_heights
from testkit.payloads import canvas_json
from testkit.predict import classify
from web import paths
from web.html_answers import html_result


class FakeClassifier:
    """Answers fixed outputs, with a card naming a threshold, as DigitClassifier does."""

    def __init__(self, outputs, threshold=0.7):
        self.outputs = np.asarray(outputs, dtype=np.float32)
        self.card = {"not_a_digit": {"threshold": threshold}}

    def predict(self, image):
        return self.outputs


DRAWING = Preprocessed(image=np.zeros((28, 28), np.float32), empty=False)


def outputs(digits, not_a_digit):
    digits = np.asarray(digits, dtype=np.float64)
    return np.append(digits / digits.sum() * (1 - not_a_digit), not_a_digit)


def test_a_not_a_digit_answer_has_no_digit_and_keeps_ten_digit_bars():
    prediction = classify(FakeClassifier(outputs([3, 1] + [0.5] * 8, 0.9)), DRAWING)
    assert prediction.not_a_digit and prediction.digit is None and not prediction.empty
    assert prediction.confidence == pytest.approx(0.9)
    assert len(prediction.probabilities) == 10
    assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-9)
    assert prediction.probabilities[0] == pytest.approx(3 / 8, rel=1e-5)
    assert not prediction.unsure
    body = prediction.to_json()
    assert body["not_a_digit"] is True and body["digit"] is None and body["empty"] is False


def test_below_the_cards_threshold_the_likeliest_digit_is_answered():
    prediction = classify(FakeClassifier(outputs([1] * 7 + [13, 1, 1], 0.6)), DRAWING)
    assert not prediction.not_a_digit and prediction.digit == 7
    assert prediction.confidence == pytest.approx(13 / 22, rel=1e-5)  # among the digits
    assert prediction.to_json()["not_a_digit"] is False


def test_a_ten_output_model_never_answers_not_a_digit():
    prediction = classify(FakeClassifier([0.05] * 8 + [0.3, 0.3]), DRAWING)
    assert prediction.digit == 8 and not prediction.not_a_digit


def test_an_empty_drawing_is_empty_not_a_non_digit():
    prediction = classify(FakeClassifier(outputs([1] * 10, 0.99)), Preprocessed.nothing())
    assert prediction.empty and not prediction.not_a_digit and prediction.digit is None


# Drawn with a few strokes on a 400 px canvas: not digits, whatever the hand.
NON_DIGIT_SHAPES = {
    "star": [[(200, 40), (290, 330), (50, 150), (350, 150), (110, 330), (200, 40)]],
    "hash": [
        [(150, 60), (140, 340)],
        [(260, 60), (250, 340)],
        [(60, 150), (340, 145)],
        [(60, 250), (340, 245)],
    ],
    "letter A": [[(80, 350), (200, 50), (320, 350)], [(130, 240), (270, 240)]],
    "letter K": [[(100, 50), (100, 350)], [(300, 50), (110, 220)], [(160, 180), (310, 350)]],
}


@pytest.mark.parametrize("name", NON_DIGIT_SHAPES)
def test_the_committed_model_says_a_drawn_shape_or_letter_is_not_a_digit(classifier, name):
    strokes = [np.array(stroke, dtype=float) for stroke in NON_DIGIT_SHAPES[name]]
    prediction = classify(classifier, preprocess_strokes(strokes, 400, 400))
    assert prediction.not_a_digit, (name, prediction.digit, prediction.confidence)


def test_the_api_answers_not_a_digit_with_a_null_digit(client):
    star = canvas_json(NON_DIGIT_SHAPES["star"], as_fabric=False)
    response = client.post("/api/predict", json={"canvas": star, "width": 400, "height": 400})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["not_a_digit"] is True and body["digit"] is None and body["empty"] is False
    assert len(body["probabilities"]) == 10


def test_the_page_says_the_drawing_is_not_a_digit_and_keeps_the_bars(client):
    star = canvas_json(NON_DIGIT_SHAPES["star"], as_fabric=False)
    page = client.post(paths.DASH_CALLBACK_PATH, json=dash_update_request(star))
    outputs = page.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == prediction_text.NOT_A_DIGIT_MARK
    # How sure the network is that it is none, and what the bars are then.
    detail = outputs[ids.PREDICTION_DETAIL]["children"]
    assert re.fullmatch(re.escape(prediction_text.NOT_A_DIGIT) + r" \(\d+% sure\)", detail)
    assert outputs[ids.CHART_TITLE]["children"].startswith("If it were a digit, it would lean to")
    bars = bar_heights(outputs[ids.PROBABILITY_CHART]["children"])
    assert len(bars) == 10 and sum(bars) == pytest.approx(100, abs=1)


def test_the_form_routes_html_answer_says_not_a_digit_never_none(app):
    digits = (0.1,) * 10
    answer = Prediction(
        digit=None, confidence=0.9, probabilities=digits, empty=False, image=None, not_a_digit=True
    )
    reading = NumberReading(
        characters=(CharacterReading(prediction=answer, box=(0, 0, 1, 1), not_a_digit=True),)
    )
    with app.server.test_request_context("/predict", method="POST"):
        page = html_result(reading).get_data(as_text=True)
    assert "That doesn't look like a digit" in page
    assert "None" not in page
