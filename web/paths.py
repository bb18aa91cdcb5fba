"""The server's paths and the methods each takes: the API's routes, Dash's own
routes, and which of them answer their errors as JSON.

The API's routes and any other path under /api/ answer errors as JSON, and so
do Dash's own routes (callbacks, layout, component suites, reload hash); the
page and /assets/ keep Flask's default error pages.
"""

import re

# The methods each API route takes (web/api.py, web/corrections_api.py, web/models_api.py).
ALLOWED_METHODS = {
    "/predict": ("POST",),
    "/api/predict": ("POST",),
    "/healthz": ("GET",),
    "/api/corrections": ("POST",),
    "/api/corrections/export": ("GET",),
    "/api/models": ("GET",),
}
# Routes with a correction's id in them; an id is URL-safe base64 (corrections/tokens.py).
PATTERN_METHODS = (
    (re.compile(r"/api/corrections/[A-Za-z0-9_-]{1,64}/review"), ("POST",)),
    (re.compile(r"/api/corrections/[A-Za-z0-9_-]{1,64}"), ("DELETE",)),
    (re.compile(r"/api/models/[A-Za-z0-9_-]{1,64}/promote"), ("POST",)),
)
JSON_PREFIX = "/api/"
DASH_PREFIX = "/_dash-"
DASH_CALLBACK_PATH = "/_dash-update-component"
DASH_SUITES_PREFIX = "/_dash-component-suites/"
DASH_RELOAD_PATH = "/_reload-hash"


def allowed_methods(path: str) -> tuple[str, ...] | None:
    """The methods the API route at `path` takes; None when no route is there."""
    methods = ALLOWED_METHODS.get(path)
    if methods is not None:
        return methods
    for pattern, methods in PATTERN_METHODS:
        if pattern.fullmatch(path):
            return methods
    return None


def answers_json(path: str) -> bool:
    """Whether errors on `path` are answered as JSON (see the module doc)."""
    return (
        path in ALLOWED_METHODS
        or path.startswith((JSON_PREFIX, DASH_PREFIX))
        or path == DASH_RELOAD_PATH
    )


def allow_header(methods) -> str:
    """The methods a route answers: its own, HEAD with GET, and OPTIONS."""
    methods = [m for m in methods if m not in ("HEAD", "OPTIONS")]
    if "GET" in methods:
        methods.append("HEAD")
    return ", ".join([*methods, "OPTIONS"])
