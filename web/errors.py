"""Every error the server answers, mapped to its HTTP status here.

The reader's exceptions (model/core/errors.py) carry no status: READER_STATUS
maps them (a refused size is 413, any other unreadable input 400). A request
the web layer itself refuses raises ClientError with its status. On the paths
that answer JSON (web/paths.py) an error is {"error": ...}; the form route
answers a browser that asked for HTML with a page (web/html_answers.py); every
other path keeps Flask's default error pages. No traceback reaches a client.
"""

import html

import flask
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)

from model.core.errors import InputTooLarge, InvalidInput
from web.html_answers import html_page
from web.paths import ALLOWED_METHODS, allow_header, answers_json
from web.responses import json_response, wants_html

# The most specific first: InputTooLarge is an InvalidInput.
READER_STATUS = ((InputTooLarge, 413), (InvalidInput, 400))


class ClientError(Exception):
    """A request the web layer itself refuses, before any preprocessing."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def reader_status(exc: InvalidInput) -> int:
    """The HTTP status of one of the reader's exceptions."""
    return next(status for kind, status in READER_STATUS if isinstance(exc, kind))


def register_error_handlers(server: flask.Flask) -> None:
    server.register_error_handler(ClientError, _client_error)
    server.register_error_handler(InvalidInput, _invalid_input)
    server.register_error_handler(HTTPException, _http_error)


def error_response(status: int, message: str) -> flask.Response:
    if flask.request.path == "/predict" and wants_html():
        return html_page(status, "Cannot read this drawing", f"<p>{html.escape(message)}</p>")
    return json_response({"error": message}, status)


def _client_error(exc: ClientError) -> flask.Response:
    response = error_response(exc.status_code, exc.message)
    if exc.status_code == 503:
        response.headers["Retry-After"] = "1"
    return response


def _invalid_input(exc: InvalidInput) -> flask.Response:
    return error_response(reader_status(exc), str(exc) or "the input cannot be read as a drawing")


def _http_error(exc: HTTPException):
    path = flask.request.path
    if not answers_json(path):
        return exc
    if isinstance(exc, InternalServerError):
        # Flask has already logged the traceback; the client gets none of it.
        return error_response(500, "internal server error")
    status = exc.code or 500
    if isinstance(exc, RequestEntityTooLarge):
        limit = flask.current_app.config["MAX_CONTENT_LENGTH"]
        message = f"request body is larger than the {limit}-byte limit"
    elif isinstance(exc, ClientDisconnected):
        status, message = 408, "the request body did not arrive in full"
    elif isinstance(exc, MethodNotAllowed):
        allowed = ", ".join(ALLOWED_METHODS.get(path, exc.valid_methods or ()))
        message = f"method {flask.request.method} is not allowed on {path}; use {allowed}"
    elif isinstance(exc, NotFound):
        message = f"no such route: {path}"
    else:
        message = exc.description or exc.name
    response = error_response(status, message)
    if isinstance(exc, MethodNotAllowed):
        methods = ALLOWED_METHODS.get(path) or tuple(exc.valid_methods or ())
        response.headers["Allow"] = allow_header(methods)
    return response
