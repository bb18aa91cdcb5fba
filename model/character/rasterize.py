"""Strokes to an MNIST-style 28x28 image.

The strokes are drawn straight into the model's frame, MNIST's way: the
drawing, pen included, is scaled to fit a 20x20 box keeping its aspect ratio,
drawn with round caps and joins at SUPERSAMPLE times the resolution (which is
the anti-aliasing), shifted so its centre of mass sits at the centre of the
28x28 field, and averaged down. The pen is always PEN_WIDTH output pixels
wide, so the brush width and canvas size the person used do not change what
the model sees: only the shape of the strokes does.

The cost of a drawing is bounded by what the 28x28 output can show, not by
what the client sends: a stroke costs one drawn dot per half output pixel of
its length. A drawing that would cost more than MAX_SAMPLES dots (50 times the
longest pen-written digit) is first merged: its points are snapped to a grid
of a twelfth of an output pixel and every segment drawn more than once (a
scribble back and forth over the same line) is drawn once, which the union of
round-pen strokes does not change beyond that snapping. What is still too long
is refused with InputTooLarge. Drawings under the bound render exactly as before.

A candidate character of a number (model/characters.py) is drawn with an
`allowance` instead, its share of the request's model.core.budget.WorkBudget: each
of its draws (refits included) makes at most that many dots, spaced further
apart along the strokes when need be, and is never refused (the drawing was
checked whole, with `planned_dots`, before any candidate was tried).
"""

import numpy as np
from PIL import Image, ImageDraw

from model.character.centring import fit_to_frame
from model.core.contract import CENTRE, IMAGE_SIZE, INK_SPAN, PEN_WIDTH
from model.core.errors import InputTooLarge

SUPERSAMPLE = 6
# Strokes are resampled to a point every half output pixel before drawing.
RESAMPLE_STEP = 0.5
MAX_REFITS = 4
# The most resampled points (one pen dot each) one drawing may cost: the longest
# of the 7,494 pen-written digits needs 185, a digit drawn on the pad about 80.
# 10,000 dots draw in about 20 ms (each refit draws again).
MAX_SAMPLES = 10_000
# Over MAX_SAMPLES, points are snapped to a grid this many hi-res pixels apart
# before repeated segments are merged (half a hi-res pixel of error at most).
MERGE_GRID = 1.0

_HI_RES_SIZE = IMAGE_SIZE * SUPERSAMPLE
# Output pixel c covers hi-res pixels c*S .. c*S+S-1, centred on c*S + (S-1)/2.
_TARGET = SUPERSAMPLE * CENTRE + (SUPERSAMPLE - 1) / 2
_PEN = PEN_WIDTH * SUPERSAMPLE


def render_strokes(strokes: list[np.ndarray], min_extent: float = 0.0) -> np.ndarray | None:
    """Render strokes into a normalised 28x28 float32 image, ink high; None when
    the larger side of their bounding box is below `min_extent` canvas units
    (a tap or a slip, not a digit)."""
    if not strokes:
        return None
    points = np.concatenate(strokes, dtype=np.float64)
    low = points.min(axis=0)
    span = float((points.max(axis=0) - low).max())
    if span < min_extent:
        return None
    return render_points(points, np.array([len(stroke) for stroke in strokes]), low, span)


def render_points(
    points: np.ndarray,
    counts: np.ndarray,
    low: np.ndarray,
    span: float,
    allowance: int | None = None,
    budget=None,
) -> np.ndarray:
    """render_strokes for strokes given as their points one after another
    (float64, `counts` points each), the lowest x and y of them and the larger
    side of their box: what a caller that has measured them already passes.
    With `allowance`, every draw makes at most that many dots (to within the
    strokes' ends) and nothing is refused; the dots drawn are counted in
    `budget` (a model.core.budget.WorkBudget) when given."""
    scale = _scale(span)
    arcs, samples = _arcs_to_draw(points, counts, low, scale)
    if allowance is None and samples > MAX_SAMPLES:
        raise InputTooLarge(too_long(samples, "the drawing's"))
    # A lopsided drawing would reach past the frame once centred: draw it smaller.
    # The pen keeps its width, so one shrink can fall short; a few always do.
    for _ in range(MAX_REFITS):
        step = RESAMPLE_STEP * SUPERSAMPLE / scale
        if allowance is not None:
            step = max(step, arcs.step_within(allowance))
        path, ends = arcs.resample(step)
        if budget is not None:
            budget.drew(len(path))
        hi_res = _draw((path - low) * scale, ends)
        # One output pixel of margin, plus half a hi-res pixel of rounding in the shift.
        factor, (row, col) = fit_to_frame(
            np.asarray(hi_res), _TARGET, _HI_RES_SIZE, margin=SUPERSAMPLE + 0.5
        )
        if factor >= 1.0:
            break
        scale *= factor * 0.98
    # Moving the centre of mass onto the target: a crop reaching past the edges reads 0.
    left, top = round(col - _TARGET), round(row - _TARGET)
    centred = hi_res.crop((left, top, left + _HI_RES_SIZE, top + _HI_RES_SIZE))
    # Averaging each SUPERSAMPLE x SUPERSAMPLE block is the anti-aliasing.
    return np.asarray(centred.reduce(SUPERSAMPLE), dtype=np.float32) / np.float32(255)


def planned_dots(points: np.ndarray, counts: np.ndarray, low: np.ndarray, span: float) -> int:
    """The dots the first draw of render_points(points, counts, low, span)
    would make at full detail, repeats merged when that would be over
    MAX_SAMPLES: what decides whether a drawing is refused."""
    return _arcs_to_draw(points, counts, low, _scale(span))[1]


def too_long(samples: int, whose: str) -> str:
    """The refusal of strokes that cost `samples` dots, repeats merged."""
    return (
        f"{whose} strokes are {samples * RESAMPLE_STEP:.0f} output pixels long, "
        f"repeats merged; the limit is {MAX_SAMPLES * RESAMPLE_STEP:.0f} "
        "(a digit is under 100)"
    )


def _scale(span: float) -> float:
    """Hi-res pixels a canvas unit, for ink whose box's larger side is `span`."""
    return (INK_SPAN - PEN_WIDTH) * SUPERSAMPLE / max(span, 1e-9)


def _arcs_to_draw(points, counts, low, scale: float) -> tuple["_Arcs", int]:
    """The strokes as they are drawn (repeats merged when drawing them all
    would cost more than MAX_SAMPLES dots and merging costs fewer) and the dots
    of their first draw. Refits only shrink the scale, so the first draw is
    the costliest."""
    step = RESAMPLE_STEP * SUPERSAMPLE / scale
    arcs = _Arcs(points, counts)
    samples = arcs.sample_count(step)
    if samples > MAX_SAMPLES:
        merged, merged_counts = _merge_repeats(points, counts, low, scale)
        merged_arcs = _Arcs(merged, merged_counts)
        merged_samples = merged_arcs.sample_count(step)
        if merged_samples < samples:
            arcs, samples = merged_arcs, merged_samples
    return arcs, samples


def _draw(xy: np.ndarray, ends: list[int]) -> Image.Image:
    """Points (hi-res units from the ink's top-left corner) drawn as strokes ending
    at the indices `ends`, with the round pen, hi-res, 0..255."""
    radius = _PEN / 2
    # Pillow's ellipse covers its bounding box inclusively, one pixel more than its width.
    dot = radius - 0.5
    xy = xy + radius
    canvas = Image.new("L", (_HI_RES_SIZE, _HI_RES_SIZE), 0)
    # ImageDraw's methods resolve their colour on every call; the strokes and
    # their hundreds of dots go straight to the C drawing object behind it, with
    # the arguments ImageDraw.line(xy, fill=255, width=w) and
    # ImageDraw.ellipse(xy, fill=255) pass (a test compares the two).
    draw = ImageDraw.Draw(canvas).draw
    ink = draw.draw_ink(255)
    width = max(1, round(_PEN))
    flat = xy.ravel().tolist()
    start = 0
    for end in ends:
        if end - start > 1:
            draw.draw_lines(flat[2 * start : 2 * end], ink, width)
        start = end
    # Round caps and joins: a pen-sized dot at every point.
    for box in np.concatenate([xy - dot, xy + dot], axis=1).tolist():
        draw.draw_ellipse(box, ink, 1)
    return canvas


class _Arcs:
    """Strokes (their points one after another, `counts` points each) measured
    along their length once, for the sample count and every resampling.

    The points travel as complex numbers so one interpolation moves both
    coordinates, and the strokes as one path whose pieces are joined by
    unit-length jumps that no sample falls inside."""

    def __init__(self, points: np.ndarray, counts: np.ndarray):
        self.path = np.ascontiguousarray(points, dtype=np.float64).view(np.complex128).ravel()
        self.counts = counts
        pieces = np.abs(np.diff(self.path))
        self.stroke_ends = np.cumsum(counts)
        joins = self.stroke_ends[:-1] - 1  # the pieces joining one stroke to the next
        drawn = np.ones(len(pieces), dtype=bool)
        drawn[joins] = False
        self.drawn_length = float(pieces[drawn].sum()) if len(pieces) else 0.0
        pieces[joins] = 1.0
        self.along = np.zeros(len(self.path))
        np.cumsum(pieces, out=self.along[1:])
        self.begins = self.along[self.stroke_ends - counts]
        self.lengths = self.along[self.stroke_ends - 1] - self.begins

    def sample_count(self, step: float) -> int:
        """How many points `resample` makes at `step`, to within one a stroke
        (an upper bound), without making them."""
        return int(self.drawn_length / step) + 2 * len(self.counts)

    def step_within(self, dots: int) -> float:
        """The least step at which `resample` makes at most `dots` points, each
        stroke's two ends included (when `dots` leaves room for them)."""
        room = dots - 2 * len(self.counts)
        return self.drawn_length / max(room, 1)

    def resample(self, step: float) -> tuple[np.ndarray, list[int]]:
        """The strokes resampled to points evenly spaced at most `step` canvas
        units apart along each stroke (its ends kept), all strokes in one
        vectorised pass: (points, the index one past each stroke's last point).

        A canvas stroke has a point every few screen pixels; drawing cost
        follows the point count, and points far closer than a pixel add nothing."""
        counts, begins, lengths = self.counts, self.begins, self.lengths
        intervals = np.ceil(lengths / step).astype(np.intp)  # 0 for a single point
        samples = intervals + 1
        stroke_of = np.repeat(np.arange(len(counts)), samples)
        sample_ends = np.cumsum(samples)
        position = np.arange(sample_ends[-1]) - np.repeat(sample_ends - samples, samples)
        fraction = position / np.maximum(intervals, 1)[stroke_of]
        at = begins[stroke_of] + lengths[stroke_of] * fraction
        resampled = np.interp(at, self.along, self.path).view(np.float64).reshape(-1, 2)
        return resampled, sample_ends.tolist()


def _stroke_joins(counts: np.ndarray, pieces: int) -> np.ndarray:
    """A mask of the `pieces` pieces between consecutive points that join one
    stroke to the next (not drawn)."""
    joins = np.zeros(pieces, dtype=bool)
    joins[np.cumsum(counts)[:-1] - 1] = True
    return joins


def _merge_repeats(points, counts, low, scale) -> tuple[np.ndarray, np.ndarray]:
    """The strokes as their distinct segments (two-point strokes) and lone
    points, snapped to a MERGE_GRID hi-res grid. Every piece is drawn with the
    same round pen and the same ink, so the drawing is the union of its pieces:
    a piece drawn twice, in either direction, is drawn once."""
    grid = MERGE_GRID / scale  # canvas units
    snapped = np.round((points - low) / grid).astype(np.int64)
    starts, ends = snapped[:-1], snapped[1:]
    joins = _stroke_joins(counts, len(points) - 1)
    moving = ~joins & (starts != ends).any(axis=1)
    # A segment is the same whichever way it was drawn: order its two ends.
    # Snapped coordinates lie in 0..~100 (the scaled span), so a segment packs
    # into one integer and NumPy's fast 1-D unique does the merging.
    base = int(snapped.max()) + 1
    keys = starts @ np.array([base, 1]), ends @ np.array([base, 1])
    low_end, high_end = np.minimum(*keys)[moving], np.maximum(*keys)[moving]
    unique = np.unique(low_end * base * base + high_end)
    ends_of = np.stack([unique // (base * base), unique % (base * base)], axis=1).ravel()
    segments = np.stack([ends_of // base, ends_of % base], axis=1)
    # Points in no drawn segment (a stroke that never moves) are drawn as dots.
    on_segment = np.zeros(len(snapped), dtype=bool)
    on_segment[:-1] |= moving
    on_segment[1:] |= moving
    dot_keys = np.unique(snapped[~on_segment] @ np.array([base, 1]))
    dots = np.stack([dot_keys // base, dot_keys % base], axis=1)
    merged = np.concatenate([segments, dots]) * grid + low
    merged_counts = np.concatenate(
        [np.full(len(unique), 2, dtype=np.intp), np.ones(len(dots), dtype=np.intp)]
    )
    return merged, merged_counts
