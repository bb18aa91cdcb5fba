"""Connected components of an ink mask, in NumPy alone (serving has no SciPy).

The mask is read as runs: stretches of ink along a row. Two runs on
neighbouring rows touch when their columns overlap or meet at a corner (8-way
connectivity, so a thin diagonal stroke stays one piece); all touching pairs
are found with two sorted searches, and joined by a vectorised union-find
(hook every pair's larger root under its smaller one, then halve paths until
every run points at its root). The work follows the number of runs, a few
thousand for a drawing, never a Python loop over pixels.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Components:
    """`count` components: a label image (-1 where there is no ink) and, per
    component, its box [x0, y0, x1, y1) in pixels (ends exclusive) and its
    number of ink pixels."""

    labels: np.ndarray
    boxes: np.ndarray
    sizes: np.ndarray

    @property
    def count(self) -> int:
        return len(self.sizes)


def connected_components(mask: np.ndarray) -> Components:
    """The 8-connected components of a boolean mask, numbered left to right by
    their first column (then top to bottom)."""
    height, width = mask.shape
    row_starts, col_starts, col_ends = _runs(mask)
    roots = _join(_touching_runs(row_starts, col_starts, col_ends, width), len(row_starts))
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
    labels = np.full(mask.shape, -1, dtype=np.int64)
    labels[mask] = np.repeat(rank[run_label], col_ends - col_starts)
    return Components(labels=labels, boxes=boxes[order], sizes=sizes[order].astype(np.int64))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run of ink, in row-major order: its row, first column and the
    column one past its last."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    return rows, starts, ends


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
