"""Check sets for the writing styles of issue 16 and for non-digits, built apart
from what training sees.

Every styled digit is a HELD-OUT writer's digit (never trained on) given its
style stroke by a generator other than training's (styles.py): other shapes (a
slash through the centre, a bowed flag, a wavy bar drawn right to left, a tail
bent by a Bezier curve), other parameter ranges, its own hand wobble (a smoothed
random walk, not training's sine waves) and its own seed; plus hand-written
stroke templates, each drawn with perturbed control points. The 4s in one stroke
include the held-out writers' own real one-stroke 4s. Non-digits: letters of
Hershey fonts that training never used, and scribbles and shapes from another seed.
"""

import numpy as np

from model.training import non_digits
from model.training.strokes import arc, bbox, densify

SEED = 20160416  # none of training's seeds
CHECK_FONTS = ("scripts", "timesi", "rowmand")

# Hand-written templates in 0..100 units (y down): each a list of strokes.
TEMPLATES = {
    "zero_slashed": [
        [arc((50, 50), 38, -90, 270, 40) * (0.8, 1.25) + (10, -12), [(85, 0), (15, 100)]],
        [arc((50, 50), 40, 200, -160, 40) * (0.75, 1.2) + (12, -10), [(20, 95), (80, 5)]],
    ],
    "one_flagged": [
        [[(25, 40), (60, 0), (60, 100)]],
        [[(15, 45), (35, 25), (58, 0), (55, 100)], [(35, 100), (80, 100)]],
        [[(30, 30), (62, 0)], [(62, 0), (58, 100)]],
    ],
    "seven_crossed": [
        [[(10, 10), (90, 10), (40, 100)], [(35, 55), (85, 55)]],
        [[(10, 20), (15, 8), (90, 8), (45, 100)], [(80, 50), (30, 52)]],
    ],
    "four_open": [
        [[(30, 0), (10, 65), (100, 65)], [(70, 25), (70, 100)]],
        [[(15, 0), (12, 40), (20, 58), (45, 62), (95, 58)], [(75, 0), (72, 100)]],
        [[(35, 0), (5, 60), (95, 60)], [(65, 30), (62, 100)]],
    ],
    "four_one_stroke": [
        [[(70, 100), (70, 0), (0, 65), (100, 65)]],
        [[(15, 0), (10, 60), (80, 60), (72, 0), (70, 100)]],
    ],
    "nine_curled": [
        [arc((45, 25), 25, 0, -360, 40), [(70, 25), (65, 85), (55, 100), (35, 95), (30, 80)]],
        [arc((50, 28), 24, 10, -350, 40), [(74, 30), (70, 90), (60, 100), (45, 90), (50, 78)]],
    ],
}
STYLE_LABELS = {
    "zero_slashed": 0,
    "one_flagged": 1,
    "seven_crossed": 7,
    "four_open": 4,
    "four_one_stroke": 4,
    "nine_curled": 9,
}
TEMPLATE_DRAWINGS = 40  # perturbed drawings of each template


def wobble(strokes, rng: np.random.Generator, amount: float = 0.02):
    """A hand's wobble of check's own making: densify, then add a smoothed random
    walk (not training's sine waves) and a random slant."""
    _, _, _, _, width, height = bbox(strokes)
    size = max(width, height)
    slant = rng.uniform(-0.2, 0.2)
    drawn = []
    for stroke in strokes:
        stroke = densify(stroke, size / 50)
        walk = np.cumsum(rng.normal(0, 1, stroke.shape), axis=0)
        kernel = np.ones(min(7, len(stroke))) / min(7, len(stroke))
        walk = np.stack([np.convolve(walk[:, i], kernel, mode="same") for i in range(2)], 1)
        walk -= walk.mean(axis=0)
        scale = np.abs(walk).max() or 1.0
        stroke = stroke + walk / scale * amount * size
        stroke[:, 0] -= slant * (stroke[:, 1] - height / 2)
        drawn.append(stroke)
    return drawn


def _bezier(start, control, end, count=20):
    t = np.linspace(0, 1, count)[:, None]
    return (1 - t) ** 2 * np.asarray(start) + 2 * (1 - t) * t * np.asarray(control) + t**2 * end


def add_style(strokes, style: str, rng: np.random.Generator):
    """A held-out writer's digit with the style stroke of this check's own construction,
    or None when the digit does not take it."""
    x0, y0, x1, y1, width, height = bbox(strokes)
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    points = np.concatenate(strokes)
    if style == "zero_slashed":  # through the centre, steep, drawn top to bottom
        angle = np.radians(rng.uniform(50, 80))
        half = rng.uniform(0.55, 0.75) * height
        offset = half * np.array([np.cos(angle), -np.sin(angle)])
        return [
            *strokes,
            _bezier(centre + offset, centre + rng.normal(0, 0.03, 2) * height, centre - offset),
        ]
    if style == "one_flagged":  # a bowed flag from below-left into the top
        top = points[points[:, 1].argmin()]
        start = top + np.array([-rng.uniform(0.2, 0.45), rng.uniform(0.25, 0.5)]) * height
        control = (start + top) / 2 + np.array([0.0, -rng.uniform(0.02, 0.12)]) * height
        flag = _bezier(start, control, top)
        first = strokes[0]
        if np.linalg.norm(first[0] - top) < 0.1 * height:
            return [np.concatenate([flag, first[1:]]), *strokes[1:]]
        return [flag, *strokes]
    if style == "seven_crossed":  # a wavy bar, right to left, lower than training's
        level = y0 + rng.uniform(0.45, 0.7) * height
        near = points[np.abs(points[:, 1] - level) < 0.1 * height]
        if not len(near):
            return None
        stem = near[:, 0].mean()
        half = rng.uniform(0.2, 0.35) * max(width, 0.7 * height)
        shift = rng.uniform(-0.1, 0.1) * half
        bar = _bezier(
            (stem + half + shift, level),
            (stem, level + rng.normal(0, 0.04) * height),
            (stem - half + shift, level + rng.uniform(-0.04, 0.04) * height),
        )
        return [*strokes, bar]
    if style == "nine_curled":  # the tail bent back left and up by a Bezier curve
        tail = strokes[-1]
        end = tail[-1]
        if end[1] < y1 - 0.2 * height:
            return None
        control = end + np.array([rng.uniform(-0.1, 0.05), rng.uniform(0.1, 0.25)]) * height
        tip = end + np.array([-rng.uniform(0.2, 0.4), rng.uniform(-0.15, 0.1)]) * height
        return [*strokes[:-1], np.concatenate([tail, _bezier(end, control, tip)[1:]])]
    raise ValueError(f"no heldout-writer construction for {style!r}")


def _perturbed(template, rng):
    strokes = [np.asarray(stroke, dtype=np.float64) for stroke in template]
    jittered = [stroke + rng.normal(0, 3.0, stroke.shape) * (len(stroke) < 8) for stroke in strokes]
    return wobble(jittered, rng)


def style_sets(held_strokes, held_labels) -> dict[str, dict]:
    """{style: {"drawings", "label", "from_writers", "from_templates"}} for every style."""
    rng = np.random.default_rng(SEED)
    sets = {}
    for style, label in STYLE_LABELS.items():
        drawings = []
        mine = [strokes for strokes, y in zip(held_strokes, held_labels, strict=True) if y == label]
        if style == "four_one_stroke":  # the held-out writers' own one-stroke 4s
            drawings = [strokes for strokes in mine if len(strokes) == 1]
        elif style != "four_open":
            for strokes in mine:
                styled = add_style(strokes, style, rng)
                if styled is not None:
                    drawings.append(wobble(styled, rng, amount=0.01))
        from_writers = len(drawings)
        for template in TEMPLATES[style]:
            drawings.extend(_perturbed(template, rng) for _ in range(TEMPLATE_DRAWINGS))
        sets[style] = {
            "drawings": drawings,
            "label": label,
            "from_writers": from_writers,
            "from_templates": len(drawings) - from_writers,
        }
    return sets


def non_digit_sets(letter_variants: int = 3, scribbles: int = 300, shapes: int = 300):
    """{"letters": ..., "scribbles": ..., "shapes": ...}: letters of CHECK_FONTS (not
    trained on) with check's own wobble; scribbles and shapes from another seed."""
    rng = np.random.default_rng(SEED)
    made = non_digits.generate((), 0, scribbles, shapes, SEED)
    made["letters"] = [
        wobble(non_digits.letter_strokes(font, letter), rng, amount=0.025)
        for font in CHECK_FONTS
        for letter in non_digits.LETTERS
        for _ in range(letter_variants)
        if non_digits.letter_strokes(font, letter)
    ]
    return made
