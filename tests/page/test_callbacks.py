"""The dashboard's callbacks and the builders of its bars and preview as plain
functions (no browser).

The words, bars and preview a person sees for a drawing, an empty pad, an
unsure answer and a refused drawing; then the same through Dash's own
/_dash-update-component endpoint, with recorded dash-canvas payloads.
"""

import numpy as np
import pytest

from components import callbacks, ids
from components.about_model import model_note
from components.input_preview import preview_image
from components.layout import build_layout
from components.prediction_text import EMPTY_PROMPT, headline_for, headline_for_error
from components.probability_chart import probability_bars
from model.core.prediction import Prediction
from testkit.dash_requests import dash_update_request
from testkit.fixtures import canvas_fixture, canvas_fixture_names
from testkit.page import bar_classes, bar_heights, bar_labels, plain_pixels

DIGIT_FIXTURES = canvas_fixture_names(drawn_digits_only=True)


def make_prediction(probabilities, image=None) -> "Prediction":
    probabilities = tuple(float(p) for p in probabilities)
    digit = int(np.argmax(probabilities))
    if image is None:
        image = np.zeros((28, 28), dtype=np.float32)
        image[6:22, 12:16] = 1.0
    return Prediction(
        digit=digit,
        confidence=probabilities[digit],
        probabilities=probabilities,
        empty=False,
        image=image,
    )


def preview_pixels(data_url: str) -> np.ndarray:
    return plain_pixels(data_url)


# ---- the bars and the preview ----


def test_chart_has_ten_bars_as_percentages_on_a_fixed_scale():
    probabilities = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.62, 0.05, 0.05]
    bars = probability_bars(probabilities, top=7)
    assert len(bars) == 10
    assert bar_heights(bars) == pytest.approx([100 * p for p in probabilities], abs=0.05)
    assert bar_labels(bars)[7] == "62%"
    # The bar is scaled from the full height of a fixed 0-100% area, never resized.
    bar = bars[7].children[0].children[0]
    assert bar.style == {"transform": "scaleY(0.620)"}


def test_chart_highlights_only_the_top_class():
    classes = bar_classes(probability_bars([0.1] * 10, top=3))
    assert "top" in classes[3]
    assert all("top" not in c for i, c in enumerate(classes) if i != 3)


def test_unsure_answer_is_highlighted_differently():
    sure = bar_classes(probability_bars([0.1] * 10, top=2))[2]
    unsure = bar_classes(probability_bars([0.1] * 10, top=2, unsure=True))[2]
    assert "unsure" in unsure and "unsure" not in sure


def test_empty_chart_has_empty_bars_and_no_labels():
    bars = probability_bars(None)
    assert bar_heights(bars) == [0.0] * 10
    assert bar_labels(bars) == [""] * 10
    assert all(c == {"bar-column"} for c in bar_classes(bars))


def test_chart_refuses_a_wrong_number_of_probabilities():
    with pytest.raises(ValueError):
        probability_bars([0.5, 0.5])


def test_preview_shows_the_28x28_input_pixel_by_pixel_top_row_first():
    image = np.zeros((28, 28), dtype=np.float32)
    image[2, 5] = 1.0
    image[20, 9] = 0.5
    z = preview_pixels(preview_image(image))
    assert z.shape == (28, 28)
    assert z[2, 5] == 1.0 and z[20, 9] == pytest.approx(0.5, abs=1 / 255)
    assert z.sum() == pytest.approx(1.5, abs=1 / 255)


def test_empty_preview_is_dark():
    assert preview_pixels(preview_image(None)).sum() == 0


# ---- words ----


def test_sure_answer_shows_the_digit_alone_and_its_confidence():
    headline = headline_for(make_prediction([0.01] * 7 + [0.93, 0.0, 0.0]))
    assert headline.digit == "7"
    assert "93%" in headline.detail
    assert headline.tone == "sure"


def test_unsure_answer_says_so_and_names_the_two_best_candidates():
    prediction = make_prediction([0.0, 0.0, 0.0, 0.0, 0.45, 0.0, 0.0, 0.0, 0.0, 0.55])
    assert prediction.unsure
    headline = headline_for(prediction)
    assert headline.tone == "unsure"
    assert headline.digit == "9"
    assert "not sure" in headline.detail.lower()
    assert "9 (55%)" in headline.detail and "4 (45%)" in headline.detail


def test_error_message_keeps_the_reason_and_shows_no_digit():
    headline = headline_for_error("canvas data is not valid JSON")
    assert headline.digit == ""
    assert headline.tone == "error"
    assert "canvas data is not valid JSON" in headline.detail


def test_model_line_uses_the_card_accuracies():
    note = model_note({"mnist_test_accuracy": 0.9912, "pen_digits_heldout_accuracy": 0.953})
    assert "99.12%" in note and "MNIST" in note and "95.30%" in note
    assert "%" not in model_note({})


def test_layout_has_the_stable_ids():
    layout = str(build_layout({"mnist_test_accuracy": 0.99}))
    for component_id in (
        ids.DRAWING_PAD,
        ids.PREDICTED_DIGIT,
        ids.PROBABILITY_CHART,
        ids.INPUT_PREVIEW,
        ids.CLEAR_BUTTON,
    ):
        assert f"id='{component_id}'" in layout or f'id="{component_id}"' in layout


# ---- views from recorded canvas payloads (the real model) ----


@pytest.mark.parametrize("name", DIGIT_FIXTURES)
def test_recorded_drawing_shows_its_digit_bars_and_preview(classifier, name):
    fixture = canvas_fixture(name)
    view = callbacks.view_for_drawing(
        classifier, fixture["json_data"], fixture["width"], fixture["height"]
    )
    assert view.headline.digit == str(fixture["digit"])
    assert view.headline.tone in ("sure", "unsure")
    heights = bar_heights(view.chart)
    assert sum(heights) == pytest.approx(100, abs=1)
    assert int(np.argmax(heights)) == fixture["digit"]
    assert "top" in bar_classes(view.chart)[fixture["digit"]]
    assert preview_pixels(view.preview).max() > 0.5


@pytest.mark.parametrize("json_data", ["", None, canvas_fixture("empty.json")["json_data"]])
def test_empty_pad_asks_for_a_digit_with_empty_bars(classifier, json_data):
    view = callbacks.view_for_drawing(classifier, json_data)
    assert view.headline.digit == ""
    assert view.headline.detail == EMPTY_PROMPT
    assert bar_heights(view.chart) == [0.0] * 10
    assert preview_pixels(view.preview).sum() == 0


@pytest.mark.parametrize(
    "json_data",
    [
        canvas_fixture("touch_broken_two.json")["json_data"],
        "not json at all",
        '{"objects": 5}',
        '{"objects": [{"type": "path", "path": [["M", "x", 1]]}]}',
        "[" * 100_000,
    ],
    ids=["broken-touch-paths", "not-json", "objects-not-list", "non-numeric", "deep-nesting"],
)
def test_bad_canvas_payload_becomes_a_message_not_an_exception(classifier, json_data):
    view = callbacks.view_for_drawing(classifier, json_data)
    assert view.headline.tone == "error"
    assert view.headline.digit == ""
    assert view.headline.detail.startswith("That drawing could not be read")
    assert bar_heights(view.chart) == [0.0] * 10


# ---- through Dash's callback endpoint ----


def post(client, body):
    return client.post("/_dash-update-component", json=body)


def test_endpoint_answers_a_recorded_stroke_with_the_digit(client):
    fixture = canvas_fixture("seven_brush12.json")
    response = post(client, dash_update_request(fixture["json_data"]))
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == "7"
    assert len(bar_heights(outputs[ids.PROBABILITY_CHART]["children"])) == 10
    assert ids.DRAWING_PAD not in outputs  # drawing leaves the pad alone


def test_endpoint_answers_a_broken_touch_payload_with_a_message(client):
    fixture = canvas_fixture("touch_broken_two.json")
    response = post(client, dash_update_request(fixture["json_data"]))
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == ""
    assert "could not be read" in outputs[ids.PREDICTION_DETAIL]["children"]


def test_clear_empties_everything_and_swaps_in_a_fresh_canvas(client):
    drawn = canvas_fixture("five_brush24.json")["json_data"]
    body = dash_update_request(drawn, clear_clicks=1, changed=f"{ids.CLEAR_BUTTON}.n_clicks")
    response = post(client, body)
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == ""
    assert outputs[ids.PREDICTION_DETAIL]["children"] == EMPTY_PROMPT
    assert bar_heights(outputs[ids.PROBABILITY_CHART]["children"]) == [0.0] * 10
    assert preview_pixels(outputs[ids.INPUT_PREVIEW]["src"]).sum() == 0
    canvas = outputs[ids.DRAWING_PAD]["children"]
    assert canvas["type"] == "DashCanvas"
    assert canvas["props"]["id"] == ids.CANVAS
    assert canvas["props"]["lineWidth"] == 16  # the brush width survives a clear
    assert "json_data" not in canvas["props"]
