"""Small tools for drawings held as strokes: lists of (n, 2) float arrays, y down.

Shared by the style synthesis (styles.py) and the non-digits (non_digits.py):
polylines densified so noise can bend them, the bounding box, and the
hand-drawing jitter that makes a clean template look drawn by a hand.
"""

import itertools

import numpy as np

# Points per unit of a drawing's larger side when a template is densified.
DENSITY = 60


def bbox(strokes) -> tuple[float, float, float, float, float, float]:
    """(left, top, right, bottom, width, height) of the ink, width and height at least 1e-6."""
    points = np.concatenate(strokes)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return x0, y0, x1, y1, max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)


def densify(polyline, step: float) -> np.ndarray:
    """A polyline resampled to a point at most `step` apart (its corners kept)."""
    polyline = np.asarray(polyline, dtype=np.float64)
    pieces = [polyline[:1]]
    for start, end in itertools.pairwise(polyline):
        count = max(1, int(np.ceil(np.linalg.norm(end - start) / step)))
        fractions = np.arange(1, count + 1)[:, None] / count
        pieces.append(start + (end - start) * fractions)
    return np.concatenate(pieces)


def arc(centre, radius, start_degrees, end_degrees, count=24) -> np.ndarray:
    """Points along a circular arc (y down, so positive angles turn clockwise on screen)."""
    angles = np.radians(np.linspace(start_degrees, end_degrees, count))
    return np.stack([centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)], 1)


def jitter(strokes, rng: np.random.Generator, wobble: float = 0.02, slant: float = 0.15):
    """A hand's version of a drawing: a random slant, rotation and aspect change of the
    whole drawing, then a smooth wobble (a few low-frequency sine waves along each
    stroke, `wobble` of the drawing's size), so no two drawings are the same."""
    x0, y0, _, _, width, height = bbox(strokes)
    size = max(width, height)
    angle = rng.uniform(-0.15, 0.15)
    shear = rng.uniform(-slant, slant)
    aspect = np.exp(rng.uniform(-0.15, 0.15))
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[aspect, shear], [0.0, 1.0]])
    centre = np.array([x0 + width / 2, y0 + height / 2])
    drawn = []
    for stroke in strokes:
        stroke = densify(stroke, size / DENSITY) if len(stroke) > 1 else np.asarray(stroke)
        along = np.linspace(0.0, 1.0, len(stroke))[:, None]
        wave = np.zeros_like(stroke)
        for _ in range(2):
            frequency = rng.uniform(0.5, 2.5)
            phase = rng.uniform(0, 2 * np.pi, size=2)
            wave += np.sin(2 * np.pi * frequency * along + phase) * rng.uniform(0.3, 1.0)
        stroke = stroke + wave * wobble * size / 2
        drawn.append((stroke - centre) @ matrix.T + centre)
    return drawn
