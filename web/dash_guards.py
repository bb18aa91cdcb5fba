"""Dash's own routes under the API's rules (registered by web.create_app).

A callback request (POST /_dash-update-component) is checked against the
callbacks the app has, in the shape dash-renderer sends, before Dash reads
it, and any other method on that path is a 405 (Dash's catch-all page route
would answer a GET with the page's HTML); an unknown component-suite file is
a 404 rather than Dash's exception; Dash's hot-reload route, which lists the
installed packages, answers only in debug mode. Their errors are JSON, as the
API's are (web/errors.py).
"""

import flask
from dash._utils import split_callback_id
from dash.fingerprint import check_fingerprint
from werkzeug.exceptions import MethodNotAllowed, NotFound

from web.errors import ClientError
from web.paths import DASH_CALLBACK_PATH, DASH_RELOAD_PATH, DASH_SUITES_PREFIX, allow_header
from web.request_body import kind, parse_json_body, shown_type

CALLBACK_METHODS = ("POST",)


def register_dash_guards(dash_app) -> None:
    """Check requests to Dash's own routes before Dash sees them (see the module doc)."""

    def guard():
        path = flask.request.path
        if path == DASH_CALLBACK_PATH:
            method = flask.request.method
            if method == "OPTIONS":  # the methods its 405 names, not the page route's
                response = flask.Response(status=204)
                response.headers["Allow"] = allow_header(CALLBACK_METHODS)
                return response
            if method not in CALLBACK_METHODS:
                raise MethodNotAllowed(valid_methods=CALLBACK_METHODS)
            _check_callback_request(dash_app)
        elif path.startswith(DASH_SUITES_PREFIX):
            _check_suite_path(dash_app, path[len(DASH_SUITES_PREFIX) :])
        elif path == DASH_RELOAD_PATH and not dash_app._dev_tools.get("hot_reload"):
            raise NotFound()  # it lists the installed packages; only debug mode needs it
        return None

    dash_app.server.before_request(guard)


def _check_callback_request(dash_app) -> None:
    """Refuse a /_dash-update-component body that is not a call of one of the
    app's callbacks, in the shape dash-renderer sends, before Dash reads it."""
    if not flask.request.is_json:
        raise ClientError(415, f"Content-Type must be application/json, got {shown_type()}")
    body = parse_json_body(keep=True)  # Dash reads it again
    if not isinstance(body, dict):
        raise ClientError(400, f"callback request must be a JSON object, got {kind(body)}")
    output = body.get("output")
    if not isinstance(output, str):
        raise ClientError(400, f"callback request needs 'output' as a string, got {kind(output)}")
    spec = dash_app.callback_map.get(output)
    if spec is None or "callback" not in spec:  # clientside callbacks run in the browser
        raise ClientError(404, f"no server-side callback has the output {output[:80]!r}")
    expected_outputs = split_callback_id(output)
    if isinstance(expected_outputs, dict):
        expected_outputs = [expected_outputs]
    outputs = body.get("outputs")
    if isinstance(outputs, dict):
        outputs = [outputs]
    # A prop whose value is undefined in the browser comes without "value".
    _check_props("outputs", outputs, expected_outputs)
    _check_props("inputs", body.get("inputs"), spec.get("inputs", []))
    _check_props("state", body.get("state", []), spec.get("state", []))
    changed = body.get("changedPropIds", [])
    known = {f"{item['id']}.{item['property']}" for item in spec.get("inputs", [])}
    # An item may be any JSON value (a list, an object): only strings can name an input.
    if not isinstance(changed, list) or not all(
        isinstance(item, str) and item in known for item in changed
    ):
        raise ClientError(
            400, "callback request 'changedPropIds' must list some of this callback's inputs"
        )


def _check_props(key: str, given, expected: list) -> None:
    names = [f"{item['id']}.{item['property']}" for item in expected]
    shape = f"{len(expected)} objects with 'id' and 'property' ({', '.join(names)})"
    if not isinstance(given, list) or len(given) != len(expected):
        raise ClientError(400, f"callback request '{key}' must be a list of {shape}")
    for item, want in zip(given, expected, strict=True):
        if (
            not isinstance(item, dict)
            or item.get("id") != want["id"]
            or item.get("property") != want["property"]
        ):
            raise ClientError(400, f"callback request '{key}' must be a list of {shape}")


def _check_suite_path(dash_app, rest: str) -> None:
    """A component-suite file Dash does not serve is a 404, not its exception."""
    package, _, fingerprinted = rest.partition("/")
    path, _ = check_fingerprint(fingerprinted)
    if path not in dash_app.registered_paths.get(package, ()):
        raise NotFound()
