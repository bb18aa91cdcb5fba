"""The API: a Flask blueprint with the routes outside Dash.

POST /predict (the classic exercise's form post: a data URL or an uploaded
image, answered as JSON or, for a browser, as a page), POST /api/predict (the
JSON API: an image or dash-canvas strokes), GET /healthz; and OPTIONS on them.
Each checks what the client sent and answers every mistake with a 4xx
{"error": ...} (web/errors.py maps the statuses). The reading itself is
model/numbers/number.py's: a drawing is read as a number, left to right, and a
drawing of one character answers exactly what it answered when the API read
single digits.
"""

import math
from typing import Any

import flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from model import evidence
from model.core.budget import WorkBudget
from model.numbers import number
from web.errors import ClientError
from web.html_answers import html_result
from web.paths import ALLOWED_METHODS, JSON_PREFIX, allow_header, allowed_methods
from web.request_body import kind, parse_json_body, refuse_cut_off_body, shown_type
from web.responses import json_response, wants_html

FORM_FIELD = "digit"
JSON_KEYS = ("image", "canvas")
SIZE_KEYS = ("width", "height")
# `"explain": true` adds "input" (the 28x28 the network saw) and "evidence" (ten
# 28x28 maps in [-1, 1], one per digit: model/evidence.py) to every "digits"
# entry, and at the top level those of the one character, if there is exactly
# one (null otherwise). One model.core.budget.WorkBudget per request bounds what
# reading and explaining cost together: evidence takes coarser patches, or is
# null, when the reading has spent most of it.
EXPLAIN_KEY = "explain"
EXPLAIN_KEYS = ("input", "evidence")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Where create_app() keeps the classifier the routes read with.
CLASSIFIER_KEY = "digit_classifier"

api = flask.Blueprint("api", __name__)


def _classifier():
    return flask.current_app.extensions[CLASSIFIER_KEY]


# GET is routed here on purpose: Dash's catch-all GET route would otherwise
# answer these paths with the app's HTML page.
@api.route("/predict", methods=["GET", "POST"])
def form_predict():
    if flask.request.method != "POST":
        raise MethodNotAllowed(valid_methods=ALLOWED_METHODS[flask.request.path])
    if flask.request.mimetype not in FORM_TYPES:
        raise ClientError(
            415,
            "Content-Type must be application/x-www-form-urlencoded or "
            f"multipart/form-data, got {shown_type()}",
        )
    flask.request.form  # noqa: B018 (parsed here, so a cut-off body is found first)
    refuse_cut_off_body()
    data = _form_image()
    reading = number.read_image_number(_classifier(), data, budget=WorkBudget())
    if wants_html():
        return html_result(reading)
    return json_response(reading.to_json())


@api.route("/api/predict", methods=["GET", "POST"])
def api_predict():
    if flask.request.method != "POST":
        raise MethodNotAllowed(valid_methods=ALLOWED_METHODS[flask.request.path])
    body = check_drawing_fields(json_object_body(), optional={EXPLAIN_KEY: "optional"})
    classifier = _classifier()
    budget = WorkBudget()  # the whole request's: reading and evidence
    reading = read_drawing(classifier, body, budget)
    answer = reading.to_json()
    if body.get(EXPLAIN_KEY) is True:
        _add_explanations(classifier, reading, answer, budget)
    return json_response(answer)


@api.route("/healthz", methods=["GET"])
def healthz():
    # The classifier is loaded before the routes exist, so reaching this
    # view means the model is ready; a health check must stay cheap. It names
    # the model this worker serves (web/serving.py: the shipped file or the
    # store's promoted version).
    served = _classifier().served
    return json_response(
        {"status": "ok", "model": {"sha256": served.sha256, "version": served.version}}
    )


@api.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def api_not_found(rest: str):
    methods = allowed_methods(flask.request.path)
    if methods is not None:
        # A known route asked with a method this catch-all takes but it does not.
        raise MethodNotAllowed(valid_methods=methods)
    raise NotFound()


@api.before_app_request
def answer_options():
    """OPTIONS on an API route names that route's methods, as its 405s do; no
    CORS (the page and the API share one origin)."""
    request = flask.request
    if request.method != "OPTIONS" or not (
        request.path in ALLOWED_METHODS or request.path.startswith(JSON_PREFIX)
    ):
        return None
    methods = allowed_methods(request.path)
    if methods is None:
        raise NotFound()
    response = flask.Response(status=204)
    response.headers["Allow"] = allow_header(methods)
    return response


def _add_explanations(
    classifier, reading: number.NumberReading, answer: dict, budget: WorkBudget
) -> None:
    """Every character's 28x28 input and evidence maps in its "digits" entry;
    at the top level, the one character's (as before numbers were read), or
    null for an empty drawing or several characters. The evidence is what the
    request's `budget` still pays for (its maps null once it is spent)."""
    explained = [evidence.explain(classifier, c.prediction, budget) for c in reading.characters]
    for entry, explanation in zip(answer["digits"], explained, strict=True):
        entry.update(explanation)
    if len(explained) == 1:
        answer.update(explained[0])
    else:
        answer.update(dict.fromkeys(EXPLAIN_KEYS))


def _form_image() -> str | bytes:
    """The image from the form: a `digit` field holding a data URL, or a
    `digit` file upload holding the image bytes."""
    request = flask.request
    if FORM_FIELD in request.form:
        return request.form[FORM_FIELD]
    if FORM_FIELD in request.files:
        return request.files[FORM_FIELD].read()
    raise ClientError(
        400, f"missing form field '{FORM_FIELD}' (a data:image/png;base64,... data URL)"
    )


def read_drawing(
    classifier, body: dict[str, Any], budget: WorkBudget | None = None
) -> number.NumberReading:
    """The number in a body that check_drawing_fields passed: its image, or its
    canvas read at the given size, within `budget` (the request's; a new one when
    None). /api/predict and /api/corrections read with it."""
    budget = budget or WorkBudget()
    if "image" in body:
        return number.read_image_number(classifier, body["image"], budget=budget)
    return number.read_canvas_number(
        classifier, body["canvas"], body.get("width"), body.get("height"), budget=budget
    )


def json_object_body(expected: str = "with 'image' or 'canvas'") -> dict[str, Any]:
    """The request's JSON body, which must be an object (`expected` says what
    it holds, for the error message); raises ClientError."""
    request = flask.request
    if not request.is_json:
        raise ClientError(415, f"Content-Type must be application/json, got {shown_type()}")
    body = parse_json_body()
    if not isinstance(body, dict):
        raise ClientError(400, f"JSON body must be an object {expected}, got {kind(body)}")
    return body


def check_drawing_fields(body: dict[str, Any], optional: dict[str, str]) -> dict[str, Any]:
    """`body` if its drawing fields are what /api/predict takes ('image', or
    'canvas' with optional 'width' and 'height'); `optional` names the route's
    other keys, with how the error message describes them. Raises ClientError."""
    unknown = sorted(set(body) - set(JSON_KEYS) - set(SIZE_KEYS) - set(optional))
    if unknown:
        others = "".join(f"; {how} {key!r}" for key, how in optional.items())
        raise ClientError(
            400,
            f"unknown key(s) {', '.join(repr(k) for k in unknown)}; expected 'image', "
            f"or 'canvas' with optional 'width' and 'height'{others}",
        )
    if EXPLAIN_KEY in optional and not isinstance(body.get(EXPLAIN_KEY, False), bool):
        raise ClientError(400, f"'explain' must be true or false, got {kind(body[EXPLAIN_KEY])}")
    given = [key for key in JSON_KEYS if key in body]
    if not given:
        raise ClientError(400, "JSON body must have an 'image' or a 'canvas' key")
    if len(given) == 2:
        raise ClientError(400, "give either 'image' or 'canvas', not both")
    if "image" in body:
        if not isinstance(body["image"], str):
            raise ClientError(
                400,
                "'image' must be a string holding a data:image/png;base64,... data URL, "
                f"got {kind(body['image'])}",
            )
        sizes = [key for key in SIZE_KEYS if key in body]
        if sizes:
            raise ClientError(400, f"{', '.join(repr(k) for k in sizes)} only apply to 'canvas'")
        return body
    if not isinstance(body["canvas"], (str, dict)):
        raise ClientError(
            400,
            "'canvas' must be dash-canvas json_data, as a JSON string or an object, "
            f"got {kind(body['canvas'])}",
        )
    for key in SIZE_KEYS:
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ClientError(400, f"'{key}' must be a positive number, got {kind(value)}")
        if not _finite(value) or value <= 0:
            raise ClientError(
                400, f"'{key}' must be a positive finite number, got {_shown_number(value)}"
            )
    return body


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _shown_number(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:20]}... ({len(shown)} digits)"
