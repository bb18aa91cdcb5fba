"""An image's ink as the characters of a number, left to right.

The ink map's connected components are its pieces, grouped into characters by
the same rules as a drawing's strokes (model/numbers/grouping.py), told how wide the
pen was (estimated from the ink). Digits that touch are one component: a
character at least WIDE_ASPECT times as wide as it is tall is offered to the
classifier cut where one digit may meet the next (model/numbers/cut_paths.py), and
model/numbers/splitting.py keeps the cuts only when the parts read better than the
whole. A part a cut leaves narrower than MIN_PART_PENS pen widths is a
sliver of one stroke, never tried. Each candidate is normalised on its own
by model/character/normalize.py, so an image of one digit gives the very 28x28 it gives
today.
"""

import functools
from dataclasses import dataclass

import numpy as np

from model.character.normalize import normalize_ink
from model.character.stroke_width import inside_width, stroke_width
from model.core.contract import MIN_INK_PIXELS
from model.inputs.images import LocatedInk
from model.numbers.connected import Components, connected_components
from model.numbers.cut_paths import cut_paths
from model.numbers.grouping import group_boxes, group_pieces
from model.numbers.splitting import (
    MAX_CANDIDATES,
    Candidate,
    Layout,
    plan_row,
    rows_in_doubt,
    typical_width,
)

# A character at least this wide for its height (the pen's path) may be two
# digits touching: a 1 beside another digit is often no wider than 0.6 of
# their height (on numbers of the tuning writers, testkit.numbers, trying
# cuts from 0.6 rather than 0.85 read 2% more numbers right, and from 0.4 no
# more); the classifier and the shape costs keep the whole when it is one.
WIDE_ASPECT = 0.6
# ...or this wide when it is all the ink there is, which is most often one
# digit (its cuts cost LONE_CUT_COST).
LONE_WIDE_ASPECT = 1.0
# Cuts are tried at most this many in one character, never nearer its sides
# (or each other) than EDGE_SHARE of its height.
MAX_CUTS = 3
EDGE_SHARE = 0.12
# What cutting through ink costs, in log confidence: little where there are
# several characters, and much where all the ink is one character by the
# rules, which is most often one digit (its halves read as digits all too
# surely). (Costs from the ink a cut crosses did no better: two digits whose
# upright sides touch meet along a stretch as long as a stroke is wide.)
COLUMN_CUT_COST = 0.0
LONE_CUT_COST = 1.5
# What keeping apart two characters that share columns costs, in log
# confidence: less than nothing, as pieces of ink apart are more often two
# digits than one.
GAP_CUT_COST = -0.5
# A part between a cut and a cut or a side that is narrower than this many
# pen widths is a slice of one stroke (a 4's stem halved reads as a 1 all too
# surely), not a digit: a written 1 is a pen width and more.
MIN_PART_PENS = 1.5


@dataclass(frozen=True)
class Cut:
    """For every row of the ink map, the column left of which a character's
    first part lies; and what cutting there costs."""

    columns: np.ndarray
    cost: float


def image_layout(located: LocatedInk) -> Layout | None:
    """The candidate characters of an ink map, boxes in the image's pixels;
    None when it has too little ink to be a drawing."""
    ink = located.ink
    if np.count_nonzero(ink) < MIN_INK_PIXELS:
        return None
    mask = ink > 0
    pen = stroke_width(mask)
    inside_pen = inside_width(ink)
    components = connected_components(mask)
    if _one_narrow_piece(components, pen):
        # The layout below would find exactly one candidate, the whole ink.
        return _one_character(ink, components.boxes[0], located, pen, inside_pen)
    groups = group_pieces(components.boxes, _ComponentPoints(components), pen)
    boxes = group_boxes(components.boxes, groups)
    # The pen's path is as wide and tall as the ink less the pen; its boxes
    # keep the ink's top-left corner, so the gap between two is the ink's plus
    # a pen width, as between the paths' middles.
    paths = boxes - np.array([0, 0, pen, pen])
    tallest = float((paths[:, 3] - paths[:, 1]).max())
    rows = rows_in_doubt(paths)
    pixel_group = _group_image(components, groups)
    typical = typical_width(paths[:, 2] - paths[:, 0])
    for max_cuts in range(MAX_CUTS, -1, -1):
        cuts = _cuts_within(ink, pixel_group, paths, pen, max_cuts)
        costs = [[cut.cost for cut in inside] for inside in cuts]
        plans = [plan_row(row, [costs[g] for g in row.members], GAP_CUT_COST) for row in rows]
        if sum(len(tries) for _, tries in plans) <= MAX_CANDIDATES:
            break
    candidates = []
    for index, (row, (_, tries)) in enumerate(zip(rows, plans, strict=True)):
        x0, y0, x1, y1 = group_boxes(boxes, [np.array(row.members)])[0].astype(int).tolist()
        window = (slice(y0, y1), slice(x0, x1))
        parts = _part_image(pixel_group[window], row.members, cuts, x0, y0)
        edges = _character_edges(row.members, cuts)
        for start, end in tries:
            part = (parts >= start) & (parts < end)
            if not part.any():  # cuts that cross leave parts empty; whole characters never are
                continue
            if not (start in edges and end in edges) and _narrower(part, MIN_PART_PENS * pen):
                continue
            own = np.where(part, ink[window], 0).astype(np.uint8)
            candidates.append(
                _candidate(index, start, end, own, (x0, y0), located, pen, inside_pen)
            )
    return Layout([costs for costs, _ in plans], candidates, tallest, typical)


class _ComponentPoints:
    """Each component's ink pixels as (x, y) points, found when first asked
    for: the grouping rules ask only about pieces that share columns."""

    def __init__(self, components: Components):
        self.components = components

    def __len__(self) -> int:
        return self.components.count

    def __getitem__(self, index: int) -> np.ndarray:
        x0, y0, x1, y1 = self.components.boxes[index].tolist()
        rows, cols = np.nonzero(self.components.labels[y0:y1, x0:x1] == index)
        return np.column_stack([cols + x0, rows + y0])


def _group_image(components: Components, groups: list[np.ndarray]) -> np.ndarray:
    """Each pixel's character, -1 where there is no ink."""
    group_of = np.empty(components.count + 1, dtype=np.int64)
    group_of[-1] = -1  # where labels are -1 (no ink), so is the group
    for index, members in enumerate(groups):
        group_of[members] = index
    return group_of[components.labels]


def _one_character(ink, box, located: LocatedInk, pen: float, inside_pen: float) -> Layout:
    """The layout of ink that is one piece and one character: its one candidate."""
    x0, y0, x1, y1 = box.astype(int).tolist()
    own = ink[y0:y1, x0:x1].astype(np.uint8)  # all of it is the piece's
    candidate = _candidate(0, 0, 1, own, (x0, y0), located, pen, inside_pen)
    return Layout([()], [candidate], float((y1 - pen) - y0), None)


def _one_narrow_piece(components: Components, pen: float) -> bool:
    """Whether the ink is one piece, too narrow for its height to be two digits."""
    if components.count != 1:
        return False
    path = (components.boxes[0] - np.array([0, 0, pen, pen])).tolist()
    return not _may_be_two(path, lone=True)


def _may_be_two(path, lone: bool) -> bool:
    """Whether a character, its pen's path's box [x0, y0, x1, y1], is wide
    enough for its height to be two digits touching."""
    x0, y0, x1, y1 = path
    widest = LONE_WIDE_ASPECT if lone else WIDE_ASPECT
    return x1 - x0 >= widest * (y1 - y0)


def _cuts_within(ink, pixel_group, paths, pen, max_cuts: int) -> list[list[Cut]]:
    """For every character, the cuts to try (model/numbers/cut_paths.py), if it is
    wide enough for its height to be two."""
    cuts = []
    lone = len(paths) == 1
    for index, (x0, y0, x1, y1) in enumerate(paths.tolist()):
        if max_cuts == 0 or not _may_be_two((x0, y0, x1, y1), lone):
            cuts.append([])
            continue
        left, top = round(x0), round(y0)
        right, bottom = round(x1 + pen), round(y1 + pen)
        own = np.where(pixel_group[top:bottom, left:right] == index, ink[top:bottom, left:right], 0)
        margin = max(1, round(EDGE_SHARE * (y1 - y0)))
        found = []
        for cut in cut_paths(own, pen, margin, max_cuts):
            column = np.full(ink.shape[0], left)  # rows outside the character: all right of it
            column[top:bottom] = left + cut
            found.append(Cut(column, LONE_CUT_COST if lone else COLUMN_CUT_COST))
        cuts.append(found)
    return cuts


def _character_edges(members, cuts) -> set[int]:
    """The boundaries of a row that are a character's side, not a cut."""
    edges, at = {0}, 0
    for group in members:
        at += len(cuts[group]) + 1
        edges.add(at)
    return edges


def _narrower(part: np.ndarray, width: float) -> bool:
    columns = np.flatnonzero(part.any(axis=0))
    return columns[-1] + 1 - columns[0] < width


def _part_image(pixel_group, members, cuts, left: int, top: int) -> np.ndarray:
    """Each pixel of a window (from `left`, `top`) on the row's characters
    numbered by the part it lies in, parts numbered left to right across the
    row (a character cut k times has k + 1); -1 elsewhere. Candidate i..j is
    the pixels of parts i to j - 1."""
    parts = np.full(pixel_group.shape, -1, dtype=np.int64)
    columns = np.arange(left, left + pixel_group.shape[1])
    first = 0
    for group in members:
        own = pixel_group == group
        part = np.zeros(pixel_group.shape, dtype=np.int64)
        for cut in cuts[group]:
            rows = cut.columns[top : top + pixel_group.shape[0]]
            part += columns[None, :] >= rows[:, None]
        parts[own] = first + part[own]
        first += len(cuts[group]) + 1
    return parts


def _candidate(
    row, start, end, own, corner, located: LocatedInk, pen: float, inside_pen: float
) -> Candidate:
    """A candidate from its ink in a window whose top-left is `corner`; `pen`
    is the image's stroke width and `inside_pen` that of its solid ink
    (model/character/stroke_width.py)."""
    rows = np.flatnonzero(own.any(axis=1))
    cols = np.flatnonzero(own.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    scale = located.scale
    left, top = located.left + (corner[0] + x0) * scale, located.top + (corner[1] + y0) * scale
    box = (float(left), float(top), float(left + (x1 - x0) * scale), float(top + (y1 - y0) * scale))
    width, height = max(x1 - x0 - pen, 0.0), max(y1 - y0 - pen, 0.0)
    render = functools.partial(normalize_ink, own[y0:y1, x0:x1], inside_pen)
    return Candidate(row, start, end, render, box, width, height)
