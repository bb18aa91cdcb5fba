"""Drawings that are not digits, for the model's eleventh answer "not a digit".

Three kinds, all as strokes, drawn through the serving rasterizer like the pen digits:
- letters from the Hershey stroke fonts (the `hershey-fonts` package, training only),
  each jittered as a hand would draw it. Letters a person could mean as a digit,
  or that look like one, are left out (LOOKALIKES);
- scribbles: a pen wandering with momentum, turning often, for a few strokes;
- shapes: triangles, boxes, stars, arrows, crosses, ticks, zigzags, waves, spirals,
  hashes and faces. A bare circle or ellipse is no shape here: it is a 0.
`generate(fonts, ...)` makes a set; the check set uses other fonts and another seed.
"""

import functools

import numpy as np
from HersheyFonts import HersheyFonts

from model.training.strokes import arc, densify, jitter

# Letters read as digits by people too: O/o/Q/D as 0, I/i/l/j/J as 1, Z/z as 2,
# S/s as 5, b/G as 6, B as 8, a/g/q as 9.
LOOKALIKES = set("OoQDIilJjZzSsbGBagq")
LETTERS = "".join(
    ch for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if ch not in LOOKALIKES
)
SHAPES = (
    "triangle",
    "box",
    "star",
    "arrow",
    "cross",
    "plus",
    "tick",
    "zigzag",
    "wave",
    "spiral",
    "hash",
    "face",
)


@functools.cache
def _font(name: str) -> HersheyFonts:
    font = HersheyFonts()
    font.load_default_font(name)  # parsing a font takes a while: once per font
    return font


def letter_strokes(font: str, letter: str) -> list[np.ndarray]:
    """One Hershey glyph's strokes (font units, y down)."""
    return [np.asarray(stroke, dtype=np.float64) for stroke in _font(font).strokes_for_text(letter)]


def letters(fonts, variants: int, rng: np.random.Generator) -> list:
    """`variants` jittered drawings of each allowed letter of each font."""
    drawings = []
    for font in fonts:
        for letter in LETTERS:
            strokes = letter_strokes(font, letter)
            if not strokes:
                continue
            for _ in range(variants):
                drawings.append(jitter(strokes, rng, wobble=0.025, slant=0.25))
    return drawings


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """One to three strokes of a wandering pen: heading turns a little each step,
    sometimes sharply, so the path tangles and doubles back."""
    strokes = []
    for _ in range(rng.integers(1, 4)):
        steps = int(rng.integers(25, 90))
        heading = rng.uniform(0, 2 * np.pi)
        turn = rng.normal(0, rng.uniform(0.2, 0.8), steps)
        turn[rng.random(steps) < 0.08] += rng.choice([-1, 1]) * np.pi * 0.8
        headings = heading + np.cumsum(turn)
        moves = np.stack([np.cos(headings), np.sin(headings)], 1) * rng.uniform(1, 3, (steps, 1))
        start = rng.uniform(0, 30, 2)
        strokes.append(start + np.cumsum(moves, axis=0))
    return strokes


def shape(name: str, rng: np.random.Generator) -> list[np.ndarray]:
    """A named shape in 0..100 units, before jitter."""
    u = rng.uniform
    if name == "triangle":
        points = [(u(0, 20), 100), (u(40, 60), u(0, 10)), (u(80, 100), 100)]
        return [densify([*points, points[0]], 2)]
    if name == "box":
        w, h = u(50, 100), u(50, 100)
        return [densify([(0, 0), (w, 0), (w, h), (0, h), (0, 0)], 2)]
    if name == "star":
        angles = np.radians(-90 + 144 * np.arange(6))
        return [densify(np.stack([np.cos(angles), np.sin(angles)], 1) * 50 + 50, 2)]
    if name == "arrow":
        tip = (100, u(40, 60))
        return [densify([(0, 50), tip], 2), densify([(u(60, 80), 20), tip, (u(60, 80), 80)], 2)]
    if name == "cross":
        return [densify([(0, 0), (100, 100)], 2), densify([(100, 0), (0, 100)], 2)]
    if name == "plus":
        return [densify([(50, 0), (50, 100)], 2), densify([(0, 50), (100, 50)], 2)]
    if name == "tick":
        return [densify([(0, u(40, 70)), (u(25, 40), 100), (100, 0)], 2)]
    if name == "zigzag":
        count = int(rng.integers(3, 7))
        x = np.linspace(0, 100, 2 * count + 1)
        y = np.where(np.arange(len(x)) % 2, 0, u(40, 100))
        return [densify(np.stack([x, y], 1), 2)]
    if name == "wave":
        x = np.linspace(0, 100, 80)
        y = u(20, 45) * np.sin(x / 100 * 2 * np.pi * u(1.2, 3.0))
        return [np.stack([x, y], 1)]
    if name == "spiral":
        t = np.linspace(0, 2 * np.pi * u(2.2, 3.5), 150)
        radius = 50 * t / t[-1]
        return [np.stack([radius * np.cos(t), radius * np.sin(t)], 1)]
    if name == "hash":
        return [
            densify([(30, 0), (25, 100)], 2),
            densify([(70, 0), (65, 100)], 2),
            densify([(0, 35), (100, 33)], 2),
            densify([(0, 70), (100, 68)], 2),
        ]
    if name == "face":
        return [
            arc((50, 50), 50, 0, 360, 60),
            arc((33, 35), 4, 0, 360, 10),
            arc((67, 35), 4, 0, 360, 10),
            arc((50, 55), 25, 20, 160, 20),
        ]
    raise ValueError(f"unknown shape {name!r}")


def generate(fonts, variants: int, scribbles: int, shapes: int, seed: int) -> dict[str, list]:
    """{"letters": drawings, "scribbles": drawings, "shapes": drawings}, all seeded."""
    rng = np.random.default_rng(seed)
    return {
        "letters": letters(fonts, variants, rng),
        "scribbles": [scribble(rng) for _ in range(scribbles)],
        "shapes": [
            jitter(shape(SHAPES[index % len(SHAPES)], rng), rng, wobble=0.03, slant=0.3)
            for index in range(shapes)
        ],
    }
