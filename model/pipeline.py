"""From a drawing to a prediction: preprocessing and inference in one call.

This is what the dashboard's callbacks and the HTTP API both call, so the
page and the API always answer the same for the same drawing.
"""

from dataclasses import dataclass

import numpy as np

from model.contract import NUM_CLASSES
from model.preprocess import Preprocessed, preprocess_canvas, preprocess_image

# Below this top probability the page says the model is unsure and shows the
# two best candidates. On the pen-written held-out digits, answers this unsure
# are rare and wrong far more often than confident ones.
UNSURE_BELOW = 0.6


@dataclass(frozen=True)
class Prediction:
    """What the model read: the digit (None when nothing was drawn) and why."""

    digit: int | None
    confidence: float
    probabilities: tuple[float, ...]
    empty: bool
    image: np.ndarray | None

    @classmethod
    def nothing(cls) -> "Prediction":
        uniform = (1.0 / NUM_CLASSES,) * NUM_CLASSES
        return cls(digit=None, confidence=0.0, probabilities=uniform, empty=True, image=None)

    @property
    def unsure(self) -> bool:
        return not self.empty and self.confidence < UNSURE_BELOW

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
        }


def classify(classifier, preprocessed: Preprocessed) -> Prediction:
    """Run the classifier on a preprocessed drawing."""
    if preprocessed.empty:
        return Prediction.nothing()
    return read_probabilities(classifier.predict(preprocessed.image), preprocessed.image)


def read_probabilities(output: np.ndarray, image: np.ndarray) -> Prediction:
    """The prediction the classifier's ten probabilities for `image` make."""
    probabilities = output.astype(np.float64)
    probabilities /= probabilities.sum()  # float32 softmax sums to 1 only within ~1e-7
    digit = int(probabilities.argmax())
    return Prediction(
        digit=digit,
        confidence=float(probabilities[digit]),
        probabilities=tuple(float(value) for value in probabilities),
        empty=False,
        image=image,
    )


def predict_canvas(classifier, json_data, width=None, height=None) -> Prediction:
    """dash-canvas json_data (string or dict) to a prediction."""
    return classify(classifier, preprocess_canvas(json_data, width, height))


def predict_image(classifier, data) -> Prediction:
    """An image (data URL or bytes) to a prediction."""
    return classify(classifier, preprocess_image(data))
