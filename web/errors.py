"""Every error the server answers, mapped to its HTTP status here.

The reader's exceptions (model/core/errors.py) carry no status: READER_STATUS
maps them (a refused size is 413, any other unreadable input 400), and
STORE_STATUS maps the corrections store's (corrections/errors.py): a bad
correction 400, too many from one client 429 with Retry-After, a database that
is down or corrections turned off 503 with Retry-After. A request
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

from corrections.errors import (
    CorrectionsDisabled,
    CorrectionsError,
    InvalidCorrection,
    RateLimited,
    StoreUnavailable,
)
from model.core.errors import InputTooLarge, InvalidInput
from web.html_answers import html_page
from web.paths import allow_header, allowed_methods, answers_json
from web.responses import json_response, wants_html

# The most specific first: InputTooLarge is an InvalidInput.
READER_STATUS = ((InputTooLarge, 413), (InvalidInput, 400))
STORE_STATUS = (
    (InvalidCorrection, 400),
    (RateLimited, 429),
    (StoreUnavailable, 503),
    (CorrectionsDisabled, 503),
)
UNAVAILABLE_MESSAGE = "the corrections database is unavailable"
# Seconds a client waits before trying again when the database is down.
STORE_RETRY_AFTER_S = 5


class ClientError(Exception):
    """A request the web layer itself refuses, before any preprocessing."""

    def __init__(self, status_code: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})


def reader_status(exc: InvalidInput) -> int:
    """The HTTP status of one of the reader's exceptions."""
    return next(status for kind, status in READER_STATUS if isinstance(exc, kind))


def refusals() -> tuple[type[Exception], ...]:
    """The exceptions that are a refused request (status_and_message maps them)."""
    return (ClientError, InvalidInput, *(kind for kind, _status in STORE_STATUS))


def store_status(exc: CorrectionsError) -> int:
    """The HTTP status of one of the corrections store's exceptions."""
    return next((status for kind, status in STORE_STATUS if isinstance(exc, kind)), 500)


def retry_after(exc: CorrectionsError) -> int | None:
    """Seconds to send in Retry-After with a store error's answer, if any."""
    if isinstance(exc, RateLimited):
        return exc.retry_after_s
    if isinstance(exc, StoreUnavailable):
        return STORE_RETRY_AFTER_S
    return None


def status_and_message(exc: Exception) -> tuple[int, str] | None:
    """The status and message a refused request gets for `exc` (ClientError, the
    reader's or the store's exceptions); None for anything else (a bug: 500)."""
    if isinstance(exc, ClientError):
        return exc.status_code, exc.message
    if isinstance(exc, InvalidInput):
        return reader_status(exc), str(exc) or "the input cannot be read as a drawing"
    if isinstance(exc, tuple(kind for kind, _status in STORE_STATUS)):
        return store_status(exc), store_message(exc)
    return None


def store_message(exc: CorrectionsError) -> str:
    """What the client reads for a store error: a database that is down is named
    as such, without its address or the driver's words (those go to the log)."""
    if isinstance(exc, StoreUnavailable):
        return f"{UNAVAILABLE_MESSAGE}; try again in a few seconds"
    return str(exc)


def register_error_handlers(server: flask.Flask) -> None:
    server.register_error_handler(ClientError, _client_error)
    server.register_error_handler(InvalidInput, _invalid_input)
    for kind, _status in STORE_STATUS:
        server.register_error_handler(kind, _store_error)
    server.register_error_handler(HTTPException, _http_error)


# The owner's pages (web/pages.py) answer their errors as pages too.
REVIEW_PREFIX = "/review"


def error_response(status: int, message: str) -> flask.Response:
    path = flask.request.path
    if path == "/predict" and wants_html():
        return html_page(status, "Cannot read this drawing", f"<p>{html.escape(message)}</p>")
    if path == REVIEW_PREFIX or path.startswith(REVIEW_PREFIX + "/"):
        return html_page(status, "Corrections", f"<p>{html.escape(message)}</p>")
    return json_response({"error": message}, status)


def _client_error(exc: ClientError) -> flask.Response:
    response = error_response(exc.status_code, exc.message)
    if exc.status_code == 503:
        response.headers["Retry-After"] = "1"
    response.headers.update(exc.headers)
    return response


def _invalid_input(exc: InvalidInput) -> flask.Response:
    return error_response(reader_status(exc), str(exc) or "the input cannot be read as a drawing")


def _store_error(exc: CorrectionsError) -> flask.Response:
    if isinstance(exc, StoreUnavailable):
        # The cause is for the log; the client learns only that it may retry.
        flask.current_app.logger.warning("%s", exc)
    response = error_response(store_status(exc), store_message(exc))
    wait = retry_after(exc)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


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
        allowed = ", ".join(allowed_methods(path) or exc.valid_methods or ())
        message = f"method {flask.request.method} is not allowed on {path}; use {allowed}"
    elif isinstance(exc, NotFound):
        message = f"no such route: {path}"
    else:
        message = exc.description or exc.name
    response = error_response(status, message)
    if isinstance(exc, MethodNotAllowed):
        methods = allowed_methods(path) or tuple(exc.valid_methods or ())
        response.headers["Allow"] = allow_header(methods)
    return response
