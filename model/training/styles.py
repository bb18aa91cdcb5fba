"""Writing styles MNIST never shows, synthesised for training on real pen strokes.

MNIST's writers were American: its 0s are never slashed, its 7s rarely crossed,
its 1s a bare stick. People elsewhere write a slashed zero (Ø), a 1 with a long
upstroke, a crossed 7, an open 4 or a 4 in one stroke, a 9 with a curled tail.
Here a training writer's digit gains the stroke its style adds (`stylise`), and
templates draw the 4s and 9s (`template`), then `jitter` makes each hand-drawn.
The check sets that measure these styles are built differently (check_sets.py):
other parameter ranges, other constructions, held-out writers only.
"""

import numpy as np

from model.training.strokes import arc, bbox, densify, jitter

# The classes whose training digits can gain a style here; 4 and 9 also have templates.
STYLED_CLASSES = (0, 1, 7, 9)
TEMPLATE_CLASSES = (4, 4, 9)  # open 4s, one-stroke 4s, curled 9s: one template each


def stylise(strokes, label: int, rng: np.random.Generator):
    """The digit with its class's style stroke added, or None when its shape does not
    take one (a 9 whose last stroke does not end at the bottom). The strokes are
    sampled densely, as the tablet's are: a 7's stem is found among its samples."""
    x0, y0, x1, y1, width, height = bbox(strokes)
    step = height / 40
    if label == 0:  # a slash from below-left to above-right, past the ring
        start = (x0 + rng.uniform(-0.2, 0.3) * width, y1 + rng.uniform(-0.05, 0.2) * height)
        end = (x1 - rng.uniform(-0.2, 0.3) * width, y0 - rng.uniform(-0.05, 0.2) * height)
        return [*strokes, densify([start, end], step)]
    if label == 1:  # a long upstroke into the top, sometimes a foot
        top = np.concatenate(strokes)[np.concatenate(strokes)[:, 1].argmin()]
        length = rng.uniform(0.2, 0.6) * height
        angle = np.radians(rng.uniform(15, 60))
        start = top + length * np.array([-np.cos(angle), np.sin(angle)])
        drawn = [densify([start, top], step), *strokes]
        if rng.random() < 0.3:
            bottom = np.concatenate(strokes)[np.concatenate(strokes)[:, 1].argmax()]
            half = rng.uniform(0.15, 0.35) * height
            foot = np.array([half, 0.0])
            drawn.append(densify([bottom - foot, bottom + foot], step))
        return drawn
    if label == 7:  # a bar across the stem, about half-way down
        level = y0 + rng.uniform(0.4, 0.65) * height
        points = np.concatenate(strokes)
        near = points[np.abs(points[:, 1] - level) < 0.08 * height]
        centre_x = near[:, 0].mean() if len(near) else (x0 + x1) / 2
        half = rng.uniform(0.15, 0.35) * max(width, 0.6 * height)
        tilt = rng.uniform(-0.06, 0.06) * height
        return [
            *strokes,
            densify([(centre_x - half, level + tilt), (centre_x + half, level)], step),
        ]
    if label == 9:  # the tail curls to the left at its end
        tail = strokes[-1]
        if tail[-1, 1] < y1 - 0.2 * height:
            return None
        radius = rng.uniform(0.08, 0.22) * height
        sweep = rng.uniform(120, 300)
        curl = arc(tail[-1] - (radius, 0), radius, 0, sweep)
        return [*strokes[:-1], np.concatenate([tail, curl[1:]])]
    raise ValueError(f"no style for digit {label}")


def template(kind: int, rng: np.random.Generator):
    """A hand-drawn-looking digit from a parametric template, in 0..100 units:
    kind 0 an open 4 (two strokes, the top left open), kind 1 a 4 in one stroke,
    kind 2 a 9 with a curled tail. Returns (strokes, label)."""

    def u(low, high):
        return rng.uniform(low, high) * 100

    if kind == 0:
        bar = u(0.5, 0.68)
        arm = [
            (u(0.05, 0.3), u(-0.02, 0.1)),
            (u(0.0, 0.15), bar),
            (u(0.8, 1.0), bar + u(-5, 5) / 100),
        ]
        stem_x = u(0.55, 0.75)
        stem = [(stem_x, u(-0.05, 0.2)), (stem_x + u(-0.08, 0.08), u(0.95, 1.05))]
        return jitter([densify(arm, 2), densify(stem, 2)], rng), 4
    if kind == 1:
        bar = u(0.5, 0.65)
        stem_x = u(0.55, 0.75)
        gap = u(0.02, 0.08)
        path = [
            (u(0.05, 0.3), u(-0.02, 0.1)),
            (u(0.0, 0.12), bar),
            (u(0.75, 0.95), bar + u(-4, 4) / 100),
            (stem_x + gap, u(-0.02, 0.15)),
            (stem_x, u(0.95, 1.05)),
        ]
        return jitter([densify(path, 2)], rng), 4
    radius = u(0.18, 0.26)
    centre = np.array([u(0.4, 0.5), u(0.2, 0.3)])
    start = rng.uniform(-30, 30)
    loop = arc(centre, radius, start, start - 360, 40)  # anticlockwise on screen
    stem_top = centre + np.array([radius, 0.0])
    bottom = (stem_top[0] + u(-0.12, 0.02), u(0.85, 1.0))
    curl_radius = u(0.07, 0.18)
    curl = arc((bottom[0] - curl_radius, bottom[1]), curl_radius, 0, rng.uniform(120, 280))
    tail = np.concatenate([densify([stem_top, bottom], 2), curl[1:]])
    return jitter([loop, tail], rng), 9


def training_styles(drawings, labels, rng: np.random.Generator, probability: float, count: int):
    """Extra training drawings: each styled-class digit gains its style with `probability`,
    plus `count` templates of each template kind. Returns (drawings, labels)."""
    extra, extra_labels = [], []
    for strokes, label in zip(drawings, labels, strict=True):
        if int(label) in STYLED_CLASSES and rng.random() < probability:
            styled = stylise(strokes, int(label), rng)
            if styled is not None:
                extra.append(jitter(styled, rng, wobble=0.01, slant=0.08))
                extra_labels.append(int(label))
    for kind in range(len(TEMPLATE_CLASSES)):
        for _ in range(count):
            strokes, label = template(kind, rng)
            extra.append(strokes)
            extra_labels.append(label)
    return extra, np.asarray(extra_labels, dtype=np.uint8)
