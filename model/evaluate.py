"""Accuracy figures for the model card: overall, per class, confusion matrix.

Works on any `predict(images) -> probabilities` function, so the same code
measures the Keras model during training and the exported LiteRT file.
"""

import numpy as np

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
