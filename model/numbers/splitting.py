"""Where one character ends and the next begins, when the ink alone cannot say:
the candidate readings of a row of ink, and the one the classifier is surest of.

A row of ink whose characters are in doubt (digits that touch, pieces that
may or may not be one digit) is a run of boundaries 0..m, 0 its left end and m
its right. A candidate character spans boundaries i..j; a reading of the row
is a chain of candidates from 0 to m. A reading scores the sum of its
characters' log confidences, less what their shapes cost (a character far
wider for its height than that digit ever is, far wider than the number's
other characters, or far shorter than the tallest), less what its cuts cost
(each input path says what: model/numbers/characters.py, model/numbers/image_characters.py).
The reading with the best score is found by dynamic programming over the
boundaries. Candidates are classified only when they could be part of it
(`choose`): a candidate's score is at most minus the least its shape can
cost (a confidence is at most 1), so the best reading by those bounds is
found, its unclassified candidates are classified, and again, until the best
reading is made of classified candidates alone. No reading left out could
score more, so the answer is the one classifying every candidate would give,
and a clear drawing costs one classification a character. The costs were
tuned on numbers of the tuning writers only (testkit.numbers.TUNING_WRITERS),
never on the held-out writers the figures are for.
"""

import functools
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model.core.contract import NUM_CLASSES

# More candidate images than this in one drawing and the splitting work is
# cut back (fewer cuts tried), so a drawing's cost stays bounded.
MAX_CANDIDATES = 48
# For each digit, the width over height (of its strokes' box) that 99% of the
# pen-written digits of the tuning writers (testkit.numbers.TUNING_WRITERS)
# are within: a merged "33" read as a 3 is far wider. (An image's estimate,
# ink less the estimated pen, gives within 0.1 of these for its single digits:
# an allowance for it read fewer numbers right.)
WIDEST_ASPECT = (1.6, 1.1, 1.37, 0.91, 0.94, 1.33, 0.89, 1.15, 0.91, 1.01)
# The digit that may be widest for its height: reading a candidate as it costs
# the least for its shape.
WIDEST_DIGIT = int(np.argmax(WIDEST_ASPECT))
# What every tenth wider than its digit's WIDEST_ASPECT costs.
WIDE_COST = 0.5
# ...and a character wider than this share of the typical one (the median of
# at least MIN_TYPICAL characters the rules found) is likely two.
WIDEST_SHARE = 1.4
MIN_TYPICAL = 3
# The digits of a number are about as tall as each other: a character less
# tall than this share of the tallest costs up to SHORT_COST (a dot, the foot
# of a stem cut off, a 4's first stroke read as a 1).
SHORT_SHARE = 0.7
SHORT_COST = 3.0


@dataclass(frozen=True)
class Candidate:
    """A possible character: boundaries `start`..`end` of row `row`, what
    draws its 28x28 image, its box [x0, y0, x1, y1] in the input's pixels and
    the width and height of the pen's path through it."""

    row: int
    start: int
    end: int
    render: Callable[[], np.ndarray] = field(compare=False, repr=False)
    box: tuple[float, float, float, float]
    width: float
    height: float

    @functools.cached_property
    def image(self) -> np.ndarray:
        """Its 28x28, drawn when first asked for: a candidate that cannot be
        part of the reading is never drawn."""
        return self.render()


@dataclass(frozen=True)
class Layout:
    """Rows of ink left to right, each with the cost of cutting at each of its
    inner boundaries; the candidate characters of all rows; the height of the
    tallest character the rules found, and their typical width (None when
    there are too few to say)."""

    cut_costs: list[tuple[float, ...]]
    candidates: list[Candidate]
    tallest: float
    typical_width: float | None = None


def choose(layout: Layout, classify) -> tuple[list[int], dict[int, np.ndarray]]:
    """The indices of the candidates read, left to right, and the outputs of
    those classified; `classify(indices)` answers the model's outputs (the ten
    digits first) for those candidates (see the module's docstring)."""
    candidates = layout.candidates
    scores = [-least_shape_cost(c, layout) for c in candidates]
    outputs: dict[int, np.ndarray] = {}
    while True:
        chosen = _best_reading(layout, scores)
        unread = [index for index in chosen if index not in outputs]
        if not unread:
            return chosen, outputs
        for index, output in zip(unread, classify(unread), strict=True):
            outputs[index] = output
            digits = output[:NUM_CLASSES]
            digit, confidence = int(digits.argmax()), float(digits.max())
            # A piece that looks like no digit scores low, whatever it is: its
            # likeliest digit's share of all the model's outputs is small.
            score = math.log(max(confidence, 1e-12)) - shape_cost(candidates[index], digit, layout)
            scores[index] = score


def _best_reading(layout: Layout, scores: list[float]) -> list[int]:
    chosen: list[int] = []
    for row, costs in enumerate(layout.cut_costs):
        members = [i for i, c in enumerate(layout.candidates) if c.row == row]
        chosen += _best_chain(costs, layout.candidates, members, scores)
    return chosen


def shape_cost(candidate: Candidate, digit: int, layout: Layout) -> float:
    """What reading a candidate as `digit` costs for its shape, in log
    confidence: WIDE_COST for every tenth it is wider for its height than
    that digit's WIDEST_ASPECT, as much again for every
    tenth it is wider than WIDEST_SHARE of the number's typical character,
    and up to SHORT_COST as it is less tall than SHORT_SHARE of the tallest."""
    widest = WIDEST_ASPECT[digit]
    aspect = candidate.width / max(candidate.height, 1e-9)
    cost = WIDE_COST * 10 * max(0.0, aspect - widest) / widest
    if layout.typical_width:
        cost += WIDE_COST * 10 * max(0.0, candidate.width / layout.typical_width - WIDEST_SHARE)
    # Every stroke ruler-flat (a dash drawn with a steady hand) makes the tallest
    # 0 high: all characters are then as short as each other.
    tallest = max(layout.tallest, 1e-9)
    return cost + SHORT_COST * max(0.0, 1 - candidate.height / (SHORT_SHARE * tallest))


def least_shape_cost(candidate: Candidate, layout: Layout) -> float:
    """The least `shape_cost` of a candidate, whatever digit it is read as:
    only the width for its height depends on the digit, and costs least for
    the digit that may be widest."""
    return shape_cost(candidate, WIDEST_DIGIT, layout)


def typical_width(widths: np.ndarray) -> float | None:
    """The median width of the characters, when there are at least MIN_TYPICAL."""
    # statistics.median: np.median's answer (the middle one, or the mean of the
    # middle two) without its overhead on a dozen numbers.
    return float(statistics.median(widths.tolist())) if len(widths) >= MIN_TYPICAL else None


def _best_chain(costs, candidates, members, scores) -> list[int]:
    ends = len(costs) + 1
    best = [0.0] + [-math.inf] * ends
    back: list[int | None] = [None] * (ends + 1)
    for index in sorted(members, key=lambda i: (candidates[i].end, candidates[i].start)):
        start, end = candidates[index].start, candidates[index].end
        cut = costs[start - 1] if start > 0 else 0.0
        score = best[start] + scores[index] - cut
        if score > best[end]:
            best[end], back[end] = score, index
    chain = []
    at = ends
    while at > 0:
        index = back[at]
        if index is None:
            raise ValueError("the candidates do not cover the row")  # a bug, not bad input
        chain.append(index)
        at = candidates[index].start
    return chain[::-1]


@dataclass(frozen=True)
class Row:
    """Characters (their indices, left to right) that may be fewer or more than
    the ink says."""

    members: list[int]


def rows_in_doubt(boxes: np.ndarray) -> list[Row]:
    """Characters (their boxes [x0, y0, x1, y1], left to right) in rows: each
    joins the row of the one before when the two share columns, for the
    classifier to decide whether they are one character. (Trying pieces
    merely near each other as one character, such as a 4's stem set a little
    right of its corner, merged more digits that were two than it joined
    pieces that were one.)"""
    rows: list[Row] = []
    boxes = np.asarray(boxes, dtype=np.float64).tolist()
    for index in range(len(boxes)):
        if index and boxes[index][0] < boxes[index - 1][2]:
            rows[-1].members.append(index)
        else:
            rows.append(Row([index]))
    return rows


def plan_row(
    row: Row, cuts: list[list[float]], gap_cost: float
) -> tuple[tuple[float, ...], list[tuple[int, int]]]:
    """A row's cutting costs at each inner boundary and the candidates to try,
    when its k-th character has cuts to try inside it costing cuts[k], and
    keeping two characters apart costs `gap_cost`: every stretch within one
    character (the whole of it included), and every two neighbouring
    characters whole."""
    costs: list[float] = []
    firsts, lasts = [], []
    for rank, inside in enumerate(cuts):
        if rank:
            costs.append(gap_cost)
        firsts.append(len(costs))
        costs += inside
        lasts.append(len(costs) + 1)
    spans = [
        (start, end)
        for first, last in zip(firsts, lasts, strict=True)
        for start in range(first, last)
        for end in range(start + 1, last + 1)
    ]
    spans += list(zip(firsts[:-1], lasts[1:], strict=True))
    return tuple(costs), spans
