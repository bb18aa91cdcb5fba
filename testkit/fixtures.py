"""The small data sets committed under tests/fixtures/ (origins in its README.md):
recorded dash-canvas payloads, 200 MNIST test digits and 300 pen-written digits."""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = ROOT / "tests" / "fixtures"
CANVAS_DIR = FIXTURES_DIR / "canvas"
MNIST_SAMPLE = FIXTURES_DIR / "mnist_test_200.npz"
PEN_DIGITS_SAMPLE = FIXTURES_DIR / "pen_digits_sample.json"


def canvas_fixture(name: str) -> dict:
    """One recorded payload: {"width", "height", "brush_width", "digit", "json_data"}."""
    return json.loads((CANVAS_DIR / f"{name.removesuffix('.json')}.json").read_text())


def canvas_fixture_names(drawn_digits_only: bool = False) -> list[str]:
    """The recorded payloads' names (file stems), sorted; with `drawn_digits_only`,
    only those holding a readable digit."""
    names = sorted(path.stem for path in CANVAS_DIR.glob("*.json"))
    if drawn_digits_only:
        names = [name for name in names if canvas_fixture(name)["digit"] is not None]
    return names


def mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    """200 MNIST test digits, (200, 28, 28) uint8 ink 255 on 0, and their labels."""
    with np.load(MNIST_SAMPLE) as sample:
        return sample["x_test"], sample["y_test"]


def pen_digits_sample() -> list[dict]:
    """300 pen-written digits: {"index", "label", "strokes"} (8 points, 0..100, y down)."""
    return json.loads(PEN_DIGITS_SAMPLE.read_text())
