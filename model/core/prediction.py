"""What the model's outputs for one character mean: a Prediction.

The model has eleven outputs: the ten digits, then "not a digit". A drawing is
answered "not a digit" when that output reaches the threshold its model card
names (chosen on validation writers, model.training.calibration); then `digit`
is None and `confidence` is the not-a-digit probability. `probabilities` are
always the ten digits' alone, renormalised to sum to 1: what the model would
read if the drawing is a digit after all (the page keeps its bars).
"""

from dataclasses import dataclass

import numpy as np

from model.core.contract import NOT_A_DIGIT, NUM_CLASSES

# Below this top probability the page says the model is unsure and shows the
# two best candidates. On the pen-written held-out digits, answers this unsure
# are rare and wrong far more often than confident ones.
UNSURE_BELOW = 0.6
# Used when a model card names no threshold: "not a digit" when it is the likelier half.
DEFAULT_NOT_A_DIGIT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Prediction:
    """What the model read: the digit (None when nothing was drawn, or when the
    drawing does not look like a digit: `not_a_digit`) and why."""

    digit: int | None
    confidence: float
    probabilities: tuple[float, ...]  # the ten digits', summing to 1
    empty: bool
    image: np.ndarray | None
    not_a_digit: bool = False

    @classmethod
    def nothing(cls) -> "Prediction":
        uniform = (1.0 / NUM_CLASSES,) * NUM_CLASSES
        return cls(digit=None, confidence=0.0, probabilities=uniform, empty=True, image=None)

    @property
    def unsure(self) -> bool:
        return not self.empty and not self.not_a_digit and self.confidence < UNSURE_BELOW

    def top_two(self) -> list[tuple[int, float]]:
        """The two most probable digits with their probabilities, best first."""
        order = np.argsort(self.probabilities)[::-1][:2]
        return [(int(digit), self.probabilities[digit]) for digit in order]

    def to_json(self) -> dict:
        return {
            "digit": self.digit,
            "confidence": self.confidence,
            "probabilities": list(self.probabilities),
            "empty": self.empty,
            "not_a_digit": self.not_a_digit,
        }


def read_probabilities(classifier, outputs: np.ndarray, image: np.ndarray) -> Prediction:
    """The prediction the classifier's outputs for `image` make: the ten digits'
    probabilities, and "not a digit" when the eleventh output reaches the card's
    threshold."""
    outputs = np.asarray(outputs, dtype=np.float64)
    not_a_digit = outputs[NOT_A_DIGIT] if len(outputs) > NUM_CLASSES else 0.0
    # Also why a float32 softmax, summing to 1 only within ~1e-7, is renormalised.
    probabilities = outputs[:NUM_CLASSES] / outputs[:NUM_CLASSES].sum()
    threshold = getattr(classifier, "card", {}).get("not_a_digit", {}).get("threshold")
    if not_a_digit >= (threshold or DEFAULT_NOT_A_DIGIT_THRESHOLD):
        digit, confidence = None, float(not_a_digit)
    else:
        digit = int(probabilities.argmax())
        confidence = float(probabilities[digit])
    return Prediction(
        digit=digit,
        confidence=confidence,
        probabilities=tuple(float(value) for value in probabilities),
        empty=False,
        image=image,
        not_a_digit=digit is None,
    )
