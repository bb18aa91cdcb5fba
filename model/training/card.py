"""The model card train.py writes beside the model: what the file is, how to use it,
how it was trained (the whole `TrainingConfig`, machine-readably) and how good it is.

The training data are named by the digests of their content (data.py), which are
the same for the shared files and for a `make data` download.
"""

import datetime
import platform
from dataclasses import asdict
from pathlib import Path

import keras
import tensorflow as tf

from model.character import rasterize
from model.core.contract import BOX_SIZE, IMAGE_SIZE, INPUT_SHAPE, NOT_A_DIGIT, NUM_OUTPUTS
from model.training import data, export, network
from model.training.config import TrainingConfig


def describe(
    config: TrainingConfig,
    model: keras.Model,
    tflite_path: Path,
    run: dict,
    measured: dict,
    calibrated: dict,
) -> dict:
    """The card. `run`: mnist_path, pen_path, counts, writers, ema_momentum, seconds;
    `measured`: mnist_test, pen_writers_heldout, litert_vs_keras; `calibrated`:
    train.calibrate's temperature, threshold and held-out calibration errors."""
    mnist, pen = measured["mnist_test"], measured["pen_writers_heldout"]
    writers = run["writers"]
    return {
        "name": "digit_cnn",
        "architecture": [layer.__class__.__name__ for layer in model.layers],
        "architecture_summary": network.__name__ + ": " + (model.name or ""),
        "parameters": int(model.count_params()),
        "trained": datetime.date.today().isoformat(),
        "input": _input_contract(),
        "output": "softmax probabilities, calibrated: digits 0-9, then index "
        f"{NOT_A_DIGIT} 'not a digit'",
        "outputs": NUM_OUTPUTS,
        "not_a_digit": {
            "output_index": NOT_A_DIGIT,
            "threshold": calibrated["not_a_digit_threshold"],
            "rule": "answer 'not a digit' when output 10 >= threshold; otherwise the "
            "likeliest digit, its confidence its probability among the digits "
            "(outputs 0-9 renormalised to sum to 1); a 'not a digit' answer's "
            "confidence is output 10",
            "threshold_chosen_on": f"validation writers {writers['validation']}: the lowest "
            f"threshold >= 0.5 answering 'not a digit' for at most "
            f"{config.non_digits.max_false_rate:.1%} of their digits",
        },
        "calibration": {
            "temperature": calibrated["temperature"],
            "method": "temperature scaling, fitted (lowest NLL) on the validation writers' "
            "digits and validation non-digits, folded into the last layer's weights: "
            "the file outputs calibrated probabilities",
            "validation_count": calibrated["validation_count"],
            "heldout_writers_ece_10_bins_before": calibrated["heldout_ece_before"],
            "heldout_writers_ece_10_bins_after": calibrated["heldout_ece_after"],
        },
        **export.file_identity(tflite_path),
        "training": _training(config, run),
        "data": {
            "mnist_file": Path(run["mnist_path"]).name,
            "mnist_content_sha256": data.mnist_content_sha256(run["mnist_path"]),
            "pen_trajectories_file": Path(run["pen_path"]).name,
            "pen_trajectories_content_sha256": data.records_content_sha256(run["pen_path"]),
            "content_sha256": data.CONTENT_SHA256_DEFINITION,
        },
        "mnist_test_accuracy": mnist["accuracy"],
        "mnist_test": mnist,
        "pen_writers_heldout_accuracy": pen["accuracy"],
        "pen_writers_heldout": {
            **pen,
            "writers": writers["heldout"],
            "split": f"whole writers: {len(writers['heldout'])} of the 30 writers of "
            f"{Path(run['pen_path']).name} (seeded draw, writer_split_seed "
            f"{config.writer_split_seed}), never trained on, never tuned on",
        },
        "writers": writers,
        "litert_vs_keras": measured["litert_vs_keras"],
    }


def _input_contract() -> dict:
    return {
        "shape": list(INPUT_SHAPE),
        "dtype": "float32",
        "scaling": "0..1",
        "polarity": "ink high (1.0) on background 0.0",
        "normalisation": f"ink fitted into a {BOX_SIZE}x{BOX_SIZE} box keeping aspect ratio, "
        f"centre of mass at ({rasterize.CENTRE}, {rasterize.CENTRE}) "
        f"of {IMAGE_SIZE}x{IMAGE_SIZE}",
        "pen_width_pixels": rasterize.PEN_WIDTH,
    }


def _training(config: TrainingConfig, run: dict) -> dict:
    """A readable summary, then `config`: every setting, as TrainingConfig.from_dict reads it."""
    augmentation = config.augmentation
    return {
        "seed": config.seed,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "optimizer": "Adam",
        "learning_rate": f"cosine decay, peak {config.peak_learning_rate}, "
        f"{config.warmup_epochs} warm-up epoch",
        "weights": f"exponential moving average, momentum {run['ema_momentum']:.6f} "
        f"(about {config.ema_horizon_epochs} epochs)",
        "augmentation": {
            "rotation_degrees": augmentation.rotation_degrees,
            "scale_range": list(augmentation.scale_range),
            "shear": augmentation.shear,
            "shift_pixels": augmentation.shift_pixels,
            "thicken_probability": augmentation.thicken_probability,
            "thin_probability": augmentation.thin_probability,
            "mnist_unaugmented_probability": augmentation.mnist_unaugmented_probability,
            "thickness_change": "MNIST digits only; stroke-rendered digits keep "
            "the rasterizer's pen width",
        },
        **run["counts"],
        "pen_repeats_per_epoch": config.pen_repeats,
        "pen_label_smoothing": config.pen_label_smoothing,
        "styles": "training writers' 0s slashed, 1s flagged, 7s crossed, 9s curled "
        f"(each with probability {config.styles.probability}), plus "
        f"{config.styles.template_count} template open 4s, one-stroke 4s and curled 9s "
        "(model.training.styles)",
        "non_digits": f"Hershey letters of {list(config.non_digits.fonts)} without digit "
        "look-alikes, scribbles and shapes, jittered, drawn through the serving "
        "rasterizer (model.training.non_digits)",
        "seconds": round(run["seconds"], 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}",
        "config": asdict(config),
    }
