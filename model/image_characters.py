"""An image's ink as the characters of a number, left to right.

The ink map's connected components are its pieces, grouped into characters by
the same rules as a drawing's strokes (model/grouping.py), told how wide the
pen was. Digits that touch are one component: a character at least
WIDE_ASPECT times as wide as it is tall is offered to the classifier cut at the
deepest dips of its column profile (the columns with the least ink, where one
digit meets the next), and model/splitting.py keeps the cuts only when the
parts read clearly better than the whole. Each candidate is normalised on its
own by model/normalize.py, so an image of one digit gives the very 28x28 it
gives today.
"""

import numpy as np

from model.components import Components, connected_components
from model.cut_paths import cut_paths
from model.grouping import group_boxes, group_pieces
from model.images import LocatedInk
from model.normalize import normalize_ink
from model.preprocess import MIN_INK_PIXELS
from model.splitting import (
    MAX_CANDIDATES,
    Candidate,
    Layout,
    plan_row,
    rows_in_doubt,
)

# A character at least this wide for its height (the pen's path) may be two
# digits touching: one pen-written digit in ten is wider than 0.94 of its
# height, two side by side are about 1.3.
WIDE_ASPECT = 0.85
# Cuts are tried at most this many in one character, never nearer its sides
# (or each other) than EDGE_SHARE of its height.
MAX_CUTS = 3
EDGE_SHARE = 0.12
# What keeping apart two characters that share columns costs, in log
# confidence: less than nothing, as pieces of ink apart are more often two
# digits than one.
GAP_CUT_COST = -0.5


def image_layout(located: LocatedInk) -> Layout | None:
    """The candidate characters of an ink map, boxes in the image's pixels;
    None when it has too little ink to be a drawing."""
    ink = located.ink
    if np.count_nonzero(ink) < MIN_INK_PIXELS:
        return None
    mask = ink > 0
    pen = _pen_width(mask)
    components = connected_components(mask)
    groups = group_pieces(components.boxes, _component_points(components), pen)
    pixel_group = _group_image(components, groups)
    boxes = group_boxes(components.boxes, groups)
    paths = boxes - np.array([0, 0, pen, pen])  # the pen's path, as wide as the ink less the pen
    tallest = float((paths[:, 3] - paths[:, 1]).max())
    rows = rows_in_doubt(paths)
    for max_cuts in range(MAX_CUTS, -1, -1):
        cuts = _cuts_within(ink, pixel_group, paths, pen, max_cuts)
        plans = [plan_row(row, [len(cuts[g]) for g in row.members], GAP_CUT_COST) for row in rows]
        if sum(len(tries) for _, tries in plans) <= MAX_CANDIDATES:
            break
    candidates = []
    for index, (row, (_, tries)) in enumerate(zip(rows, plans, strict=True)):
        parts = _part_image(pixel_group, row.members, cuts)
        for start, end in tries:
            part = (parts >= start) & (parts < end)
            candidates.append(_candidate(index, start, end, ink, part, located, pen))
    return Layout([costs for costs, _ in plans], candidates, tallest)


def _pen_width(mask: np.ndarray) -> float:
    """The ink's typical stroke width: for a stroke w wide and much longer,
    twice its area over its outline's length is w."""
    outline = np.count_nonzero(np.diff(mask, axis=0)) + np.count_nonzero(np.diff(mask, axis=1))
    outline += 2 * (np.count_nonzero(mask[[0, -1]]) + np.count_nonzero(mask[:, [0, -1]]))
    return 2.0 * np.count_nonzero(mask) / max(outline, 1)


def _component_points(components: Components) -> list[np.ndarray]:
    """Each component's ink pixels as (x, y) points."""
    rows, cols = np.nonzero(components.labels >= 0)
    order = np.argsort(components.labels[rows, cols], kind="stable")
    points = np.column_stack([cols, rows])[order]
    return np.split(points, np.cumsum(components.sizes)[:-1])


def _group_image(components: Components, groups: list[np.ndarray]) -> np.ndarray:
    """Each pixel's character, -1 where there is no ink."""
    group_of = np.empty(components.count + 1, dtype=np.int64)
    group_of[-1] = -1  # where labels are -1 (no ink), so is the group
    for index, members in enumerate(groups):
        group_of[members] = index
    return group_of[components.labels]


def _cuts_within(ink, pixel_group, paths, pen, max_cuts: int) -> list[list[np.ndarray]]:
    """For every character, the cuts to try (model/cut_paths.py: per row of
    the ink map, the column left of which the first part lies), if it is wide
    enough to be two."""
    cuts = []
    for index, (x0, y0, x1, y1) in enumerate(paths.tolist()):
        if max_cuts == 0 or x1 - x0 < WIDE_ASPECT * (y1 - y0):
            cuts.append([])
            continue
        left, top = round(x0), round(y0)
        right, bottom = round(x1 + pen), round(y1 + pen)
        own = np.where(pixel_group[top:bottom, left:right] == index, ink[top:bottom, left:right], 0)
        margin = max(1, round(EDGE_SHARE * (y1 - y0)))
        full = np.full(ink.shape[0], left)  # rows outside the character: anything is right of it
        found = []
        for cut in cut_paths(own, pen, margin, max_cuts):
            column = full.copy()
            column[top:bottom] = left + cut
            found.append(column)
        cuts.append(found)
    return cuts


def _part_image(pixel_group, members, cuts) -> np.ndarray:
    """Each pixel of the row's characters numbered by the part it lies in,
    parts numbered left to right across the row (a character cut k times has
    k + 1); -1 elsewhere. Candidate i..j is the pixels of parts i to j - 1."""
    parts = np.full(pixel_group.shape, -1, dtype=np.int64)
    columns = np.arange(pixel_group.shape[1])
    first = 0
    for group in members:
        own = pixel_group == group
        part = np.zeros(pixel_group.shape, dtype=np.int64)
        for cut in cuts[group]:
            part += columns[None, :] >= cut[:, None]
        parts[own] = first + part[own]
        first += len(cuts[group]) + 1
    return parts


def _candidate(row, start, end, ink, part, located: LocatedInk, pen: float) -> Candidate:
    rows, cols = np.nonzero(part)
    y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    own = np.where(part[y0:y1, x0:x1], ink[y0:y1, x0:x1], 0).astype(np.uint8)
    scale = located.scale
    box = (
        float(located.left + x0 * scale),
        float(located.top + y0 * scale),
        float(located.left + x1 * scale),
        float(located.top + y1 * scale),
    )
    width, height = max(x1 - x0 - pen, 0.0), max(y1 - y0 - pen, 0.0)
    return Candidate(row, start, end, normalize_ink(own), box, width, height)
