"""A drawing's strokes as the characters of a number, left to right.

Strokes are grouped into characters by where they lie (model/grouping.py);
characters that come close enough to be one are left for the classifier to
decide (model/splitting.py). Each candidate character is rendered on its own
by model/rasterize.py, exactly as a single digit is, so a drawing of one digit
gives the very image it gives today.
"""

import numpy as np

from model.grouping import group_boxes, group_pieces
from model.rasterize import render_strokes
from model.splitting import Candidate, Layout, plan_row, rows_in_doubt, typical_width

# What keeping apart two characters that share columns costs, in log
# confidence: strokes that share columns are more often one digit than two.
GAP_CUT_COST = 0.3


def stroke_layout(strokes: list[np.ndarray], min_extent: float) -> Layout | None:
    """The candidate characters of a drawing (polylines in canvas units, y
    down), or None when the whole drawing is smaller than `min_extent`."""
    if not strokes:
        return None
    points = np.concatenate(strokes)
    if float((points.max(axis=0) - points.min(axis=0)).max()) < min_extent:
        return None
    boxes = np.array([np.r_[stroke.min(axis=0), stroke.max(axis=0)] for stroke in strokes])
    groups = group_pieces(boxes, strokes)
    tallest = float((boxes[:, 3] - boxes[:, 1]).max())
    cut_costs, candidates = [], []
    for index, row in enumerate(rows_in_doubt(group_boxes(boxes, groups))):
        costs, tries = plan_row(row, [[] for _ in row.members], GAP_CUT_COST)
        cut_costs.append(costs)
        for start, end in tries:
            picked = np.sort(np.concatenate([groups[g] for g in row.members[start:end]]))
            candidates.append(_candidate(index, start, end, [strokes[i] for i in picked]))
    spans = group_boxes(boxes, groups)
    return Layout(cut_costs, candidates, tallest, typical_width(spans[:, 2] - spans[:, 0]))


def _candidate(row: int, start: int, end: int, strokes: list[np.ndarray]) -> Candidate:
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    box = tuple(float(v) for v in np.r_[low, high])
    return Candidate(row, start, end, render_strokes(strokes), box, *(high - low).tolist())
