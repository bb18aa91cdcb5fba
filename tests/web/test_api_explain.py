"""`"explain": true` on /api/predict: the answer also carries the 28x28 input the
network saw and one evidence map per digit; without it the answer is unchanged."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.character.preprocess import preprocess_canvas
from testkit.fixtures import canvas_fixture
from testkit.payloads import png_data_url

SEVEN = canvas_fixture("seven_brush12.json")


def canvas_body(**extra) -> dict:
    return {
        "canvas": SEVEN["json_data"],
        "width": SEVEN["width"],
        "height": SEVEN["height"],
        **extra,
    }


def test_explain_adds_the_input_and_ten_evidence_maps(client, classifier):
    response = client.post("/api/predict", json=canvas_body(explain=True))
    assert response.status_code == 200
    answer = response.get_json()
    plain = client.post("/api/predict", json=canvas_body()).get_json()
    # The answer itself is the same: explain adds the maps at the top level and to
    # the one character's entry, the same maps in both.
    (entry,) = answer["digits"]
    assert {key: entry[key] for key in ("input", "evidence")} == {
        key: answer[key] for key in ("input", "evidence")
    }
    answer["digits"] = [{key: entry[key] for key in plain["digits"][0]}]
    assert {key: answer[key] for key in plain} == plain
    seen = np.asarray(answer["input"])
    assert seen.shape == (28, 28) and seen.min() >= 0 and seen.max() <= 1
    expected = preprocess_canvas(SEVEN["json_data"], SEVEN["width"], SEVEN["height"]).image
    assert np.array_equal(seen.astype(np.float32), expected)
    maps = np.asarray(answer["evidence"])
    assert maps.shape == (10, 28, 28) and maps.min() >= -1 and maps.max() <= 1
    # The answer's own map has evidence for it somewhere on the ink.
    assert maps[answer["digit"]][seen > 0].max() > 0


def test_explain_works_for_images_too(client):
    image = Image.new("RGB", (280, 280), "white")
    ImageDraw.Draw(image).line([(140, 40), (140, 240)], fill="black", width=18)
    answer = client.post(
        "/api/predict", json={"image": png_data_url(image), "explain": True}
    ).get_json()
    assert answer["digit"] == 1
    assert np.asarray(answer["input"]).shape == (28, 28)
    assert np.asarray(answer["evidence"]).shape == (10, 28, 28)


def test_without_explain_there_are_no_maps(client):
    for body in (canvas_body(), canvas_body(explain=False)):
        answer = client.post("/api/predict", json=body).get_json()
        assert "evidence" not in answer and "input" not in answer


def test_an_empty_drawing_explained_has_no_input_and_no_maps(client):
    empty = canvas_fixture("empty.json")
    body = {"canvas": empty["json_data"], "explain": True}
    answer = client.post("/api/predict", json=body).get_json()
    assert answer["empty"] is True
    assert answer["input"] is None and answer["evidence"] is None


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_explain_must_be_true_or_false(client, value):
    response = client.post("/api/predict", json=canvas_body(explain=value))
    assert response.status_code == 400
    assert "'explain' must be true or false" in response.get_json()["error"]
