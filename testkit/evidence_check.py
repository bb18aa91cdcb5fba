"""Is an evidence map faithful to the network? The deletion check, and its digits.

For one drawing and the digit the network answered: delete (set to 0) the fifth
of the ink pixels with the most evidence for that digit, and, separately, a
random fifth of the ink, five times. The map passes on this drawing when its
deletion lowers the digit's log-odds more than the random deletions do on
average. A faithful method passes on at least 90% of drawings; one that merely
highlights the ink passes on about three in four, because the brightest ink is
not always where the digit's identity lies.

The drawings are held-out writers' digits: the writers of
pen-digits-trajectories.json that the model's card names as never trained on
(`held_out_writers`), rendered through model.character.preprocess.preprocess_strokes as
the page renders strokes.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.character.preprocess import preprocess_strokes
from model.core.contract import NUM_CLASSES
from model.evidence import log_odds

DELETE_FRACTION = 0.2
RANDOM_DRAWS = 5
REQUIRED_PASS_RATE = 0.9
# The trajectories' coordinates: tablet pixels of a 500x500 writing box.
TRAJECTORY_BOX = 500


@dataclass(frozen=True)
class CheckResult:
    """How many drawings the maps passed on, of how many."""

    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def held_out_writers(card: dict) -> list[int]:
    """The writers the model's card says it never saw in training."""
    writers = card.get("writers", {}).get("heldout")
    if not writers:
        raise ValueError("the model card names no held-out writers ('writers.heldout')")
    return list(writers)


def held_out_digits(path: Path, writers: Iterable[int]) -> np.ndarray:
    """(N, 28, 28) float32: the given writers' digits in pen-digits-trajectories.json."""
    wanted = set(writers)
    images = []
    for record in json.loads(Path(path).read_text()):
        if record["writer"] not in wanted:
            continue
        strokes = [np.asarray(stroke, dtype=np.float64) for stroke in record["strokes"]]
        drawn = preprocess_strokes(strokes, TRAJECTORY_BOX, TRAJECTORY_BOX)
        if not drawn.empty:
            images.append(drawn.image)
    return np.asarray(images, dtype=np.float32).reshape(-1, 28, 28)


def deletion_drops(
    classifier, image: np.ndarray, digit: int, evidence: np.ndarray, rng: np.random.Generator
) -> tuple[float, float]:
    """(log-odds fall when the top fifth of the ink by `evidence` is deleted, mean fall
    over RANDOM_DRAWS random fifths). Ties in `evidence` go to the earlier pixel."""
    flat = np.asarray(image, dtype=np.float32).ravel()
    ink = np.flatnonzero(flat > 0)
    count = max(1, round(DELETE_FRACTION * len(ink)))
    strongest = ink[np.argsort(-np.asarray(evidence).ravel()[ink], kind="stable")[:count]]
    chosen = [strongest] + [rng.choice(ink, count, replace=False) for _ in range(RANDOM_DRAWS)]
    copies = np.repeat(flat[None], 1 + len(chosen), axis=0)
    for copy, pixels in zip(copies[1:], chosen, strict=True):
        copy[pixels] = 0.0
    odds = log_odds(classifier.predict_batch(copies.reshape(-1, 28, 28)))[:, digit]
    falls = odds[0] - odds[1:]
    return float(falls[0]), float(falls[1:].mean())


def deletion_check(
    classifier,
    images: np.ndarray,
    evidence_for: Callable[[np.ndarray, int], np.ndarray],
    seed: int = 0,
) -> CheckResult:
    """Run the check over `images`; `evidence_for(image, digit)` gives the 28x28 map
    for the digit the network answers."""
    rng = np.random.default_rng(seed)
    passed = 0
    for image in images:
        digit = int(np.argmax(classifier.predict(image)[:NUM_CLASSES]))
        top, random = deletion_drops(classifier, image, digit, evidence_for(image, digit), rng)
        passed += top > random
    return CheckResult(passed=passed, total=len(images))
