"""Strict JSON from a client, at a cost bounded by its size: the one loader for
request bodies (web/request_body.py) and canvas strings (model/inputs/canvas.py).

Commas, colons, brackets and braces are counted before parsing: 2 MB of "[],"
would parse into 40 MB of lists, 9 MB into 200 MB. A drawing at the canvas
point limit, sent as the page's callback sends it, has about 150,000.
NaN and Infinity are refused: they are not JSON, and not numbers a drawing has.
"""

import json

import orjson

from model.core.errors import InputTooLarge, InvalidInput

MAX_JSON_VALUES = 250_000
_VALUE_MARKS = (",", ":", "[", "{")
_VALUE_BYTES = tuple(mark.encode() for mark in _VALUE_MARKS)


def load_json(text: str | bytes, what: str):
    """`text` parsed as strict JSON; `what` names it in the errors (InvalidInput,
    or InputTooLarge beyond MAX_JSON_VALUES)."""
    # Text shorter than the limit cannot hold more values than it has characters.
    if len(text) > MAX_JSON_VALUES:
        marks = _VALUE_BYTES if isinstance(text, bytes) else _VALUE_MARKS
        values = sum(map(text.count, marks))
        if values > MAX_JSON_VALUES:
            raise InputTooLarge(
                f"{what} has about {values} JSON values; the limit is {MAX_JSON_VALUES}"
            )
    try:
        return orjson.loads(text)  # a fraction of json's time on a drawing's numbers
    except orjson.JSONDecodeError:
        pass
    # What orjson refuses, the standard parser decides, slower: it names the fault
    # best and reads what the callers' checks explain better (integers too large
    # for a float, lone surrogates).
    try:
        return json.loads(text, parse_constant=lambda name: _refuse_constant(name, what))
    except RecursionError:
        raise InvalidInput(f"{what} is not valid JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both are
        if isinstance(error, InvalidInput):
            raise
        raise InvalidInput(f"{what} is not valid JSON: {error}") from None


def _refuse_constant(name: str, what: str):
    raise InvalidInput(f"{what} contains {name}, which is not a number")
