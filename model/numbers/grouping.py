"""Which pieces of ink belong to one character: the same rules for strokes
(a drawing) and connected components (an image).

People write a number left to right and start a new character beside the last
one, so pieces go together by where they lie across: a piece joins a
character when its middle lies within the character's columns, the
character's middle within the piece's, the two share at least half of the
narrower one's width, or they share some columns and their ink comes within
NEAR_SHARE of a character's height of each other (the top bar of a 5 started
at the end of its stem, the stem of a 4 set right of its corner). That keeps a
4, 5 or 7 written in two strokes, a crossed 7 and a slashed zero together, and
leaves apart digits that only touch, or overlap by a corner far from the
other's ink. Small pieces (a dot, a flag, a speck of noise) are too short to
say where they belong by themselves: each joins the character nearest to it
across. Sizes are relative to the tallest piece, so none of this depends on
the canvas or image size.

The rules are about the pen's path. A stroke is that path; an image's piece is
the path drawn with a pen of some width, so its box is that much wider and
taller, and its ink that much nearer the next piece's: callers say how wide
(`pen`) and the rules take it off.
"""

import numpy as np

from model.core.errors import InputTooLarge

# The page shows one tile per character; more would not be read as a number.
MAX_CHARACTERS = 12
# A piece shorter than this share of the tallest piece, both ways, is small.
SMALL_SHARE = 0.25
# Two pieces sharing this share of the narrower one's columns are one character.
SHARED_COLUMNS = 0.5
# Pieces sharing columns whose ink comes this close (a share of the tallest
# piece's height) are one character: within one pen-written digit, 98.6% of
# the stroke pairs come within 0.15 of its height.
NEAR_SHARE = 0.15
# ...as long as they share at least this share of its height in columns: less
# is a touch between neighbours as often as a stem at its corner, which the
# classifier decides (model/numbers/splitting.py).
NEAR_COLUMNS = 0.05
# Each piece's ink is compared at most this many points, and at most
# MAX_INK_COMPARISONS pairs of pieces in one drawing.
OUTLINE_POINTS = 96
MAX_INK_COMPARISONS = 200


def group_pieces(boxes: np.ndarray, inks: list[np.ndarray], pen: float = 0.0) -> list[np.ndarray]:
    """The pieces (boxes [x0, y0, x1, y1], one row each; their ink as (n, 2)
    x, y points; drawn `pen` wide) grouped into characters: the indices of each
    character's pieces, ascending, characters left to right. More than
    MAX_CHARACTERS characters raises InputTooLarge."""
    boxes = _path_boxes(np.asarray(boxes, dtype=np.float64), pen)
    if len(boxes) == 0:
        return []
    widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    tallest = float(heights.max())
    small = np.maximum(widths, heights) < SMALL_SHARE * tallest
    if small.all() or len(boxes) == 1:
        return [np.arange(len(boxes))]
    close = _Closeness(boxes, inks, NEAR_SHARE * tallest - pen, NEAR_COLUMNS * tallest)
    groups = _sweep(boxes, np.flatnonzero(~small), close)
    if len(groups) > MAX_CHARACTERS:
        raise InputTooLarge(
            f"the drawing has {len(groups)} characters; at most {MAX_CHARACTERS} are read"
        )
    if small.any():
        for piece, group in zip(np.flatnonzero(small), _nearest(boxes, small, groups), strict=True):
            groups[group].append(int(piece))
    return [np.array(sorted(group)) for group in groups]


def group_boxes(boxes: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """The box [x0, y0, x1, y1] of each group of pieces."""
    boxes = np.asarray(boxes, dtype=np.float64)
    # The groups' pieces one group after another, reduced group by group in
    # two calls: per-group NumPy calls cost more than the few pieces they reduce.
    order = np.concatenate(groups).astype(np.intp, copy=False)
    sizes = np.array([len(g) for g in groups])
    starts = np.cumsum(sizes) - sizes
    ordered = boxes[order]
    return np.concatenate(
        (np.minimum.reduceat(ordered[:, :2], starts), np.maximum.reduceat(ordered[:, 2:], starts)),
        axis=1,
    )


def _path_boxes(boxes: np.ndarray, pen: float) -> np.ndarray:
    """The boxes of the pen's path: `pen` narrower and shorter, never inside out."""
    if pen == 0:  # a drawing's strokes are the path
        return boxes
    middles = (boxes[:, :2] + boxes[:, 2:]) / 2
    halves = np.maximum((boxes[:, 2:] - boxes[:, :2] - pen) / 2, 0)
    return np.concatenate([middles - halves, middles + halves], axis=1)


def _sweep(boxes: np.ndarray, pieces: np.ndarray, close) -> list[list[int]]:
    """The pieces grouped by the column rules, in one pass left to right."""
    order = pieces[np.lexsort((boxes[pieces, 2], boxes[pieces, 0]))]
    groups: list[list[int]] = []
    left = right = 0.0
    rows = boxes.tolist()  # Python floats: NumPy scalars cost more in a loop
    for piece in order.tolist():
        x0, x1 = rows[piece][0], rows[piece][2]
        if groups and (
            _same_columns(left, right, x0, x1) or any(close(piece, other) for other in groups[-1])
        ):
            groups[-1].append(piece)
            right = max(right, x1)
        else:
            groups.append([piece])
            left, right = x0, x1
    return groups


def _same_columns(left: float, right: float, x0: float, x1: float) -> bool:
    """Whether a piece spanning x0..x1 (x0 >= left) lies across like a part of
    a character spanning left..right."""
    if x0 <= (left + right) / 2 <= x1 or left <= (x0 + x1) / 2 <= right:
        return True
    shared = min(right, x1) - x0
    return shared > 0 and shared >= SHARED_COLUMNS * min(right - left, x1 - x0)


class _Closeness:
    """Whether two pieces share `columns` and their ink comes within `reach`.
    Only the first MAX_INK_COMPARISONS pairs of one drawing have their ink
    compared (a few hundred microseconds each); later pairs are apart, so a
    drawing of a thousand slivers costs no more than that."""

    def __init__(self, boxes, inks, reach: float, columns: float):
        self.boxes, self.inks, self.reach, self.columns = boxes.tolist(), inks, reach, columns
        self.comparisons_left = MAX_INK_COMPARISONS

    def __call__(self, one: int, other: int) -> bool:
        one_box, other_box = self.boxes[one], self.boxes[other]
        shared = min(one_box[2], other_box[2]) - max(one_box[0], other_box[0])
        if shared < self.columns or self.reach < 0 or self.comparisons_left <= 0:
            return False
        self.comparisons_left -= 1
        return inks_within(self.inks[one], self.inks[other], self.reach)


def inks_within(one: np.ndarray, other: np.ndarray, reach: float) -> bool:
    """Whether two pieces' ink ((n, 2) x, y points, OUTLINE_POINTS of each
    compared) comes within `reach` of each other."""
    a, b = _thin(one), _thin(other)
    return bool(np.abs(a[:, None] - b[None, :]).min() <= reach)


def _thin(points: np.ndarray) -> np.ndarray:
    """At most OUTLINE_POINTS of the points, as complex numbers."""
    step = -(-len(points) // OUTLINE_POINTS)
    return points[::step, 0] + 1j * points[::step, 1]


def _nearest(boxes: np.ndarray, small: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """For every small piece, the group whose columns are nearest its middle
    (0 within them), ties to the group whose middle is nearest in height."""
    spans = group_boxes(boxes, groups)
    middles = (boxes[small, :2] + boxes[small, 2:]) / 2
    across = np.maximum(spans[None, :, 0] - middles[:, None, 0], 0) + np.maximum(
        middles[:, None, 0] - spans[None, :, 2], 0
    )
    height = np.abs((spans[None, :, 1] + spans[None, :, 3]) / 2 - middles[:, None, 1])
    best = across.min(axis=1, keepdims=True)
    return np.where(across == best, height, np.inf).argmin(axis=1)
