"""Where to cut digits that touch: where the ink's outline dips between two
digits, and top-to-bottom paths that cross the least ink.

Two digits written close together touch where a stroke of one meets a stroke
of the other, often where both are upright (the right side of a 0 and the stem
of a 1), so the column with the least ink is seldom the place to cut. Two
signs find it. Where digits meet, the ink's top edge dips and its bottom edge
rises between the two: the columns where the outline is deepest below what
lies on either side are cut straight down. And where they touch at a point, a
path from the top row to the bottom row that may step one column aside per
row goes around both digits and crosses only where they meet: dynamic
programming finds, for every bottom column, the path there that crosses the
least ink, and the paths ending at the cheapest local minima, crossing under
MAX_CUT_INK pen widths of ink, are cuts too. The search runs on the ink
summed over blocks, at most SEARCH_ROWS rows tall, so its cost is bounded
whatever the image's size.
"""

import numpy as np

# A cut crossing more ink than this many pen widths goes through a digit
# (every column of a 0 crosses two strokes), not between two.
MAX_CUT_INK = 1.6
SEARCH_ROWS = 48
# What stepping one column aside costs, in pen widths of ink: a straight cut
# is preferred where a crooked one crosses no less ink.
STEP_COST = 0.05
# An outline dip this deep (a share of the character's height, the top's and
# the bottom's added) may be where two digits meet; a single digit's outline
# seldom dips.
MIN_DIP = 0.1


def cut_paths(ink: np.ndarray, pen: float, margin: int, most: int) -> list[np.ndarray]:
    """Up to `most` cuts through a character's ink (uint8, rows by columns):
    each the column, for every row, left of which the first part lies; left
    to right, none within `margin` columns of a side, nor of another cut at
    the bottom row, none crossing another. The deepest outline dips first,
    then the cheapest paths."""
    height, width = ink.shape
    if most == 0 or width <= 2 * margin:
        return []
    ends = _outline_dips(ink > 0, margin)[:most]
    cuts = [np.full(height, column) for column in ends]
    for path in _least_ink_paths(ink, pen, margin, most):
        if len(cuts) < most and all(abs(path[-1] - end) >= margin for end in ends):
            cuts.append(path)
            ends.append(int(path[-1]))
    cuts.sort(key=lambda cut: int(cut[-1]))
    return list(np.maximum.accumulate(np.array(cuts), axis=0)) if cuts else []


def _outline_dips(mask: np.ndarray, margin: int) -> list[int]:
    """Columns where the ink's top edge lies below, and its bottom edge above,
    the highest and lowest ink on both sides: the deepest first, at least
    `margin` apart and from the sides."""
    height, width = mask.shape
    inked = mask.any(axis=0)
    top = np.where(inked, mask.argmax(axis=0), height).astype(np.float64)
    bottom = np.where(inked, height - 1 - mask[::-1].argmax(axis=0), -1).astype(np.float64)
    highest = np.maximum(np.minimum.accumulate(top), np.minimum.accumulate(top[::-1])[::-1])
    lowest = np.minimum(np.maximum.accumulate(bottom), np.maximum.accumulate(bottom[::-1])[::-1])
    depth = (top - highest) + (lowest - bottom)
    depth[~inked] = 0  # a gap is no dip: the components already part there
    inner = np.arange(margin, width - margin)
    deep = inner[depth[inner] >= MIN_DIP * height]
    chosen: list[int] = []
    for column in deep[np.argsort(-depth[deep], kind="stable")].tolist():
        if all(abs(column - other) >= margin for other in chosen):
            chosen.append(column)
    return chosen


def _least_ink_paths(ink: np.ndarray, pen: float, margin: int, most: int) -> list[np.ndarray]:
    """The cheapest top-to-bottom paths (see the module's docstring)."""
    height, width = ink.shape
    block = -(-height // SEARCH_ROWS)
    small = _block_sums(ink, block)
    lo, hi = -(-margin // block), (width - margin) // block
    if hi <= lo:
        return []
    unit = 255.0 * max(pen, 1.0) * block  # one pen width of ink crossed, in block sums
    crossed, steps = _least_ink(small[:, lo:hi], STEP_COST * unit)
    picked = _cheapest_minima(crossed, MAX_CUT_INK * unit, max(1, margin // block), most)
    paths = [(_trace(steps, end) + lo) * block + block // 2 for end in picked]
    # Each block row stands for `block` rows of the ink.
    return [np.clip(np.repeat(path, block)[:height], margin, width - margin) for path in paths]


def _block_sums(ink: np.ndarray, block: int) -> np.ndarray:
    if block == 1:
        return ink.astype(np.float64)
    height, width = ink.shape
    padded = np.zeros((-(-height // block) * block, -(-width // block) * block))
    padded[:height, :width] = ink
    rows, cols = padded.shape
    return padded.reshape(rows // block, block, cols // block, block).sum(axis=(1, 3))


def _least_ink(cost: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """For every bottom column, the least ink a top-to-bottom path crosses to
    reach it, and for every row and column where (-1, 0, +1 columns aside) the
    best path into it came from."""
    rows, cols = cost.shape
    total = cost[0].copy()
    steps = np.zeros((rows, cols), dtype=np.int8)
    # Rows 0, 1, 2: arriving from the column to the left, from straight above,
    # from the right. One buffer refilled in place: this loop runs for every
    # touching pair, and fresh arrays each row cost more than the arithmetic.
    choices = np.full((3, cols), np.inf)
    for row in range(1, rows):
        choices[0, 1:] = total[:-1]
        choices[0, 1:] += step
        choices[1] = total
        choices[2, :-1] = total[1:]
        choices[2, :-1] += step
        steps[row] = choices.argmin(axis=0) - 1
        total = choices.min(axis=0) + cost[row]
    return total, steps


def _cheapest_minima(crossed: np.ndarray, limit: float, apart: int, most: int) -> list[int]:
    padded = np.r_[np.inf, crossed, np.inf]
    local = np.flatnonzero((crossed <= padded[:-2]) & (crossed <= padded[2:]) & (crossed <= limit))
    picked: list[int] = []
    for end in local[np.argsort(crossed[local], kind="stable")].tolist():
        if all(abs(end - other) >= apart for other in picked):
            picked.append(end)
            if len(picked) == most:
                break
    return sorted(picked)


def _trace(steps: np.ndarray, end: int) -> np.ndarray:
    """The columns, top row to bottom, of the best path ending at `end`."""
    path = np.empty(len(steps), dtype=np.int64)
    path[-1] = end
    for row in range(len(steps) - 1, 0, -1):
        path[row - 1] = path[row] + steps[row, path[row]]
    return path
