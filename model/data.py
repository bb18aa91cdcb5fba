"""Training data: MNIST from its .npz file and the pen-written digits rendered
through the serving preprocessing, with a seeded held-out split.

Paths default to ../shared/data (relative to the project root) and are
overridden by the DIGITS_DATA_DIR environment variable or explicit arguments;
nothing is ever downloaded.
"""

import json
import os
from pathlib import Path

import numpy as np

from model.preprocess import preprocess_strokes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DIGITS_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data"))
MNIST_PATH = DATA_DIR / "mnist.npz"
PEN_DIGITS_PATH = DATA_DIR / "pen-digits-train.json"
PEN_HOLDOUT_FRACTION = 0.2


def load_mnist(path=MNIST_PATH):
    """MNIST as float32 images in [0, 1] (N, 28, 28) and uint8 labels: train and test."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST file not found at {path}; pass --mnist or set DIGITS_DATA_DIR"
        )
    with np.load(path) as data:
        return (
            data["x_train"].astype(np.float32) / 255.0,
            data["y_train"].astype(np.uint8),
            data["x_test"].astype(np.float32) / 255.0,
            data["y_test"].astype(np.uint8),
        )


def load_pen_digits(path=PEN_DIGITS_PATH):
    """The pen-written digits rendered through the serving path: (N, 28, 28) float32, labels."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"pen digits not found at {path}; pass --pen or set DIGITS_DATA_DIR"
        )
    records = json.loads(path.read_text())
    images = np.empty((len(records), 28, 28), dtype=np.float32)
    labels = np.empty(len(records), dtype=np.uint8)
    for index, record in enumerate(records):
        strokes = [np.asarray(stroke, dtype=np.float64) for stroke in record["strokes"]]
        images[index] = preprocess_strokes(strokes).image
        labels[index] = record["label"]
    return images, labels


def split_holdout(count: int, fraction: float, seed: int):
    """Seeded random (train, held-out) index split. The file has no writer ids, so
    the same writers appear on both sides: this split flatters the held-out figure."""
    order = np.random.default_rng(seed).permutation(count)
    held = round(count * fraction)
    return np.sort(order[held:]), np.sort(order[:held])
