"""A drawing's strokes as the characters of a number, left to right.

Strokes are grouped into characters by where they lie (model/numbers/grouping.py);
characters that come close enough to be one are left for the classifier to
decide (model/numbers/splitting.py): those that share columns, and neighbours that
share none but whose ink comes within NEAR_SHARE of the tallest stroke's
height (the stem of a 4 set right of its corner, which read "11"). Each
candidate character is rendered on its own by model/character/rasterize.py, exactly as a
single digit is, so a drawing of one digit gives the very image it gives today.

What one drawing costs is bounded as a whole (model/budget.py). Before any
candidate is tried, each character the rules found is measured on its own
(`planned_dots`, repeats merged): one that would cost more than a drawing of
one digit may (model.rasterize.MAX_SAMPLES) is refused, whichever candidates
the splitter would try. Every candidate then gets an equal share of the
request's dots for its draws, fixed by how many candidates there are: an
honest number's candidates need far less and are drawn in full; a scribble's
are drawn with fewer dots.
"""

import functools

import numpy as np

from model.character.rasterize import (
    MAX_REFITS,
    MAX_SAMPLES,
    planned_dots,
    render_points,
    too_long,
)
from model.core.budget import WorkBudget
from model.core.errors import InputTooLarge
from model.numbers.grouping import NEAR_SHARE, group_boxes, group_pieces, inks_within
from model.numbers.splitting import (
    Candidate,
    Layout,
    Row,
    least_shape_cost,
    plan_row,
    rows_in_doubt,
    typical_width,
)

# What keeping apart two characters that share columns costs, in log
# confidence: strokes that share columns are more often one digit than two.
GAP_CUT_COST = 0.3
# ...and keeping apart neighbours that share no columns but come near: on the
# tuning writers (testkit.numbers), 0 read numbers best (98.8% exact, against
# 97.4% when such neighbours were always two) and split 4 of their 1,476
# many-stroke single digits (34 before).
NEAR_CUT_COST = 0.0
# Such neighbours are tried as one only when that costs at most this for its
# shape (model/numbers/splitting.py): two whole digits side by side are far wider than
# one, and classifying them together costs time for nothing. On the tuning
# writers, 2 read as many numbers right as no limit, with 1.07 candidates a
# digit instead of 1.18 (1.01 when near neighbours were never tried as one).
NEAR_MAX_SHAPE_COST = 2.0


def stroke_layout(
    strokes: list[np.ndarray], min_extent: float, budget: WorkBudget | None = None
) -> Layout | None:
    """The candidate characters of a drawing (polylines in canvas units, y
    down), or None when the whole drawing is smaller than `min_extent`. Their
    drawing is charged to `budget` (a fresh WorkBudget when None)."""
    budget = WorkBudget() if budget is None else budget
    strokes = [np.asarray(stroke, dtype=np.float64) for stroke in strokes if len(stroke)]
    if not strokes:
        return None
    points = np.concatenate(strokes)
    counts = np.array([len(stroke) for stroke in strokes])
    whole = np.concatenate((points.min(axis=0), points.max(axis=0)))
    if float((whole[2:] - whole[:2]).max()) < min_extent:
        return None
    if len(strokes) == 1:
        # One stroke is one character: rendered as model/character/preprocess.py
        # renders a digit (the same image), at no more cost.
        tallest = float(whole[3] - whole[1])
        _refuse_too_long([(points, counts, whole.tolist())], "the drawing's")
        return Layout(
            [()], _candidates([(0, 0, 1, points, counts, whole.tolist())], budget), tallest
        )
    starts = counts.cumsum() - counts
    boxes = np.concatenate(
        (np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)), axis=1
    )
    tallest = float((boxes[:, 3] - boxes[:, 1]).max())
    groups = group_pieces(boxes, strokes)
    if len(groups) == 1:
        _refuse_too_long([(points, counts, whole.tolist())], "the drawing's")
        return Layout(
            [()], _candidates([(0, 0, 1, points, counts, whole.tolist())], budget), tallest
        )
    spans = group_boxes(boxes, groups)
    span_rows = spans.tolist()

    def ink_of(group: int) -> np.ndarray:
        return np.concatenate([strokes[i] for i in groups[group]])

    _refuse_too_long(
        [(ink_of(g), counts[groups[g]], span_rows[g]) for g in range(len(groups))],
        "a character's",
    )
    cut_costs, tries = [], []
    shapes = Layout([], [], tallest, typical_width(spans[:, 2] - spans[:, 0]))
    near_rows = _rows(spans, span_rows, ink_of, NEAR_SHARE * tallest, shapes)
    for index, (row, near) in enumerate(near_rows):
        costs, spans_tried = plan_row(row, [[] for _ in row.members], GAP_CUT_COST)
        costs = tuple(NEAR_CUT_COST if k in near else cost for k, cost in enumerate(costs))
        cut_costs.append(costs)
        for start, end in spans_tried:
            members = row.members[start:end]
            if len(members) == 1:
                picked = groups[members[0]]
            else:
                picked = np.sort(np.concatenate([groups[g] for g in members]))
            if len(picked) == len(strokes):  # the whole drawing, its points in order
                ink, ink_counts = points, counts
            elif len(picked) == 1:
                ink, ink_counts = strokes[picked[0]], counts[picked]
            else:
                ink, ink_counts = np.concatenate([strokes[i] for i in picked]), counts[picked]
            box = _union([span_rows[g] for g in members])
            tries.append((index, start, end, ink, ink_counts, box))
    return Layout(cut_costs, _candidates(tries, budget), tallest, shapes.typical_width)


def _refuse_too_long(characters, whose: str) -> None:
    """Refuse the drawing when one of its characters (points, counts, box) would
    cost more than MAX_SAMPLES dots drawn alone at full detail, repeats merged:
    decided from the drawing, before any candidate is tried."""
    for points, counts, (x0, y0, x1, y1) in characters:
        dots = planned_dots(points, counts, np.array((x0, y0)), max(x1 - x0, y1 - y0))
        if dots > MAX_SAMPLES:
            raise InputTooLarge(too_long(dots, whose))


def _candidates(tries, budget: WorkBudget) -> list[Candidate]:
    """The candidates (row, start, end, points, counts, box) each drawn within
    an equal share of the budget's dots, its refits included."""
    allowance = min(MAX_SAMPLES, budget.dots_per_drawing(len(tries), MAX_REFITS))
    return [_candidate(*attempt, allowance, budget) for attempt in tries]


def _union(boxes: list[list[float]]) -> list[float]:
    """The box [x0, y0, x1, y1] around boxes: in Python, since a character
    has a stroke or two, where NumPy's per-call cost is most of the work."""
    if len(boxes) == 1:
        return boxes[0]
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return [min(x0s), min(y0s), max(x1s), max(y1s)]


def _candidate(
    row: int, start: int, end: int, points, counts, box: list[float], allowance: int, budget
) -> Candidate:
    """Boundaries start..end of a row: the strokes' points one after another
    (`counts` each) and their box [x0, y0, x1, y1], drawn within `allowance`
    dots a draw and charged to `budget`."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    low = np.array((x0, y0))
    span = max(width, height)
    render = functools.partial(render_points, points, counts, low, span, allowance, budget)
    return Candidate(row, start, end, render, (x0, y0, x1, y1), width, height)


def _rows(
    spans: np.ndarray, span_rows: list[list[float]], ink_of, reach: float, shapes: Layout
) -> list[tuple[Row, set[int]]]:
    """The rows of characters in doubt (splitting.rows_in_doubt) of the
    characters' boxes (`spans`, and as lists `span_rows`), a row also
    taking in the next when the ink (`ink_of(k)`: the k-th character's points)
    of the two characters that meet there
    comes within `reach` and the two together have a digit's shape (`shapes`:
    the drawing's tallest and typical character); with each row, its inner
    boundaries (k: between its k-th and k+1-th character) that are such a
    meeting."""
    rows: list[tuple[Row, set[int]]] = []
    for row in rows_in_doubt(spans):
        if rows:
            last, near = rows[-1]
            one, other = last.members[-1], row.members[0]
            # The boxes' gap first: ink no nearer than that is compared for nothing.
            if (
                span_rows[other][0] - span_rows[one][2] <= reach
                and _may_be_one([span_rows[one], span_rows[other]], shapes)
                and inks_within(ink_of(one), ink_of(other), reach)
            ):
                near.add(len(last.members) - 1)
                last.members.extend(row.members)
                continue
        rows.append((Row(list(row.members)), set()))
    return rows


def _no_image() -> None:
    """A box tried for its shape alone is never drawn."""


def _may_be_one(boxes: list[list[float]], shapes: Layout) -> bool:
    """Whether characters with these boxes, read as one, would cost no more
    than NEAR_MAX_SHAPE_COST for their shape as the digit they fit best."""
    x0, y0, x1, y1 = _union(boxes)
    whole = Candidate(0, 0, 1, _no_image, (x0, y0, x1, y1), x1 - x0, y1 - y0)
    return least_shape_cost(whole, shapes) <= NEAR_MAX_SHAPE_COST
