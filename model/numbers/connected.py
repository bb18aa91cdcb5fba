"""Connected components of an ink mask, in NumPy alone (serving has no SciPy).

The mask is read as runs: stretches of ink along a row. Two runs on
neighbouring rows touch when their columns overlap or meet at a corner (8-way
connectivity, so a thin diagonal stroke stays one piece); all touching pairs
are found with two sorted searches, and joined by a vectorised union-find
(hook every pair's larger root under its smaller one, then halve paths until
every run points at its root). The work follows the number of runs, a few
thousand for a drawing, never a Python loop over pixels.
"""

import functools
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Components:
    """`count` components: per component, its box [x0, y0, x1, y1) in pixels
    (ends exclusive) and its number of ink pixels; and a label image (-1 where
    there is no ink), drawn when first asked for (one digit alone needs none)."""

    boxes: np.ndarray
    sizes: np.ndarray
    mask: np.ndarray = field(repr=False)
    # Each run's length and its component, in the mask's row-major order.
    run_lengths: np.ndarray = field(repr=False)
    run_labels: np.ndarray = field(repr=False)

    @property
    def count(self) -> int:
        return len(self.sizes)

    @functools.cached_property
    def labels(self) -> np.ndarray:
        labels = np.full(self.mask.shape, -1, dtype=np.int64)
        labels[self.mask] = np.repeat(self.run_labels, self.run_lengths)
        return labels


def connected_components(mask: np.ndarray) -> Components:
    """The 8-connected components of a boolean mask, numbered left to right by
    their first column (then top to bottom)."""
    height, width = mask.shape
    row_starts, col_starts, col_ends = _runs(mask)
    roots = _join(_touching_runs(row_starts, col_starts, col_ends, width), len(row_starts))
    if len(roots) and not roots.any():  # every run joined to the first: one component
        box = [col_starts.min(), row_starts[0], col_ends.max(), row_starts[-1] + 1]
        return Components(
            boxes=np.array([box], dtype=np.int64),
            sizes=np.array([int((col_ends - col_starts).sum())], dtype=np.int64),
            mask=mask,
            run_lengths=col_ends - col_starts,
            run_labels=roots,
        )
    _, run_label = np.unique(roots, return_inverse=True)
    count = int(run_label.max()) + 1 if len(run_label) else 0
    boxes = np.empty((count, 4), dtype=np.int64)
    boxes[:, 0] = _per_label(np.minimum, col_starts, run_label, count, width)
    boxes[:, 1] = _per_label(np.minimum, row_starts, run_label, count, height)
    boxes[:, 2] = _per_label(np.maximum, col_ends, run_label, count, 0)
    boxes[:, 3] = _per_label(np.maximum, row_starts + 1, run_label, count, 0)
    sizes = np.bincount(run_label, weights=col_ends - col_starts, minlength=count)
    order = np.lexsort((boxes[:, 1], boxes[:, 0]))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    return Components(
        boxes=boxes[order],
        sizes=sizes[order].astype(np.int64),
        mask=mask,
        run_lengths=col_ends - col_starts,
        run_labels=rank[run_label],
    )


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run of ink, in row-major order: its row, first column and the
    column one past its last."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=bool)
    padded[:, 1:-1] = mask
    # Every row starts and ends without ink, so its changes alternate: a run's
    # start, its end, the next start... In row-major order, one pass finds all.
    changes = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    rows, columns = np.divmod(changes, mask.shape[1] + 1)
    return rows[0::2], columns[0::2], columns[1::2]


def _touching_runs(rows, starts, ends, width) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) index pairs of runs on consecutive rows that touch, b below a.

    Runs are numbered in row-major order, so a position packed as
    row * stride + column sorts runs; the runs below run a that touch it are
    those from the first whose end reaches a's start to the last whose start
    is within a's end."""
    stride = width + 2
    below = (rows + 1) * stride
    first = np.searchsorted(rows * stride + ends, below + starts, side="left")
    last = np.searchsorted(rows * stride + starts, below + ends, side="right")
    counts = np.maximum(last - first, 0)
    upper = np.repeat(np.arange(len(rows)), counts)
    lower = np.repeat(first, counts) + (
        np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    return upper, lower


def _join(pairs: tuple[np.ndarray, np.ndarray], count: int) -> np.ndarray:
    """Each run's root (the smallest run index of its component)."""
    parent = np.arange(count)
    upper, lower = pairs
    while len(upper):
        root_a, root_b = parent[upper], parent[lower]
        apart = root_a != root_b
        if not apart.any():
            break
        upper, lower = upper[apart], lower[apart]
        low, high = (
            np.minimum(root_a[apart], root_b[apart]),
            np.maximum(root_a[apart], root_b[apart]),
        )
        np.minimum.at(parent, high, low)
        parent = _to_roots(parent)
    return parent


def _to_roots(parent: np.ndarray) -> np.ndarray:
    # Every parent is at most its child, so halving converges to the roots.
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand


def _per_label(reduce, values, labels, count, initial) -> np.ndarray:
    out = np.full(count, initial, dtype=np.int64)
    reduce.at(out, labels, values)
    return out
