"""The page's new parts as plain functions (no browser): the evidence view of the
preview, the chosen digit's outline on the chart, the words under the preview,
the "About the model" panel read from the card, and the prediction callback
with a digit's evidence asked for, through Dash's own endpoint."""

import datetime
import json

import numpy as np
import pytest

from components import about_model, callbacks, ids
from components.input_preview import (
    EVIDENCE_AGAINST_COLOR,
    EVIDENCE_FOR_COLOR,
    PLAIN_CAPTION,
    preview_caption,
    preview_figure,
)
from components.layout import build_layout
from components.probability_chart import probability_figure
from model.inference import DEFAULT_CARD_PATH
from testkit.fixtures import canvas_fixture


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads(DEFAULT_CARD_PATH.read_text())


def caption_text(caption: list) -> str:
    return "".join(part if isinstance(part, str) else part.children for part in caption)


# ---- the preview's evidence view ----


def test_evidence_view_keeps_the_input_and_colours_only_the_ink():
    image = np.zeros((28, 28), dtype=np.float32)
    image[10:14, 10:12] = 1.0
    image[20, 5] = 0.5
    evidence = np.full((28, 28), -0.4)
    evidence[10:14, 10:12] = 0.8
    figure = preview_figure(image, evidence)
    assert len(figure["data"]) == 2
    assert np.array_equal(np.asarray(figure["data"][0]["z"]), image)
    shown = np.asarray(figure["data"][1]["z"])
    assert shown[11, 10] == pytest.approx(0.8)
    assert shown[20, 5] == pytest.approx(-0.2)
    assert np.all(shown[image == 0] == 0)
    overlay = figure["data"][1]
    assert (overlay["zmin"], overlay["zmax"]) == (-1.0, 1.0)
    low, high = overlay["colorscale"][0][1], overlay["colorscale"][-1][1]
    assert low.startswith(
        "rgba(" + ",".join(str(int(EVIDENCE_AGAINST_COLOR[i : i + 2], 16)) for i in (1, 3, 5))
    )
    assert high.startswith(
        "rgba(" + ",".join(str(int(EVIDENCE_FOR_COLOR[i : i + 2], 16)) for i in (1, 3, 5))
    )


def test_no_evidence_view_without_a_drawing():
    assert len(preview_figure(None, np.ones((28, 28)))["data"]) == 1


def test_caption_says_what_the_preview_shows():
    assert caption_text(preview_caption()) == PLAIN_CAPTION
    assert "Press a digit" in caption_text(preview_caption(None, drawn=True))
    words = caption_text(preview_caption(6, drawn=True))
    assert "Evidence for 6" in words and "red" in words and "blue" in words
    assert "again" in words  # how to go back
    assert "Draw a digit" in caption_text(preview_caption(6, drawn=False))


def test_chart_outlines_only_the_digit_whose_evidence_is_shown():
    widths = probability_figure([0.1] * 10, top=2, marked=5)["data"][0]["marker"]["line"]["width"]
    assert widths[5] > 0 and [w for i, w in enumerate(widths) if i != 5] == [0] * 9
    unmarked = probability_figure([0.1] * 10, top=2)["data"][0]["marker"]["line"]["width"]
    assert unmarked == [0] * 10


# ---- the callback's view with evidence ----


@pytest.mark.parametrize("value", [None, True, "4", 4.0, -1, 10, [4]])
def test_only_a_digit_0_to_9_asks_for_evidence(value):
    assert callbacks.chosen_digit(value) is None


def test_chosen_digit_passes_a_real_digit():
    assert [callbacks.chosen_digit(d) for d in range(10)] == list(range(10))


def test_view_with_evidence_draws_the_chosen_digits_map(classifier):
    fixture = canvas_fixture("seven_brush12.json")
    plain = callbacks.view_for_drawing(classifier, fixture["json_data"])
    why = callbacks.view_for_drawing(classifier, fixture["json_data"], evidence_digit=1)
    assert len(plain.preview["data"]) == 1 and len(why.preview["data"]) == 2
    assert why.headline == plain.headline
    assert why.preview["data"][0]["z"] == plain.preview["data"][0]["z"]
    assert "Evidence for 1" in caption_text(why.caption)
    against = np.asarray(why.preview["data"][1]["z"])
    assert np.abs(against).max() > 0


@pytest.mark.parametrize("json_data", [None, canvas_fixture("empty.json")["json_data"]])
def test_evidence_asked_for_an_empty_pad_waits_for_a_drawing(classifier, json_data):
    view = callbacks.view_for_drawing(classifier, json_data, evidence_digit=3)
    assert view.headline.digit == ""
    assert len(view.preview["data"]) == 1
    assert "Draw a digit to see the evidence for 3" in caption_text(view.caption)
    assert view.chart["data"][0]["marker"]["line"]["width"][3] > 0


def test_endpoint_answers_with_the_evidence_for_the_chosen_digit(client):
    fixture = canvas_fixture("seven_brush12.json")
    body = callbacks.dash_update_request(
        fixture["json_data"], changed=f"{ids.EVIDENCE_DIGIT}.data", evidence_digit=7
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == "7"
    assert len(outputs[ids.INPUT_PREVIEW]["figure"]["data"]) == 2
    assert "Evidence for " in json.dumps(outputs[ids.PREVIEW_CAPTION]["children"])


# ---- about the model ----


def test_about_panel_shows_the_cards_figures_honestly(card):
    figures = dict(about_model.key_figures(card))
    assert figures["MNIST test set"] == f"{card['mnist_test_accuracy']:.2%} of 10,000 digits"
    writers = card["pen_writers_heldout"]
    assert figures["Pen digits by writers it never saw"] == (
        f"{writers['accuracy']:.2%} of {writers['count']:,} digits"
    )
    assert figures["Parameters"] == f"{card['parameters']:,}"
    day = datetime.date.fromisoformat(card["trained"])
    assert figures["Trained"] == f"{day.day} {day:%B %Y}"
    assert "random split" not in about_model.model_note(card)


def test_a_card_with_only_a_random_split_says_so():
    # The cards of earlier models measured pen digits on a random split of their writers.
    random_split = {"count": 1499, "accuracy": 0.992, "per_class_accuracy": [0.99] * 10}
    card = {"mnist_test_accuracy": 0.9971, "pen_digits_heldout": random_split}
    card["pen_digits_heldout_accuracy"] = 0.992
    figures = dict(about_model.key_figures(card))
    assert figures["Pen digits, random split (writers seen in training)"].startswith("99.20%")
    assert figures["Pen digits by writers it never saw"] == "not measured yet"
    assert "random split" in about_model.model_note(card)


def test_a_writer_independent_figure_is_shown_when_the_card_has_one(card):
    writers = {
        "count": 1498,
        "accuracy": 0.9712,
        "per_class_accuracy": [0.97] * 10,
        "confusion_matrix": (np.eye(10, dtype=int) * 140 + 1).tolist(),
    }
    card = dict(card, pen_writers_heldout=writers, pen_writers_heldout_accuracy=0.9712)
    figures = dict(about_model.key_figures(card))
    assert figures["Pen digits by writers it never saw"] == "97.12% of 1,498 digits"
    assert "97.12% on digits by writers it never saw" in about_model.model_note(card)
    label, matrix = about_model.confusion_source(card)
    assert "never saw" in label and matrix == writers["confusion_matrix"]
    columns, rows = about_model.per_class_rows(card)
    assert columns[1] == "New writers" and rows[0][1] == "97.0%"
    assert about_model.RANDOM_SPLIT_NOTE not in str(about_model.about_model(card))


def test_per_class_accuracy_has_a_row_per_digit_and_a_column_per_test_set(card):
    columns, rows = about_model.per_class_rows(card)
    assert columns == ["Digit", "New writers", "MNIST"]
    assert [row[0] for row in rows] == [str(d) for d in range(10)]
    eight = card["pen_writers_heldout"]["per_class_accuracy"][8]
    assert rows[8][1] == f"{eight:.1%}"


def test_confusion_heat_map_keeps_every_count_and_shades_only_mistakes(card):
    matrix = card["pen_writers_heldout"]["confusion_matrix"]
    figure = about_model.confusion_figure(matrix)
    right, mistakes = (np.asarray(trace["z"], dtype=float) for trace in figure["data"])
    together = np.where(np.isnan(right), 0, right) + np.where(np.isnan(mistakes), 0, mistakes)
    assert np.array_equal(together, np.asarray(matrix))
    assert np.all(np.isnan(np.diag(mistakes)))
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # true digit 0 at the top


def test_missing_figures_are_left_out_not_made_up():
    assert about_model.key_figures({}) == [
        ("Pen digits by writers it never saw", "not measured yet")
    ]
    assert about_model.training_date({"trained": "sometime"}) is None
    assert about_model.confusion_source({}) is None
    assert "%" not in str(about_model.about_model({}).children[1])


def test_layout_has_the_new_parts(card):
    layout = str(build_layout(card))
    for component_id in (
        ids.ABOUT_MODEL,
        ids.CONFUSION_MATRIX,
        ids.ANSWER_STRIP,
        ids.PREVIEW_CAPTION,
    ):
        assert f"'{component_id}'" in layout
    assert layout.count(f"'type': '{ids.EVIDENCE_TILE}'") == 10
    assert "Slider" not in layout  # no brush control: the network's pen is fixed


def test_the_tab_and_the_heading_give_the_app_one_name(app):
    headings = [
        node.children
        for node in app.layout._traverse()
        if getattr(node, "_type", None) == "H1" or type(node).__name__ == "H1"
    ]
    assert headings == [app.title] == ["Digit reader"]
