"""Exporting the trained Keras model: the .tflite file, its weights, its card.

The .tflite file takes a (batch, 28, 28, 1) float32 input of any batch size.
The model card (JSON) carries everything needed to use and trust the file:
the input contract, the file's sha256, and how it was trained and measured.
"""

import json
from pathlib import Path

import tensorflow as tf

from model.contract import INPUT_SHAPE
from model.inference import DEFAULT_CARD_PATH as CARD_PATH
from model.inference import DEFAULT_MODEL_PATH as TFLITE_PATH
from model.inference import SHIPPED_DIR as MODEL_DIR

WEIGHTS_PATH = MODEL_DIR / "digit_cnn.weights.h5"


def export_tflite(model, path=TFLITE_PATH) -> Path:
    """Convert to a float32 .tflite file with a dynamic batch dimension."""
    signature = [tf.TensorSpec((None, *INPUT_SHAPE), tf.float32, name="image")]
    model.export(str(path), format="litert", input_signature=signature, verbose=False)
    return Path(path)


def write_card(card: dict, path=CARD_PATH) -> Path:
    path = Path(path)
    path.write_text(json.dumps(card, indent=2) + "\n")
    return path
