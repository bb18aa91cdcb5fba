"""What every answer looks like: JSON bodies as flask.jsonify writes them,
never cached, and the security headers every response carries."""

import flask
import orjson

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


def json_response(payload: dict, status: int = 200) -> flask.Response:
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


def wants_html() -> bool:
    """True when the client ranks text/html above JSON (a browser's form post)."""
    accept = flask.request.accept_mimetypes
    return accept["text/html"] > accept["application/json"]


def add_security_headers(response: flask.Response) -> flask.Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
