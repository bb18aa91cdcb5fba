"""The HTTP API on the Dash app's Flask server.

Owns the routes outside Dash (POST /predict, the classic exercise's form post;
POST /api/predict, the JSON API; GET /healthz), the request body limit, the
mapping of every client mistake to a 4xx JSON {"error": ...} answer, and the
security headers on every response. The reading itself is model.numbers.number's: a
drawing is read as a number, left to right, and a drawing of one character
answers exactly what it answered when the API read single digits. The form
route's HTML pages are html_answers.py's; dash_guards.py puts Dash's own routes
under the same rules, with the request helpers this module exports
(`ClientError`, `parse_json_body`, `kind`, `shown_type`).
"""

import html
import logging
import math
import threading
from typing import Any

import flask
import orjson
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)

from model import evidence
from model.character import preprocess
from model.core.errors import InputTooLarge, InvalidInput
from model.core.json_text import load_json
from model.numbers import number
from web.html_answers import html_page, html_result

logger = logging.getLogger(__name__)

# The body carries one data URL (percent-encoding in a form post adds about
# 6%) or one canvas JSON string, which may arrive escaped inside a JSON string
# (every quote doubles); with room for the envelope, never short for honest input.
MAX_BODY_BYTES = (
    max(preprocess.MAX_DATA_URL_CHARS * 9 // 8, 2 * preprocess.MAX_CANVAS_JSON_CHARS) + 16_384
)

# A request whose body is larger than this (a big image, a long drawing; a
# drawing from the pad is 10 to 60 kB) waits for one of LARGE_REQUEST_SLOTS per
# process before its body is read, so that many slow uploads at once cannot
# hold many bodies in memory; the work is one request at a time anyway (the
# GIL). After LARGE_REQUEST_WAIT_S it is answered 503 with Retry-After.
LARGE_BODY_BYTES = 256 * 1024
LARGE_REQUEST_SLOTS = 1
LARGE_REQUEST_WAIT_S = 10

FORM_FIELD = "digit"
JSON_KEYS = ("image", "canvas")
SIZE_KEYS = ("width", "height")
# `"explain": true` adds "input" (the 28x28 the network saw) and "evidence" (ten
# 28x28 maps in [-1, 1], one per digit: model/evidence.py) to every "digits"
# entry, and at the top level those of the one character, if there is exactly
# one (null otherwise). At most model.numbers.number.MAX_CHARACTERS characters, each at
# most 50 model calls, bound what one request costs.
EXPLAIN_KEY = "explain"
EXPLAIN_KEYS = ("input", "evidence")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# The methods each route takes. Their errors, and those of any other path under
# /api/, are answered as JSON; every other path is Dash's and keeps Flask's
# default error pages.
ALLOWED_METHODS = {"/predict": ("POST",), "/api/predict": ("POST",), "/healthz": ("GET",)}
JSON_PREFIX = "/api/"
# Dash's own routes (callbacks, layout, component suites, reload hash) answer
# their errors as JSON too; the page and /assets/ keep Flask's pages.
DASH_PREFIX = "/_dash-"
DASH_CALLBACK_PATH = "/_dash-update-component"
DASH_SUITES_PREFIX = "/_dash-component-suites/"
DASH_RELOAD_PATH = "/_reload-hash"

# Only directives that cannot break Dash's inline scripts and styles: framing,
# plugins, base URL hijacking and form targets.
CONTENT_SECURITY_POLICY = (
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def register_api(server: flask.Flask, classifier) -> None:
    """Register the API routes, error handlers, body limit and headers on `server`."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # A data URL in a urlencoded form is one in-memory field; Flask's 500 kB
    # default would refuse legitimate drawings that the body limit allows.
    server.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY_BYTES

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
        _refuse_cut_off_body()
        data = _form_image()
        reading = number.read_image_number(classifier, data)
        if _wants_html():
            return html_result(reading)
        return _json_response(reading.to_json())

    def api_predict():
        if flask.request.method != "POST":
            raise MethodNotAllowed(valid_methods=ALLOWED_METHODS[flask.request.path])
        body = _json_body()
        if "image" in body:
            reading = number.read_image_number(classifier, body["image"])
        else:
            reading = number.read_canvas_number(
                classifier, body["canvas"], body.get("width"), body.get("height")
            )
        answer = reading.to_json()
        if body.get(EXPLAIN_KEY) is True:
            _add_explanations(classifier, reading, answer)
        return _json_response(answer)

    def healthz():
        # The classifier is loaded before the routes exist, so reaching this
        # view means the model is ready; a health check must stay cheap.
        return _json_response({"status": "ok"})

    def api_not_found(rest: str):
        if flask.request.path in ALLOWED_METHODS:
            # A known route asked with a method this catch-all takes but it does not.
            raise MethodNotAllowed(valid_methods=ALLOWED_METHODS[flask.request.path])
        raise NotFound()

    # GET is routed here on purpose: Dash's catch-all GET route would
    # otherwise answer these paths with the app's HTML page.
    server.add_url_rule("/predict", "api_form_predict", form_predict, methods=["GET", "POST"])
    server.add_url_rule("/api/predict", "api_predict", api_predict, methods=["GET", "POST"])
    server.add_url_rule("/healthz", "api_healthz", healthz, methods=["GET"])
    server.add_url_rule(
        "/api/<path:rest>",
        "api_not_found",
        api_not_found,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    )

    server.register_error_handler(ClientError, _client_error)
    server.register_error_handler(InvalidInput, _invalid_input)
    server.register_error_handler(HTTPException, _http_error)
    server.before_request(_answer_options)
    slots = threading.BoundedSemaphore(LARGE_REQUEST_SLOTS)

    def take_a_slot_for_a_large_body():
        request = flask.request
        length = request.content_length
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if not (chunked or (length or 0) > LARGE_BODY_BYTES):
            return
        if not slots.acquire(timeout=LARGE_REQUEST_WAIT_S):
            raise ClientError(503, "the server is busy with other large requests; try again")
        flask.g.large_request_slot = True

    def give_the_slot_back(_exc):
        if flask.g.pop("large_request_slot", False):
            slots.release()

    server.before_request(take_a_slot_for_a_large_body)
    server.teardown_request(give_the_slot_back)
    server.after_request(_add_security_headers)


def _add_explanations(classifier, reading: number.NumberReading, answer: dict) -> None:
    """Every character's 28x28 input and evidence maps in its "digits" entry;
    at the top level, the one character's (as before numbers were read), or
    null for an empty drawing or several characters."""
    explained = [evidence.explain(classifier, c.prediction) for c in reading.characters]
    for entry, explanation in zip(answer["digits"], explained, strict=True):
        entry.update(explanation)
    if len(explained) == 1:
        answer.update(explained[0])
    else:
        answer.update(dict.fromkeys(EXPLAIN_KEYS))


class ClientError(Exception):
    """A request the API layer itself refuses, before any preprocessing."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


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


def _json_body() -> dict[str, Any]:
    """The JSON body of /api/predict, checked for shape; raises ClientError."""
    request = flask.request
    if not request.is_json:
        raise ClientError(415, f"Content-Type must be application/json, got {shown_type()}")
    body = parse_json_body()
    if not isinstance(body, dict):
        raise ClientError(
            400, f"JSON body must be an object with 'image' or 'canvas', got {kind(body)}"
        )
    unknown = sorted(set(body) - set(JSON_KEYS) - set(SIZE_KEYS) - {EXPLAIN_KEY})
    if unknown:
        raise ClientError(
            400,
            f"unknown key(s) {', '.join(repr(k) for k in unknown)}; expected 'image', "
            "or 'canvas' with optional 'width' and 'height'; optional 'explain'",
        )
    if not isinstance(body.get(EXPLAIN_KEY, False), bool):
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


def parse_json_body(keep: bool = False) -> Any:
    """The request body parsed as strict JSON (model/core/json_text.py); raises
    InvalidInput. With `keep`, the body stays readable for a later reader."""
    raw = flask.request.get_data(cache=keep)
    _refuse_cut_off_body()
    return load_json(raw, "request body")


def _refuse_cut_off_body() -> None:
    """A body sent without Content-Length (chunked) is read up to the limit and
    no further; if more was coming, the request is too large, not malformed."""
    if flask.request.content_length is None:
        flask.request.stream.read(1)  # raises RequestEntityTooLarge at the limit


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _shown_number(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:20]}... ({len(shown)} digits)"


def kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def shown_type() -> str:
    return repr(flask.request.content_type) if flask.request.content_type else "none"


def _wants_html() -> bool:
    """True when the client ranks text/html above JSON (a browser's form post)."""
    accept = flask.request.accept_mimetypes
    return accept["text/html"] > accept["application/json"]


def _json_response(payload: dict, status: int = 200) -> flask.Response:
    # What flask.jsonify writes (keys sorted, compact, a final newline; other
    # than ASCII as UTF-8, not \u escapes) in a tenth of its time: a number's
    # answer is a list of floats per character.
    try:
        body = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        # orjson refuses text that is not UTF-8 (a lone surrogate a client sent,
        # quoted in an error); the standard encoder escapes it.
        body = flask.json.dumps(payload) + "\n"
    response = flask.Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_response(status: int, message: str) -> flask.Response:
    if flask.request.path == "/predict" and _wants_html():
        return html_page(status, "Cannot read this drawing", f"<p>{html.escape(message)}</p>")
    return _json_response({"error": message}, status)


def _client_error(exc: ClientError) -> flask.Response:
    response = _error_response(exc.status_code, exc.message)
    if exc.status_code == 503:
        response.headers["Retry-After"] = "1"
    return response


def _invalid_input(exc: InvalidInput) -> flask.Response:
    status = exc.status_code if 400 <= exc.status_code < 500 else InputTooLarge.status_code
    return _error_response(status, str(exc) or "the input cannot be read as a drawing")


def _http_error(exc: HTTPException):
    path = flask.request.path
    if not _answers_json(path):
        return exc
    if isinstance(exc, InternalServerError):
        # Flask has already logged the traceback; the client gets none of it.
        return _error_response(500, "internal server error")
    status = exc.code or 500
    if isinstance(exc, RequestEntityTooLarge):
        message = f"request body is larger than the {MAX_BODY_BYTES}-byte limit"
    elif isinstance(exc, ClientDisconnected):
        status, message = 408, "the request body did not arrive in full"
    elif isinstance(exc, MethodNotAllowed):
        allowed = ", ".join(ALLOWED_METHODS.get(path, exc.valid_methods or ()))
        message = f"method {flask.request.method} is not allowed on {path}; use {allowed}"
    elif isinstance(exc, NotFound):
        message = f"no such route: {path}"
    else:
        message = exc.description or exc.name
    response = _error_response(status, message)
    if isinstance(exc, MethodNotAllowed):
        methods = ALLOWED_METHODS.get(path) or tuple(exc.valid_methods or ())
        response.headers["Allow"] = _allow_header(methods)
    return response


def _answers_json(path: str) -> bool:
    return (
        path in ALLOWED_METHODS
        or path.startswith((JSON_PREFIX, DASH_PREFIX))
        or path == DASH_RELOAD_PATH
    )


def _allow_header(methods) -> str:
    """The methods a route answers: its own, HEAD with GET, and OPTIONS."""
    methods = [m for m in methods if m not in ("HEAD", "OPTIONS")]
    if "GET" in methods:
        methods.append("HEAD")
    return ", ".join([*methods, "OPTIONS"])


def _answer_options():
    """OPTIONS on an API route names that route's methods, as its 405s do; no
    CORS (the page and the API share one origin)."""
    request = flask.request
    if request.method != "OPTIONS" or not (
        request.path in ALLOWED_METHODS or request.path.startswith(JSON_PREFIX)
    ):
        return None
    methods = ALLOWED_METHODS.get(request.path)
    if methods is None:
        raise NotFound()
    response = flask.Response(status=204)
    response.headers["Allow"] = _allow_header(methods)
    return response


def _add_security_headers(response: flask.Response) -> flask.Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
