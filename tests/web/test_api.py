"""The HTTP API a client sees: /api/predict, /predict, /healthz, the error
format, the body limit and the security headers (Flask test client)."""

import base64
import io
import json
import math

import pytest
from PIL import Image, ImageDraw

from model.character import preprocess
from model.core.errors import InvalidInput
from model.core.prediction import Prediction
from model.numbers import number
from testkit.fixtures import canvas_fixture
from testkit.payloads import canvas_data, path_object, png_data_url
from testkit.predict import predict_canvas, predict_image
from web import limits

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def seven_path() -> list:
    """A fabric.js pencil path of a '7' on a 280x280 canvas, as dash-canvas sends it."""
    return [
        ["M", 60, 50],
        ["Q", 60, 50, 140, 50],
        ["Q", 140, 50, 220, 52],
        ["Q", 220, 52, 180, 140],
        ["Q", 180, 140, 140, 230],
        ["L", 130, 250],
    ]


def canvas_json(paths: list) -> str:
    return json.dumps(canvas_data(*(path_object(path, stroke_width=18) for path in paths)))


def seven_png_data_url(background="white", ink="black") -> str:
    image = Image.new("RGB", (280, 280), background)
    draw = ImageDraw.Draw(image)
    draw.line([(60, 50), (220, 52), (140, 230), (130, 250)], fill=ink, width=18, joint="curve")
    return png_data_url(image)


def assert_prediction_shape(body: dict) -> None:
    # Today's fields, and the number read (issue 17: tests/web/test_api_numbers.py).
    assert set(body) == {
        *("digit", "confidence", "probabilities", "empty", "not_a_digit"),
        *("number", "digits"),
    }
    probabilities = body["probabilities"]
    assert len(probabilities) == 10
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert math.isclose(sum(probabilities), 1.0, abs_tol=1e-4)
    assert isinstance(body["empty"], bool)


def assert_same_prediction(body: dict, expected: Prediction) -> None:
    assert body["digit"] == expected.digit
    assert body["empty"] == expected.empty
    assert body["not_a_digit"] == expected.not_a_digit
    assert body["confidence"] == pytest.approx(expected.confidence, abs=1e-6)
    assert body["probabilities"] == pytest.approx(list(expected.probabilities), abs=1e-6)


def test_canvas_json_string_gets_the_pipelines_prediction(client, classifier):
    drawing = canvas_json([seven_path()])
    response = client.post("/api/predict", json={"canvas": drawing, "width": 280, "height": 280})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert_prediction_shape(body)
    assert body["empty"] is False
    assert body["digit"] == max(range(10), key=lambda d: body["probabilities"][d])
    assert body["confidence"] == pytest.approx(max(body["probabilities"]), abs=1e-6)
    assert_same_prediction(body, predict_canvas(classifier, drawing, 280, 280))


def test_recorded_dash_canvas_drawing_reads_as_its_digit(client):
    fixture = canvas_fixture("seven_brush12.json")
    payload = {
        "canvas": fixture["json_data"],
        "width": fixture["width"],
        "height": fixture["height"],
    }
    response = client.post("/api/predict", json=payload)
    assert response.status_code == 200
    body = response.get_json()
    assert_prediction_shape(body)
    assert body["digit"] == fixture["digit"] == 7


def test_recorded_empty_canvas_is_empty(client):
    fixture = canvas_fixture("empty.json")
    response = client.post("/api/predict", json={"canvas": fixture["json_data"]})
    assert response.status_code == 200
    assert response.get_json()["empty"] is True


def test_canvas_as_object_answers_like_the_string(client):
    drawing = canvas_json([seven_path()])
    as_string = client.post("/api/predict", json={"canvas": drawing}).get_json()
    as_object = client.post("/api/predict", json={"canvas": json.loads(drawing)}).get_json()
    assert as_object == as_string


def test_image_data_url_gets_the_pipelines_prediction(client, classifier):
    data_url = seven_png_data_url()
    response = client.post("/api/predict", json={"image": data_url})
    assert response.status_code == 200
    body = response.get_json()
    assert_prediction_shape(body)
    assert body["empty"] is False
    assert_same_prediction(body, predict_image(classifier, data_url))


@pytest.mark.parametrize(
    "payload",
    [
        {"canvas": json.dumps({"version": "1.7.3", "objects": []})},
        {"canvas": {"objects": []}, "width": 280, "height": 280},
        {"canvas": ""},
        {"image": png_data_url(Image.new("RGB", (280, 280), "white"))},
        {"image": png_data_url(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))},
    ],
    ids=["empty-canvas", "empty-canvas-object", "blank-string", "white-png", "transparent-png"],
)
def test_empty_drawing_is_200_with_no_digit(client, payload):
    response = client.post("/api/predict", json=payload)
    assert response.status_code == 200
    body = response.get_json()
    assert_prediction_shape(body)
    assert body["digit"] is None
    assert body["empty"] is True
    assert body["confidence"] == 0.0


def test_form_post_answers_json_by_default(client, classifier):
    data_url = seven_png_data_url()
    response = client.post("/predict", data={"digit": data_url})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert_same_prediction(response.get_json(), predict_image(classifier, data_url))


def test_form_post_takes_a_file_upload(client, classifier):
    data_url = seven_png_data_url(background="black", ink="white")
    png = base64.b64decode(data_url.partition(",")[2])
    response = client.post(
        "/predict",
        data={"digit": (io.BytesIO(png), "seven.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert_same_prediction(response.get_json(), predict_image(classifier, png))


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html"])
def test_form_post_from_a_browser_gets_an_html_page(client, classifier, accept):
    data_url = seven_png_data_url()
    expected = predict_image(classifier, data_url)
    response = client.post("/predict", data={"digit": data_url}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<p class='digit'>{expected.digit}</p>" in page
    assert f"confidence {expected.confidence:.1%}" in page


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/json, text/html"])
def test_form_post_gets_json_unless_html_is_preferred(client, accept):
    response = client.post(
        "/predict", data={"digit": seven_png_data_url()}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert_prediction_shape(response.get_json())


def test_html_error_page_escapes_the_message(client):
    response = client.post(
        "/predict",
        data={"digit": "data:image/png;base64,<script>alert(1)</script>"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "not valid base64" in page
    assert "<script>" not in page


def test_empty_drawing_page_says_so(client):
    blank = png_data_url(Image.new("RGB", (280, 280), "white"))
    response = client.post("/predict", data={"digit": blank}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "The drawing is empty" in response.get_data(as_text=True)


def test_healthz_answers_ok_and_names_the_model_it_serves(client, classifier):
    response = client.get("/healthz")
    assert response.status_code == 200
    model = {"sha256": classifier.card["model_sha256"], "version": "shipped"}
    assert response.get_json() == {"status": "ok", "model": model}


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("GET", "/", {}),
        ("GET", "/healthz", {}),
        ("POST", "/api/predict", {"json": {"canvas": canvas_json([seven_path()])}}),
        ("POST", "/api/predict", {"data": "not json", "content_type": "application/json"}),
        ("GET", "/api/missing", {}),
    ],
    ids=["dash-page", "healthz", "prediction", "client-error", "not-found"],
)
def test_security_headers_on_every_response(client, method, path, kwargs):
    response = client.open(path, method=method, **kwargs)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_dash_page_still_loads_under_the_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Dash boots from inline scripts; a script-src or default-src directive
    # without 'unsafe-inline' would leave the page blank.
    assert '<script id="_dash-config"' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src" not in policy
    assert "default-src" not in policy
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200


def test_unexpected_failure_is_a_json_500_without_details(app, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(number, "read_canvas_number", broken)
    app.server.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/predict", json={"canvas": canvas_json([seven_path()])})
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal server error"}
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    # The cause is logged for the operator instead.
    assert "secret internal detail" in caplog.text
    monkeypatch.undo()
    assert (
        client.post("/api/predict", json={"canvas": canvas_json([seven_path()])}).status_code == 200
    )


def test_an_error_quoting_text_that_is_not_utf8_is_still_a_json_400(app, client, monkeypatch):
    # JSON may carry a lone surrogate ("\ud800"); a message quoting one cannot be UTF-8.
    def refuse(*args, **kwargs):
        raise InvalidInput("canvas label \ud800 is not a digit")

    monkeypatch.setattr(number, "read_canvas_number", refuse)
    app.server.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/predict", json={"canvas": canvas_json([seven_path()])})
    assert response.status_code == 400
    assert response.get_json() == {"error": "canvas label \ud800 is not a digit"}


def test_production_defaults(app):
    server = app.server
    assert server.debug is False
    assert server.config["MAX_CONTENT_LENGTH"] == limits.MAX_BODY_BYTES
    # The limit must let through the largest input preprocessing accepts.
    assert limits.MAX_BODY_BYTES > 2 * preprocess.MAX_CANVAS_JSON_CHARS
    assert limits.MAX_BODY_BYTES > preprocess.MAX_DATA_URL_CHARS


def test_predictions_are_not_cached(client):
    response = client.post("/api/predict", json={"canvas": canvas_json([seven_path()])})
    assert response.headers["Cache-Control"] == "no-store"
