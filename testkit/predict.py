"""One drawing read as one character: preprocessing, then the classifier.

The web process reads every drawing as a number (model/numbers/number.py),
which answers a drawing of one character exactly as these do; the tests and
the benchmarks use these to read a single character directly.
"""

from model.character.preprocess import Preprocessed, preprocess_canvas, preprocess_image
from model.core.prediction import Prediction, read_probabilities


def classify(classifier, preprocessed: Preprocessed) -> Prediction:
    """Run the classifier on a preprocessed drawing."""
    if preprocessed.empty:
        return Prediction.nothing()
    return read_probabilities(
        classifier, classifier.predict(preprocessed.image), preprocessed.image
    )


def predict_canvas(classifier, json_data, width=None, height=None) -> Prediction:
    """dash-canvas json_data (string or dict) to a prediction."""
    return classify(classifier, preprocess_canvas(json_data, width, height))


def predict_image(classifier, data) -> Prediction:
    """An image (data URL or bytes) to a prediction."""
    return classify(classifier, preprocess_image(data))
