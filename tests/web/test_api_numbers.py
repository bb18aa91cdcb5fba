"""Numbers through the HTTP API (issue 17): /api/predict and /predict answer
today's fields plus "number" and "digits", a single character exactly as
before, and more than twelve characters a clear 413."""

import itertools
import math

import numpy as np
import pytest
from PIL import Image

from model.core.errors import InputTooLarge
from model.numbers.number import MAX_CHARACTERS, NumberReading, read_canvas_number
from testkit.fixtures import canvas_fixture, canvas_fixture_names, pen_digits_sample
from testkit.payloads import (
    PAD_SIZE,
    canvas_json,
    draw_strokes,
    pad_png_data_url,
    place_on_pad,
    png_data_url,
)
from testkit.predict import predict_canvas, predict_image
from testkit.sure_digits import TODAY_FIELDS, pointer_strokes, side_by_side

ENTRY_FIELDS = {"digit", "confidence", "probabilities", "not_a_digit", "box"}
HTML = {"Accept": "text/html"}


def number_strokes(digits: str, sure_digits, height=100.0, gap=80.0) -> list[np.ndarray]:
    strokes, _ = side_by_side([sure_digits[int(c)] for c in digits], height, gap, 10.0, 150.0)
    assert np.concatenate(strokes).max() < PAD_SIZE, "the number does not fit on the pad"
    return strokes


def hash_sign() -> list[np.ndarray]:
    """A '#' in 0..100: the model says it is no digit."""
    return [
        np.array([[0.0, 35.0], [90.0, 35.0]]),
        np.array([[0.0, 65.0], [90.0, 65.0]]),
        np.array([[30.0, 0.0], [30.0, 100.0]]),
        np.array([[60.0, 0.0], [60.0, 100.0]]),
    ]


def post_canvas(client, strokes, **extra):
    body = {"canvas": canvas_json(strokes), "width": PAD_SIZE, "height": PAD_SIZE, **extra}
    return client.post("/api/predict", json=body)


def assert_reads_as(answer: dict, digits: str) -> None:
    assert answer["number"] == digits
    assert answer["digit"] is None and answer["empty"] is False and answer["not_a_digit"] is False
    entries = answer["digits"]
    assert [entry["digit"] for entry in entries] == [int(c) for c in digits]
    assert all(set(entry) == ENTRY_FIELDS for entry in entries)
    assert all(entry["not_a_digit"] is False for entry in entries)
    # The whole reading is right only if every character is.
    assert answer["confidence"] == pytest.approx(math.prod(e["confidence"] for e in entries))
    boxes = [entry["box"] for entry in entries]
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= PAD_SIZE and 0 <= y0 < y1 <= PAD_SIZE
    for left, right in itertools.pairwise(boxes):
        assert left[2] < right[0], "characters are not left to right"


@pytest.mark.parametrize("digits", ["42", "70"])
def test_two_digits_far_apart_on_the_canvas_read_as_the_number(client, sure_digits, digits):
    response = post_canvas(client, number_strokes(digits, sure_digits))
    assert response.status_code == 200
    assert_reads_as(response.get_json(), digits)


@pytest.mark.parametrize("digits", ["42", "70"])
def test_two_digits_in_the_pads_png_read_as_the_number(client, sure_digits, digits):
    image = pad_png_data_url(number_strokes(digits, sure_digits))
    for response in (
        client.post("/api/predict", json={"image": image}),
        client.post("/predict", data={"digit": image}),
    ):
        assert response.status_code == 200
        assert_reads_as(response.get_json(), digits)


def test_twelve_characters_are_read(client, sure_digits):
    digits = "123456789012"
    assert len(digits) == MAX_CHARACTERS
    response = post_canvas(client, number_strokes(digits, sure_digits, height=22.0, gap=5.0))
    assert response.status_code == 200
    assert response.get_json()["number"] == digits


def test_thirteen_characters_get_a_413_that_says_the_limit(client, sure_digits):
    strokes = number_strokes("1234567890123", sure_digits, height=22.0, gap=5.0)
    # The pad's 12-pixel pen would run such small digits together: a larger photo.
    image = png_data_url(draw_strokes(strokes, size=1000, width=8, scale=2.5))
    for response in (
        post_canvas(client, strokes),
        client.post("/api/predict", json={"image": image}),
        client.post("/predict", data={"digit": image}),
    ):
        assert response.status_code == 413
        assert response.get_json() == {
            "error": "the drawing has 13 characters; at most 12 are read"
        }
    page = client.post("/predict", data={"digit": image}, headers=HTML)
    assert page.status_code == 413
    assert "at most 12 are read" in page.get_data(as_text=True)


def test_an_empty_drawing_is_no_number(client):
    blank = png_data_url(Image.new("RGB", (280, 280), "white"))
    for response in (
        client.post("/api/predict", json={"canvas": canvas_fixture("empty")["json_data"]}),
        client.post("/api/predict", json={"image": blank}),
        client.post("/predict", data={"digit": blank}),
    ):
        answer = response.get_json()
        assert response.status_code == 200
        assert answer["empty"] is True and answer["digit"] is None
        assert answer["number"] is None and answer["digits"] == []


@pytest.mark.parametrize("name", canvas_fixture_names(drawn_digits_only=True))
def test_a_recorded_digit_answers_as_today_and_as_its_number(client, classifier, name):
    record = canvas_fixture(name)
    args = (record["json_data"], record["width"], record["height"])
    expected = predict_canvas(classifier, *args)
    response = client.post(
        "/api/predict",
        json={"canvas": args[0], "width": args[1], "height": args[2]},
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert {key: answer[key] for key in TODAY_FIELDS} == expected.to_json()
    assert answer["number"] == str(expected.digit) == str(record["digit"])
    (entry,) = answer["digits"]
    assert entry["digit"] == expected.digit
    assert entry["confidence"] == expected.confidence
    assert entry["probabilities"] == list(expected.probabilities)


def test_pen_digits_answer_as_today_through_every_route(client, classifier):
    for record in pen_digits_sample()[::15]:
        strokes = pointer_strokes(place_on_pad(record["strokes"]))
        drawing, image = canvas_json(strokes), pad_png_data_url(strokes)
        for response, expected in (
            (
                post_canvas(client, strokes),
                predict_canvas(classifier, drawing, PAD_SIZE, PAD_SIZE),
            ),
            (
                client.post("/api/predict", json={"image": image}),
                predict_image(classifier, image),
            ),
            (
                client.post("/predict", data={"digit": image}),
                predict_image(classifier, image),
            ),
        ):
            answer = response.get_json()
            assert {key: answer[key] for key in TODAY_FIELDS} == expected.to_json()
            assert len(answer["digits"]) == 1, f"pen digit {record['index']} was split"
            shown = None if expected.not_a_digit else str(expected.digit)
            assert answer["number"] == shown


def test_a_character_that_is_not_a_digit_makes_the_number_null(client, sure_digits):
    strokes, _ = side_by_side([sure_digits[4], hash_sign()], 100.0, 80.0, 10.0, 150.0)
    answer = post_canvas(client, strokes).get_json()
    assert answer["number"] is None and answer["digit"] is None
    first, second = answer["digits"]
    assert first["digit"] == 4 and first["not_a_digit"] is False
    assert second["digit"] is None and second["not_a_digit"] is True
    assert len(second["probabilities"]) == 10
    # The page says which character it could not read.
    image = pad_png_data_url(strokes)
    answer = client.post("/predict", data={"digit": image}).get_json()
    unread = [i for i, entry in enumerate(answer["digits"], 1) if entry["not_a_digit"]]
    assert answer["number"] is None and len(unread) == 1
    page = client.post("/predict", data={"digit": image}, headers=HTML).get_data(as_text=True)
    assert f"character {unread[0]} doesn't look like a digit" in page
    assert "class='number'" not in page


def test_the_html_answer_shows_the_number_and_each_character(client, sure_digits):
    image = pad_png_data_url(number_strokes("42", sure_digits))
    answer = client.post("/predict", data={"digit": image}).get_json()
    response = client.post("/predict", data={"digit": image}, headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<p class='number'>42</p>" in page
    assert f"confidence {answer['confidence']:.1%}" in page
    for index, entry in enumerate(answer["digits"], 1):
        assert f"<tr><td>{index}</td><td>{entry['digit']}</td>" in page
        assert f"<td>{entry['confidence']:.1%}</td>" in page


def test_the_html_answer_for_one_digit_is_as_today(client, classifier, sure_digits):
    image = pad_png_data_url(number_strokes("7", sure_digits))
    expected = predict_image(classifier, image)
    page = client.post("/predict", data={"digit": image}, headers=HTML).get_data(as_text=True)
    assert f"<p class='digit'>{expected.digit}</p>" in page
    assert f"confidence {expected.confidence:.1%}" in page
    assert "class='number'" not in page


def test_explain_gives_every_character_its_own_input_and_maps(client, classifier, sure_digits):
    strokes = number_strokes("42", sure_digits)
    answer = post_canvas(client, strokes, explain=True).get_json()
    plain = post_canvas(client, strokes).get_json()
    # Several characters: the top level belongs to none of them.
    assert answer["input"] is None and answer["evidence"] is None
    reading = read_canvas_number(classifier, canvas_json(strokes), PAD_SIZE, PAD_SIZE)
    for entry, bare, character in zip(
        answer["digits"], plain["digits"], reading.characters, strict=True
    ):
        assert {key: entry[key] for key in bare} == bare
        seen = np.asarray(entry["input"])
        assert np.array_equal(seen.astype(np.float32), character.prediction.image)
        maps = np.asarray(entry["evidence"])
        assert maps.shape == (10, 28, 28) and maps.min() >= -1 and maps.max() <= 1
        assert maps[entry["digit"]][seen > 0].max() > 0  # evidence for its digit on its ink


def test_explain_for_one_digit_keeps_todays_top_level_maps(client):
    record = canvas_fixture("seven_brush12")
    body = {"canvas": record["json_data"], "width": record["width"], "height": record["height"]}
    answer = client.post("/api/predict", json={**body, "explain": True}).get_json()
    (entry,) = answer["digits"]
    assert np.asarray(answer["evidence"]).shape == (10, 28, 28)
    assert entry["input"] == answer["input"] and entry["evidence"] == answer["evidence"]


def test_no_reading_holds_more_than_twelve_characters(classifier, sure_digits):
    """The limit holds however the characters came about (an image's touching
    digits cut apart can make more characters than it had pieces of ink)."""
    strokes = number_strokes("4", sure_digits)
    (four,) = read_canvas_number(classifier, canvas_json(strokes)).characters
    assert len(NumberReading((four,) * MAX_CHARACTERS).characters) == MAX_CHARACTERS
    with pytest.raises(InputTooLarge, match="13 characters; at most 12 are read"):
        NumberReading((four,) * (MAX_CHARACTERS + 1))
