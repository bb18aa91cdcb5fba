"""A drawing's strokes as the characters of a number, left to right.

Strokes are grouped into characters by where they lie (model/grouping.py);
characters that come close enough to be one are left for the classifier to
decide (model/splitting.py). Each candidate character is rendered on its own
by model/rasterize.py, exactly as a single digit is, so a drawing of one digit
gives the very image it gives today.
"""

import numpy as np

from model.grouping import group_boxes, group_pieces
from model.rasterize import render_points
from model.splitting import Candidate, Layout, plan_row, rows_in_doubt, typical_width

# What keeping apart two characters that share columns costs, in log
# confidence: strokes that share columns are more often one digit than two.
GAP_CUT_COST = 0.3


def stroke_layout(strokes: list[np.ndarray], min_extent: float) -> Layout | None:
    """The candidate characters of a drawing (polylines in canvas units, y
    down), or None when the whole drawing is smaller than `min_extent`."""
    strokes = [np.asarray(stroke, dtype=np.float64) for stroke in strokes if len(stroke)]
    if not strokes:
        return None
    points = np.concatenate(strokes)
    counts = np.array([len(stroke) for stroke in strokes])
    starts = counts.cumsum() - counts
    boxes = np.concatenate(
        (np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)), axis=1
    )
    if float((boxes[:, 2:].max(axis=0) - boxes[:, :2].min(axis=0)).max()) < min_extent:
        return None
    tallest = float((boxes[:, 3] - boxes[:, 1]).max())
    groups = group_pieces(boxes, strokes) if len(strokes) > 1 else [np.arange(1)]
    if len(groups) == 1:
        # One character: the only candidate is the whole drawing, rendered as
        # model/pipeline.py renders a digit (the same image), at no more cost.
        box = np.concatenate((boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)))
        return Layout([()], [_candidate(0, 0, 1, points, counts, box)], tallest)
    spans = group_boxes(boxes, groups)
    cut_costs, candidates = [], []
    for index, row in enumerate(rows_in_doubt(spans)):
        costs, tries = plan_row(row, [[] for _ in row.members], GAP_CUT_COST)
        cut_costs.append(costs)
        for start, end in tries:
            members = row.members[start:end]
            picked = np.sort(np.concatenate([groups[g] for g in members]))
            box = np.concatenate((spans[members, :2].min(axis=0), spans[members, 2:].max(axis=0)))
            if len(picked) == len(strokes):  # the whole drawing, its points in order
                ink, ink_counts = points, counts
            else:
                ink, ink_counts = np.concatenate([strokes[i] for i in picked]), counts[picked]
            candidates.append(_candidate(index, start, end, ink, ink_counts, box))
    return Layout(cut_costs, candidates, tallest, typical_width(spans[:, 2] - spans[:, 0]))


def _candidate(row: int, start: int, end: int, points, counts, box: np.ndarray) -> Candidate:
    """Boundaries start..end of a row: the strokes' points one after another
    (`counts` each) and their box [x0, y0, x1, y1]."""
    low, size = box[:2], box[2:] - box[:2]
    image = render_points(points, counts, low, float(size.max()))
    return Candidate(row, start, end, image, tuple(box.tolist()), *size.tolist())
