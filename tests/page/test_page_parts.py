"""The page's new parts as plain functions (no browser): the evidence view of the
preview, the chosen digit's outline on the chart, the words under the preview,
the "About the model" panel read from the card, the prediction callback with a
digit's evidence asked for, through Dash's own endpoint; and whole numbers: the
number's words, a button per character, the chosen character's bars and input."""

import base64
import datetime
import io
import json

import numpy as np
import pytest
from PIL import Image
from plotly.utils import PlotlyJSONEncoder

from components import about_model, callbacks, ids
from components.character_tiles import image_data_url
from components.input_preview import (
    EVIDENCE_AGAINST_COLOR,
    EVIDENCE_FOR_COLOR,
    NEUTRAL_INK_COLOR,
    PLAIN_CAPTION,
    evidence_colors,
    preview_caption,
    preview_image,
)
from components.layout import build_layout
from components.prediction_text import Headline, digit_class, headline_for_number
from components.probability_chart import probability_bars
from model.core.inference import DEFAULT_CARD_PATH
from model.core.prediction import Prediction
from model.numbers import number
from testkit.browser import number_on_pad
from testkit.dash_requests import dash_update_request
from testkit.fixtures import canvas_fixture
from testkit.page import bar_classes, bar_heights, picture, plain_pixels, text_of
from testkit.payloads import canvas_json


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads(DEFAULT_CARD_PATH.read_text())


def as_sent(value) -> str:
    """`value` as Dash sends it to the browser (components as JSON)."""
    return json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True)


def caption_text(caption: list) -> str:
    return text_of(caption)


# ---- the preview's evidence view ----


def test_evidence_view_colours_the_ink_on_a_diverging_scale_neutral_at_zero():
    image = np.zeros((28, 28), dtype=np.float32)
    image[10:14, 10:12] = 1.0  # strong evidence for
    image[20, 5] = 1.0  # strong evidence against
    image[3, 3] = 1.0  # ink with no evidence either way
    image[25, 25] = 0.5  # faint ink, evidence for
    evidence = np.zeros((28, 28))
    evidence[10:14, 10:12] = 1.0
    evidence[20, 5] = -1.0
    evidence[25, 25] = 1.0
    shown = picture(preview_image(image, evidence))
    assert shown.shape == (28, 28, 3)
    rgb = {
        name: np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)])
        for name, c in (
            ("for", EVIDENCE_FOR_COLOR),
            ("against", EVIDENCE_AGAINST_COLOR),
            ("neutral", NEUTRAL_INK_COLOR),
        )
    }
    assert np.array_equal(shown[11, 10], rgb["for"])
    assert np.array_equal(shown[20, 5], rgb["against"])
    assert np.array_equal(shown[3, 3], rgb["neutral"])  # 0 is neutral, not a colour
    assert np.all(shown[image == 0] == 255)  # no ink: white, whatever the map says
    # Faint ink: half way between white and the colour of its evidence.
    assert shown[25, 25] == pytest.approx((255 + rgb["for"]) / 2, abs=1)


def test_evidence_scale_is_linear_from_against_through_neutral_to_for():
    colors = evidence_colors(np.array([-1.0, -0.5, 0.0, 0.5, 1.0]))
    neutral = evidence_colors(np.array([0.0]))[0]
    assert np.allclose(colors[1], (colors[0] + neutral) / 2)
    assert np.allclose(colors[3], (colors[4] + neutral) / 2)


def test_no_evidence_view_without_a_drawing():
    assert picture(preview_image(None, np.ones((28, 28)))).ndim == 2


def test_caption_says_what_the_preview_shows_with_its_scale():
    assert caption_text(preview_caption()).endswith(PLAIN_CAPTION)
    assert "Press a digit" in caption_text(preview_caption(None, drawn=True))
    words = caption_text(preview_caption(6, drawn=True))
    assert "Evidence for 6" in words and "red" in words and "blue" in words
    # The scale, -1 ... 0 ... +1, and what "against" means.
    assert "−1 against" in words and "+1 for" in words
    assert "without that ink, 6 would be likelier" in words
    assert "again" in words  # how to go back
    assert "Draw a digit" in caption_text(preview_caption(6, drawn=False))


def test_chart_marks_only_the_digit_whose_evidence_is_shown():
    classes = bar_classes(probability_bars([0.1] * 10, top=2, marked=5))
    assert [i for i, c in enumerate(classes) if "marked" in c] == [5]
    assert not any("marked" in c for c in bar_classes(probability_bars([0.1] * 10, top=2)))


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
    ink = plain_pixels(plain.preview)
    shown = picture(why.preview)
    assert shown.shape == (28, 28, 3)
    assert why.headline == plain.headline
    assert np.all(shown[ink == 0] == 255)  # the same input: colour only on its ink
    assert np.any(shown[ink > 0.5] != 255)
    assert "Evidence for 1" in caption_text(why.caption)


@pytest.mark.parametrize("json_data", [None, canvas_fixture("empty.json")["json_data"]])
def test_evidence_asked_for_an_empty_pad_waits_for_a_drawing(classifier, json_data):
    view = callbacks.view_for_drawing(classifier, json_data, evidence_digit=3)
    assert view.headline.digit == ""
    assert picture(view.preview).ndim == 2
    assert "Draw a digit to see the evidence for 3" in caption_text(view.caption)
    assert "marked" in bar_classes(view.chart)[3]


def test_endpoint_answers_with_the_evidence_for_the_chosen_digit(client):
    fixture = canvas_fixture("seven_brush12.json")
    body = dash_update_request(
        fixture["json_data"], changed=f"{ids.EVIDENCE_DIGIT}.data", evidence_digit=7
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == "7"
    assert picture(outputs[ids.INPUT_PREVIEW]["src"]).shape == (28, 28, 3)
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


def test_confusion_table_keeps_every_count_and_shades_only_mistakes(card):
    matrix = card["pen_writers_heldout"]["confusion_matrix"]
    cells = about_model.confusion_cells(matrix)
    shown = [[int(text) if text else 0 for text, _ in row] for row in cells]
    assert shown == matrix  # true digit 0 in the first row, every count written
    for t, row in enumerate(cells):
        for a, (text, color) in enumerate(row):
            if t == a:
                assert color == about_model.CORRECT_COLOR
            elif text:
                assert color not in (None, about_model.CORRECT_COLOR)
            else:
                assert color is None  # no mistake, no shade
    answers = range(len(matrix[0]))
    most = max(matrix[t][a] for t in range(10) for a in answers if t != a)
    worst = [cells[t][a][1] for t in range(10) for a in answers if t != a and matrix[t][a] == most]
    assert worst[0] == about_model.ERROR_COLOR
    table = about_model.confusion_table(matrix)
    assert table.id == ids.CONFUSION_MATRIX
    assert len(table.children[1].children) == 10  # a row per true digit


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


# ---- numbers: several characters ----


def reading_of(*characters) -> number.NumberReading:
    """A NumberReading of (digit or None, confidence) pairs, left to right; each
    character's 28x28 holds a bar at its own column, so the previews differ."""
    read = []
    for place, (digit, confidence) in enumerate(characters):
        image = np.zeros((28, 28), dtype=np.float32)
        image[4:24, 2 + 3 * place] = 1.0
        top = 0 if digit is None else digit
        probabilities = [(1 - confidence) / 9] * 10
        probabilities[top] = confidence
        prediction = Prediction(
            digit=digit,
            confidence=confidence,
            probabilities=tuple(probabilities),
            empty=False,
            image=image,
            not_a_digit=digit is None,
        )
        box = (100.0 * place, 0.0, 100.0 * place + 80, 120.0)
        read.append(number.CharacterReading(prediction, box, not_a_digit=digit is None))
    return number.NumberReading(characters=tuple(read))


def tile_attributes(view) -> list[tuple[str, str]]:
    return [
        (
            tile.to_plotly_json()["props"]["aria-label"],
            tile.to_plotly_json()["props"]["aria-pressed"],
        )
        for tile in view.tiles
    ]


def tile_ids(view) -> list:
    return [tile.id for tile in view.tiles]


def test_number_headline_is_the_number_and_the_chance_all_of_it_is_right():
    reading = reading_of((4, 0.9), (2, 0.8))
    headline = headline_for_number(reading.characters)
    assert headline == Headline(digit="42", detail="72% confident in both digits", tone="sure")
    three = headline_for_number(reading_of((1, 0.95), (2, 0.95), (3, 0.95)).characters)
    assert three.detail == "86% confident in all 3 digits"


def test_unsure_number_names_its_least_certain_character_and_two_candidates():
    reading = reading_of((4, 0.99), (7, 0.5), (1, 0.99))
    headline = headline_for_number(reading.characters)
    assert headline.digit == "471" and headline.tone == "unsure"
    assert headline.detail.startswith("Not sure: 49% for all 3 digits.")
    first, second = reading.characters[1].prediction.top_two()
    assert headline.detail.endswith(f"Character 2: {first[0]} or {second[0]}?")


def test_a_character_that_is_no_digit_is_named_and_marked():
    headline = headline_for_number(reading_of((4, 0.99), (None, 0.9)).characters)
    assert headline == Headline(
        digit="4?", detail="Character 2 doesn't look like a digit", tone="unsure"
    )
    several = headline_for_number(reading_of((None, 0.9), (1, 0.9), (None, 0.8)).characters)
    assert several.digit == "?1?"
    assert several.detail == "Characters 1 and 3 don't look like digits"


def test_long_numbers_get_a_smaller_readout_and_a_digit_keeps_its_own():
    assert digit_class("7") == digit_class("42") == digit_class("2026") == "predicted-digit"
    assert digit_class("12345") == digit_class("123456") == "predicted-digit size-m"
    assert digit_class("1234567") == "predicted-digit size-s"
    assert digit_class("123456789012") == "predicted-digit size-xs"


def test_number_view_shows_a_button_per_character_and_the_first_ones_bars():
    reading = reading_of((4, 0.9), (2, 0.8))
    view = callbacks.view_for_reading(reading)
    assert view.headline.digit == "42"
    assert tile_attributes(view) == [("Character 1: 4", "true"), ("Character 2: 2", "false")]
    assert tile_ids(view) == [{"type": ids.CHARACTER_TILE, "index": i} for i in (0, 1)]
    assert int(np.argmax(bar_heights(view.chart))) == 4
    assert view.chart_title == "Probabilities: character 1 of 2"
    assert "Character 1 of 2. What the network saw" in caption_text(view.caption)
    first = reading.characters[0].prediction.image
    assert np.allclose(plain_pixels(view.preview), first, atol=1 / 255)


def test_a_chosen_character_gets_the_bars_preview_and_pressed_button():
    reading = reading_of((4, 0.9), (2, 0.8))
    view = callbacks.view_for_reading(reading, selected=1)
    assert int(np.argmax(bar_heights(view.chart))) == 2
    assert view.chart_title == "Probabilities: character 2 of 2"
    assert tile_attributes(view)[1] == ("Character 2: 2", "true")
    second = reading.characters[1].prediction.image
    assert np.allclose(plain_pixels(view.preview), second, atol=1 / 255)
    # A choice the drawing no longer has falls back to the first character.
    assert callbacks.view_for_reading(reading, selected=5).chart_title.endswith("1 of 2")


def test_an_unreadable_number_shows_the_character_that_is_no_digit_first():
    view = callbacks.view_for_reading(reading_of((4, 0.99), (None, 0.9), (1, 0.9)))
    # The bars are what the digits would be, were it one: the heading says so.
    assert view.chart_title == "Character 2 of 3: if it were a digit, it would lean to 0 (90%)"
    assert tile_attributes(view)[1] == ("Character 2: not a digit", "true")
    mark = view.tiles[1].children[1]
    assert mark.children == "?"
    assert not any("top" in c for c in bar_classes(view.chart))  # no digit read


def test_a_drawing_that_is_no_digit_says_how_sure_and_what_the_bars_are():
    view = callbacks.view_for_reading(reading_of((None, 0.87)))
    assert view.headline == Headline(
        digit="?", detail="That doesn't look like a digit (87% sure)", tone="unsure"
    )
    assert view.chart_title == "If it were a digit, it would lean to 0 (87%)"
    assert not any("top" in c for c in bar_classes(view.chart))


def test_one_character_looks_exactly_as_a_single_digit():
    reading = reading_of((7, 0.93))
    view = callbacks.view_for_reading(reading, selected=0)
    plain = callbacks.view_for_prediction(reading.characters[0].prediction)
    assert as_sent(view.outputs()) == as_sent(plain.outputs())
    assert view.tiles == [] and view.chart_title == "Probabilities"
    assert view.outputs()[1] == "predicted-digit"


def test_button_picture_is_the_characters_28x28():
    image = np.zeros((28, 28), dtype=np.float32)
    image[3:9, 5] = 1.0
    image[20, 20] = 0.5
    url = image_data_url(image)
    assert url.startswith("data:image/png;base64,")
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    assert pixels.shape == (28, 28)
    assert np.array_equal(pixels, np.round(image * 255).astype(np.uint8))
    assert len(url) < 1000  # a small picture, not a chart


@pytest.mark.parametrize("value", [None, True, "1", 1.0, -1, [1]])
def test_only_a_whole_index_chooses_a_character(value):
    assert callbacks.chosen_character(value) is None


def test_drawn_42_reads_as_the_number_with_the_real_model(classifier):
    strokes = number_on_pad(classifier, "42")
    view = callbacks.view_for_drawing(classifier, canvas_json(strokes))
    assert view.headline.digit == "42"
    assert [label for label, _ in tile_attributes(view)] == ["Character 1: 4", "Character 2: 2"]
    second = callbacks.view_for_drawing(
        classifier, canvas_json(strokes), evidence_digit=2, selected=1
    )
    assert int(np.argmax(bar_heights(second.chart))) == 2
    assert picture(second.preview).ndim == 3  # the evidence for 2 over the second character
    assert "Character 2 of 2. Evidence for 2" in caption_text(second.caption)


def test_endpoint_answers_a_chosen_character_without_drawing_the_buttons_again(client, classifier):
    strokes = number_on_pad(classifier, "42")
    body = dash_update_request(
        canvas_json(strokes), changed=f"{ids.SELECTED_CHARACTER}.data", selected=1
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    assert outputs[ids.PREDICTED_DIGIT]["children"] == "42"
    assert outputs[ids.CHART_TITLE]["children"] == "Probabilities: character 2 of 2"
    assert ids.CHARACTER_TILES not in outputs  # the pressed button keeps the keyboard's focus
    drawn = client.post(
        "/_dash-update-component",
        json=dash_update_request(canvas_json(strokes), selected=1),
    ).get_json()["response"]
    tiles = drawn[ids.CHARACTER_TILES]["children"]
    assert [t["props"]["aria-pressed"] for t in tiles] == ["false", "true"]
