"""Accuracy figures: overall, per class, confusion matrix; `python -m model.training.evaluate`.

`accuracy_report` works on any array of probabilities, so the same code
measures the Keras model during training and the exported LiteRT file. Run as
a command, it measures the committed model as served (LiteRT): the full MNIST
test set, the same digits re-normalised through the serving image path (PNG
in, preprocessing, model), and the pen-written digits' held-out part.
"""

import argparse
import io

import numpy as np
from PIL import Image

from model.contract import NUM_CLASSES


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Counts: rows are true classes, columns predicted classes."""
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(matrix, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return matrix


def accuracy_report(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Overall and per-class accuracy and the confusion matrix, JSON-ready."""
    predicted = probabilities.argmax(axis=1)
    matrix = confusion_matrix(labels, predicted)
    per_class = np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)
    return {
        "count": len(labels),
        "accuracy": float((predicted == labels).mean()),
        "per_class_accuracy": [round(float(value), 5) for value in per_class],
        "confusion_matrix": matrix.tolist(),
    }


def renormalised(images: np.ndarray) -> np.ndarray:
    """MNIST digits sent through the serving image path, as PNG files are."""
    from model.preprocess import preprocess_image

    out = np.zeros_like(images)
    for index, image in enumerate(images):
        buffer = io.BytesIO()
        Image.fromarray((image * 255).round().astype(np.uint8)).save(buffer, format="PNG")
        result = preprocess_image(buffer.getvalue())
        if not result.empty:
            out[index] = result.image
    return out


def evaluate(mnist_path, pen_path, model_path=None, card_path=None, seed=None) -> dict:
    """The committed model's figures, measured with LiteRT as it is served."""
    from model.inference import load_classifier
    from model.training import data

    classifier = load_classifier(model_path, card_path)
    training = classifier.card.get("training", {})
    seed = training.get("seed") if seed is None else seed
    _, _, x_test, y_test = data.load_mnist(mnist_path)
    pen_x, pen_y = data.load_pen_digits(pen_path)
    fraction = training.get("pen_holdout_fraction", data.PEN_HOLDOUT_FRACTION)
    _, held = data.split_holdout(len(pen_x), fraction, seed)
    return {
        "mnist_test": accuracy_report(y_test, classifier.predict_batch(x_test)),
        "mnist_test_renormalised": accuracy_report(
            y_test, classifier.predict_batch(renormalised(x_test))
        ),
        "pen_digits_heldout": accuracy_report(pen_y[held], classifier.predict_batch(pen_x[held])),
    }


def main(argv=None) -> None:
    from model.training import data

    parser = argparse.ArgumentParser(description="Measure the committed model with LiteRT.")
    parser.add_argument("--mnist", default=str(data.MNIST_PATH))
    parser.add_argument("--pen", default=str(data.PEN_DIGITS_PATH))
    args = parser.parse_args(argv)
    figures = evaluate(args.mnist, args.pen)
    for name, report in figures.items():
        print(f"{name:28s} {report['accuracy']:.4%} of {report['count']}")
    raw = figures["mnist_test"]["accuracy"]
    again = figures["mnist_test_renormalised"]["accuracy"]
    print(f"re-normalising MNIST changes accuracy by {100 * (again - raw):+.2f} points")


if __name__ == "__main__":
    main()
