"""Reading a request's body, and naming what a client sent, for the API
(web/api.py) and Dash's route guards (web/dash_guards.py)."""

from typing import Any

import flask

from model.core.json_text import load_json


def parse_json_body(keep: bool = False) -> Any:
    """The request body parsed as strict JSON (model/core/json_text.py); raises
    InvalidInput. With `keep`, the body stays readable for a later reader."""
    raw = flask.request.get_data(cache=keep)
    refuse_cut_off_body()
    return load_json(raw, "request body")


def refuse_cut_off_body() -> None:
    """A body sent without Content-Length (chunked) is read up to the limit and
    no further; if more was coming, the request is too large, not malformed."""
    if flask.request.content_length is None:
        flask.request.stream.read(1)  # raises RequestEntityTooLarge at the limit


def kind(value: Any) -> str:
    """What a JSON value is, in words, for an error message."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def shown_type() -> str:
    """The request's Content-Type, quoted for an error message."""
    return repr(flask.request.content_type) if flask.request.content_type else "none"
