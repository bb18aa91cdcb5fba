"""The two pen collections as the validation table and training read them: the
pen-digits writers (1-30, pen-digits-trajectories.json) and the UJI writers
(1-60, uji-pen-digits.json), each digit as written (every sample, every
stroke), and each collection's fixed writer-disjoint split.

Every digit is scaled by its own bounding box (`fit_own_box`): its longer side
spans 0..OWN_BOX, the aspect is kept and the shorter side centred. The UJI
digits come from two devices with different pixel sizes, so a digit's own box
is the only common frame; the pen-digits trajectories are treated the same way
so that both collections reach the pad alike.

The UJI split (`split_uji_writers`) is a seeded permutation of the 60 writer
ids, cut into held-out, validation and training writers: the seed and the sizes
were fixed before any model was measured on the collection and are never
redrawn to favour a figure. Held out: UJI_HELDOUT_WRITERS writers (400 digits,
enough for a 95% interval of about +-1 point at 99%); validation:
UJI_VALIDATION_WRITERS (for a temperature or a threshold); the rest train. The
pen-digits split is the training config's (data.split_writers), as in the card.

`sparse` makes what a pointer with few events sends: about SPARSE_POINTS points
a digit, resampled evenly along each stroke's length, strokes and aspect kept.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.training import data
from model.training.config import TrainingConfig

OWN_BOX = 100.0
UJI_WRITER_IDS = tuple(range(1, 61))
UJI_SPLIT_SEED = 26  # fixed with this number, before any measurement
UJI_HELDOUT_WRITERS = 20
UJI_VALIDATION_WRITERS = 8
SPARSE_POINTS = 8


@dataclass(frozen=True)
class Collection:
    """One pen collection: each digit's strokes (own box), label and writer, the
    raw records (device or tablet pixels, for numbers written in one writer's
    own sizes) and the writer split {"heldout", "validation", "train"}."""

    name: str
    strokes: list[list[np.ndarray]]
    labels: np.ndarray
    writers: np.ndarray
    records: list[dict]
    split: dict[str, tuple[int, ...]]

    def part(self, name: str) -> np.ndarray:
        """Indices of the digits of the split's part `name` ("all": every digit)."""
        if name == "all":
            return np.arange(len(self.labels))
        return np.flatnonzero(np.isin(self.writers, self.split[name]))


def fit_own_box(strokes, side: float = OWN_BOX) -> list[np.ndarray]:
    """The strokes scaled so that the longer side of their box spans 0..side,
    the aspect kept and the shorter side centred; a dot stays a dot."""
    strokes = [np.asarray(stroke, dtype=np.float64).reshape(-1, 2) for stroke in strokes]
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float((high - low).max())
    scale = side / extent if extent > 0 else 1.0
    offset = (side - (high - low) * scale) / 2
    return [(stroke - low) * scale + offset for stroke in strokes]


def read_records(path: Path) -> list[dict]:
    """A collection's JSON records, or FileNotFoundError naming how to get it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path.name} not found at {path}; {data.MISSING_DATA_HINT}")
    return json.loads(path.read_text())


def split_uji_writers(
    seed: int = UJI_SPLIT_SEED,
    heldout: int = UJI_HELDOUT_WRITERS,
    validation: int = UJI_VALIDATION_WRITERS,
) -> dict[str, tuple[int, ...]]:
    """The seeded, writer-disjoint UJI split: {"heldout", "validation", "train"}."""
    order = np.random.default_rng(seed).permutation(UJI_WRITER_IDS)
    return {
        "heldout": tuple(sorted(int(w) for w in order[:heldout])),
        "validation": tuple(sorted(int(w) for w in order[heldout : heldout + validation])),
        "train": tuple(sorted(int(w) for w in order[heldout + validation :])),
    }


def _collection(name: str, records: list[dict], split: dict) -> Collection:
    return Collection(
        name=name,
        strokes=[fit_own_box(record["strokes"]) for record in records],
        labels=np.array([record["label"] for record in records], dtype=np.uint8),
        writers=np.array([record["writer"] for record in records], dtype=np.int64),
        records=records,
        split=split,
    )


def load_uji(path=None) -> Collection:
    """The UJI collection (60 writers, 1,200 digits) with its fixed split."""
    return _collection("uji", read_records(path or data.UJI_PATH), split_uji_writers())


def load_pen_digits(path=None, config: TrainingConfig | None = None) -> Collection:
    """The pen-digits collection (30 writers, 7,494 digits) with the config's split."""
    records = read_records(path or data.PEN_TRAJECTORIES_PATH)
    return _collection("pen-digits", records, data.split_writers(config or TrainingConfig()))


def resample(stroke: np.ndarray, count: int) -> np.ndarray:
    """`count` points evenly spaced along the stroke's length (its ends kept)."""
    stroke = np.asarray(stroke, dtype=np.float64)
    lengths = np.r_[0.0, np.cumsum(np.hypot(*np.diff(stroke, axis=0).T))]
    if count < 2 or lengths[-1] == 0:
        return stroke[:1].copy()
    at = np.linspace(0.0, lengths[-1], count)
    return np.column_stack([np.interp(at, lengths, stroke[:, axis]) for axis in (0, 1)])


def sparse(strokes, points: int = SPARSE_POINTS) -> list[np.ndarray]:
    """The digit with about `points` points in all, shared among its strokes by
    length (at least two each, one for a dot): a pointer that sent few events."""
    lengths = [
        float(np.hypot(*np.diff(np.asarray(s, dtype=np.float64), axis=0).T).sum())
        if len(s) > 1
        else 0.0
        for s in strokes
    ]
    total = sum(lengths) or 1.0
    return [
        resample(stroke, 1 if length == 0 else max(2, round(points * length / total)))
        for stroke, length in zip(strokes, lengths, strict=True)
    ]
