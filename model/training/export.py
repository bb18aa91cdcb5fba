"""Exporting the trained Keras model: the .tflite file, its weights, its card.

`python -m model.training.export` writes the .tflite file again from the
committed weights (no training) and brings the card's identity and measured
figures up to date; `python -m model.training.evaluate --write-card` then
re-measures every target.

The .tflite file takes a (batch, 28, 28, 1) float32 input of any batch size.
Its weights are stored as int8 (dynamic-range quantisation): activations and
outputs stay float32, and XNNPACK runs the int8 products about 3.7 times faster
than float32 ones (0.085 ms against 0.31 ms a digit), which is what lets a
number of several characters cost little more than one digit. The card
records how far the file's probabilities stray from the Keras weights'.
The model card (JSON) carries everything needed to use and trust the file:
the input contract, the file's sha256, and how it was trained and measured.
"""

import argparse
from pathlib import Path

import tensorflow as tf

from model.core.contract import INPUT_SHAPE
from model.core.hashing import sha256_of
from model.core.inference import DEFAULT_CARD_PATH as CARD_PATH
from model.core.inference import DEFAULT_MODEL_PATH as TFLITE_PATH
from model.core.inference import SHIPPED_DIR as MODEL_DIR
from model.training.card_file import read_card, write_card

WEIGHTS_PATH = MODEL_DIR / "digit_cnn.weights.h5"
QUANTIZATION = "dynamic-range: int8 weights, float32 activations, inputs and outputs"


def export_tflite(model, path=TFLITE_PATH) -> Path:
    """Convert to a .tflite file with int8 weights and a dynamic batch dimension."""
    signature = [tf.TensorSpec((None, *INPUT_SHAPE), tf.float32, name="image")]
    model.export(
        str(path),
        format="litert",
        input_signature=signature,
        verbose=False,
        optimizations=[tf.lite.Optimize.DEFAULT],
    )
    return Path(path)


def file_identity(tflite_path: Path) -> dict:
    """The card's fields naming the exported file."""
    return {
        "model_file": tflite_path.name,
        "model_sha256": sha256_of(tflite_path),
        "model_bytes": tflite_path.stat().st_size,
        "quantization": QUANTIZATION,
    }


def reexport(weights_path, card_path, tflite_path, mnist_path, pen_path) -> dict:
    """The committed weights exported again, the card's file identity and its
    LiteRT figures (MNIST, held-out writers, agreement with Keras) measured anew."""
    from model.core.inference import DigitClassifier
    from model.training import data
    from model.training.config import TrainingConfig
    from model.training.evaluate import exported_figures
    from model.training.network import build_model

    card = read_card(card_path)
    config = TrainingConfig.from_dict(card["training"]["config"])
    model = build_model(config.dropout)
    model.load_weights(weights_path)
    tflite_path = export_tflite(model, tflite_path)
    _, _, test_images, test_labels = data.load_mnist(mnist_path)
    strokes, labels, writers = data.load_pen_trajectories(pen_path)
    held = [index for index, writer in enumerate(writers) if writer in card["writers"]["heldout"]]
    measured = exported_figures(
        model,
        DigitClassifier(tflite_path),
        (test_images, test_labels),
        (data.render([strokes[index] for index in held]), labels[held]),
        card["not_a_digit"]["threshold"],
    )
    card.update(file_identity(tflite_path))
    card["mnist_test"] = measured["mnist_test"]
    card["mnist_test_accuracy"] = measured["mnist_test"]["accuracy"]
    card["pen_writers_heldout"].update(measured["pen_writers_heldout"])
    card["pen_writers_heldout_accuracy"] = measured["pen_writers_heldout"]["accuracy"]
    card["litert_vs_keras"] = measured["litert_vs_keras"]
    write_card(card, card_path)
    return card


def main(argv=None) -> None:
    from model.training import data

    parser = argparse.ArgumentParser(description="Export the committed weights again.")
    parser.add_argument("--weights", default=str(WEIGHTS_PATH))
    parser.add_argument("--card", default=str(CARD_PATH))
    parser.add_argument("--out", default=str(TFLITE_PATH), help="the .tflite file to write")
    parser.add_argument("--mnist", default=str(data.MNIST_PATH))
    parser.add_argument("--pen", default=str(data.PEN_TRAJECTORIES_PATH))
    args = parser.parse_args(argv)
    card = reexport(args.weights, args.card, args.out, args.mnist, args.pen)
    agreement = card["litert_vs_keras"]
    print(
        f"{args.out}: {card['model_bytes']} bytes, MNIST {card['mnist_test_accuracy']:.4%}, "
        f"held-out writers {card['pen_writers_heldout_accuracy']:.4%}, "
        f"same answer as Keras {agreement['same_argmax_rate']:.4%}, "
        f"largest probability difference {agreement['max_abs_probability_difference']:.4f}"
    )


if __name__ == "__main__":
    main()
