"""Reading dash-canvas drawings: fabric.js JSON in, validated polylines out.

dash-canvas sends its drawing as `json_data`, the fabric.js 1.7 canvas JSON:
free-hand strokes are `path` objects whose `path` is a list of SVG-like commands
(`["M", x, y]`, `["Q", cx, cy, x, y]`, `["L", x, y]`) in canvas coordinates.
This module turns that into a list of (n, 2) float arrays, one polyline per
stroke, and refuses anything malformed or beyond the stated limits with
`InvalidInput` / `InputTooLarge`.
"""

import math
from itertools import chain
from operator import itemgetter

import numpy as np

from model.core.errors import InputTooLarge, InvalidInput
from model.core.json_text import load_json

# Generous limits: a person drawing one digit makes a handful of strokes of a
# few hundred points each; these are orders of magnitude above that. The
# points bound what reading a drawing costs (20,000 take about 40 ms and 5 MB
# to parse); model/character/rasterize.py bounds what drawing it costs.
MAX_CANVAS_JSON_CHARS = 2_000_000
MAX_OBJECTS = 500
MAX_POINTS = 20_000
MAX_ABS_COORDINATE = 1e6

_COMMAND_ARITY = {"M": 2, "L": 2, "Q": 4}
_COMMAND_LENGTH = {letter: arity + 1 for letter, arity in _COMMAND_ARITY.items()}
_IGNORED_TYPES = {"image"}  # a background image is not ink
_first = itemgetter(0)
_numbers = itemgetter(slice(1, None))
_XY = np.arange(2)  # offsets of x and y from a point's first number


def parse_canvas(json_data) -> list[np.ndarray]:
    """Parse dash-canvas `json_data` (a JSON string or the parsed dict) into strokes.

    Returns one (n, 2) float64 array of (x, y) canvas points per stroke. An empty
    string, `None` or a canvas without objects gives an empty list.
    """
    data = _load(json_data)
    if data is None:
        return []
    if not isinstance(data, dict):
        raise InvalidInput("canvas data must be a JSON object with an 'objects' list")
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise InvalidInput("canvas 'objects' must be a list")
    if len(objects) > MAX_OBJECTS:
        raise InputTooLarge(f"canvas has {len(objects)} objects; the limit is {MAX_OBJECTS}")

    strokes = []  # polylines, or the index of a path object still to flatten
    paths = []  # (object index, its commands) for every path object
    total_points = 0
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise InvalidInput(f"canvas object {index} is not an object")
        kind = obj.get("type")
        if not isinstance(kind, str):  # a list or an object is not hashable, nor a type
            raise InvalidInput(f"canvas object {index} has unsupported type {kind!r:.40}")
        if kind in _IGNORED_TYPES:
            continue
        if kind == "path":
            commands = obj.get("path")
            if not isinstance(commands, list):
                raise InvalidInput(f"canvas object {index}: 'path' must be a list of commands")
            total_points += len(commands)
            if total_points > MAX_POINTS:
                raise InputTooLarge(f"canvas has more than {MAX_POINTS} path points")
            if commands:
                strokes.append(len(paths))
                paths.append((index, commands))
        elif kind == "line":
            strokes.append(_line_to_polyline(obj, index))
        else:
            raise InvalidInput(f"canvas object {index} has unsupported type {kind!r}")
    polylines = _paths_to_polylines(paths)
    return [polylines[item] if isinstance(item, int) else item for item in strokes]


def _load(json_data):
    if json_data is None:
        return None
    if isinstance(json_data, (dict, list)):
        return json_data
    if isinstance(json_data, bytes):
        try:
            json_data = json_data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput("canvas data is not UTF-8 text") from error
    if not isinstance(json_data, str):
        raise InvalidInput("canvas data must be a JSON string or object")
    if len(json_data) > MAX_CANVAS_JSON_CHARS:
        raise InputTooLarge(
            f"canvas data is {len(json_data)} characters; the limit is {MAX_CANVAS_JSON_CHARS}"
        )
    if not json_data.strip():
        return None
    return load_json(json_data, "canvas data")


def _number(value, where) -> float:
    # bool is an int subclass; true/false as a coordinate is a client bug.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{where}: expected a number, got {value!r:.40}")
    try:
        number = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        number = math.inf
    if not math.isfinite(number) or abs(number) > MAX_ABS_COORDINATE:
        raise InvalidInput(f"{where}: coordinate {number} is not a finite canvas coordinate")
    return number


def _paths_to_polylines(paths) -> list[np.ndarray]:
    """Every path's commands validated in one pass and flattened to polylines;
    when the pass finds a fault, the paths are walked one by one to name it."""
    if not paths:
        return []
    every_command = list(chain.from_iterable(commands for _, commands in paths))
    found = _pen_points(every_command, [len(commands) for _, commands in paths])
    if found is None:
        for index, commands in paths:
            _check_commands(commands, index)
        raise InvalidInput("canvas data has a malformed path")  # not reached: one check raises
    points, ends = found
    return np.split(points, ends[:-1])


def _pen_points(commands: list, path_lengths: list[int]) -> tuple[np.ndarray, np.ndarray] | None:
    """The pen's points along the paths (`path_lengths` commands each, one after
    another) and the index one past each path's last point, or None if any
    command is malformed.

    fabric's pencil writes the pointer samples p0..pn as `M p0`, `Q p0 m01`,
    `Q p1 m12`, ..., `L pn` (m01 the midpoint of p0 and p1): a Q's control
    point is a sample, its end point only a midpoint. So the polyline takes the
    first point of every command (M's and L's point, Q's control point): the
    samples, as training draws them. Through the midpoints it would cut every
    corner, unseen in a dense mouse stroke but turning a 7 into a 2 when the
    samples are sparse (a fast stroke, a touch screen, a pen sampled every
    100 ms). A path ending in a Q (fabric's end in an L) ends at that Q's end
    point; a point equal to the one before it (fabric's first Q repeats p0) is
    dropped.

    A drawing has hundreds of commands, so the checks run as C-level maps over
    all of them at once."""
    if set(map(type, commands)) != {list}:
        return None
    lengths = list(map(len, commands))
    if 0 in lengths:
        return None
    letters = list(map(_first, commands))
    if set(map(type, letters)) != {str} or list(map(_COMMAND_LENGTH.get, letters)) != lengths:
        return None
    values = list(chain.from_iterable(map(_numbers, commands)))
    if not set(map(type, values)) <= {int, float}:  # bool, str, None... are refused
        return None
    try:
        flat = np.array(values, dtype=np.float64)
    except OverflowError:  # a JSON integer with hundreds of digits
        return None
    if not (np.isfinite(flat).all() and np.abs(flat).max() <= MAX_ABS_COORDINATE):
        return None
    sizes = np.array(lengths) - 1  # each command's count of numbers
    first = np.cumsum(sizes) - sizes  # each command's first number in `flat`
    points = flat[first[:, np.newaxis] + _XY]
    counts = np.array(path_lengths)
    last = np.cumsum(counts) - 1  # each path's last point in `points`
    ends_in_q = sizes[last] == _COMMAND_ARITY["Q"]
    if ends_in_q.any():
        final_q = last[ends_in_q]
        points = np.insert(points, final_q + 1, flat[first[final_q, np.newaxis] + 2 + _XY], axis=0)
        last = np.cumsum(counts + ends_in_q) - 1
    repeats = (points[1:] == points[:-1]).all(axis=1)
    repeats[last[:-1]] = False  # a path's first point is never a repeat of the last path's
    kept = np.concatenate([[True], ~repeats])
    return points[kept], np.cumsum(kept)[last]


def _check_commands(commands, index) -> None:
    """Raise the error naming the first bad command of a path, found the slow, clear way."""
    for position, command in enumerate(commands):
        where = f"canvas object {index}, path command {position}"
        if not isinstance(command, list) or not command or not isinstance(command[0], str):
            raise InvalidInput(f"{where}: expected a list like ['L', x, y], got {command!r:.40}")
        letter = command[0]
        arity = _COMMAND_ARITY.get(letter)
        if arity is None:
            raise InvalidInput(f"{where}: unsupported command {letter!r:.10}")
        if len(command) != arity + 1:
            raise InvalidInput(f"{where}: {letter!r} takes {arity} numbers, got {len(command) - 1}")
        for value in command[1:]:
            _number(value, where)  # raises with the value named


def _line_to_polyline(obj, index) -> np.ndarray:
    where = f"canvas object {index} (line)"
    ends = [_number(obj.get(key), where) for key in ("x1", "y1", "x2", "y2")]
    left, top = _number(obj.get("left", 0), where), _number(obj.get("top", 0), where)
    width, height = _number(obj.get("width", 0), where), _number(obj.get("height", 0), where)
    # fabric stores a line's ends relative to its centre.
    centre = np.array([left + width / 2, top + height / 2])
    return np.array([ends[0:2], ends[2:4]], dtype=np.float64) + centre
