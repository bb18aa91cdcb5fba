"""Train, evaluate and export the digit model: `python -m model.training.train`.

One command does the whole job: it loads MNIST and the pen-written digits
(rendered through the serving preprocessing), trains the CNN with hand-drawing
augmentation, measures the exported .tflite file with LiteRT on the full MNIST
test set and the pen digits' held-out part, and writes the model file, its
weights and its card. Deterministic for a given seed.
"""

import argparse
import platform
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model import rasterize
from model.contract import BOX_SIZE, IMAGE_SIZE, INPUT_SHAPE, NUM_CLASSES
from model.hashing import sha256_of
from model.inference import DigitClassifier
from model.training import augment, data, export
from model.training.evaluate import accuracy_report
from model.training.network import build_model

SEED = 1234
EPOCHS = 12
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 3e-3
WARMUP_EPOCHS = 1
EMA_HORIZON_EPOCHS = 1.5  # the exported weights average about the last epoch and a half
PEN_REPEATS = 2  # the pen digits are few: show each twice per epoch
# The pen writers' conventions (flagged 1s, crossed 7s, 4s drawn in one stroke) look
# like other MNIST digits; softer targets keep them from bending MNIST's boundaries.
PEN_LABEL_SMOOTHING = 0.1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", default=str(data.MNIST_PATH), help="MNIST .npz file")
    parser.add_argument("--pen", default=str(data.PEN_DIGITS_PATH), help="pen digits JSON file")
    parser.add_argument("--out-dir", default=str(export.MODEL_DIR), help="where to write the model")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="train on the first N MNIST digits only (smoke tests)",
    )
    return parser.parse_args(argv)


def training_dataset(images, labels, from_strokes, epochs, seed):
    """Shuffled, augmented (images, target distributions) batches for all epochs, one
    deterministic stream; `from_strokes` marks the digits rendered by the stroke
    rasterizer, whose targets are softened."""
    steps = int(np.ceil(len(images) / BATCH_SIZE))
    ds = tf.data.Dataset.from_tensor_slices(
        (images[..., None], labels.astype(np.int32), from_strokes)
    )
    ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(BATCH_SIZE).repeat(epochs)
    seeds = tf.data.Dataset.random(seed=seed).batch(2)
    ds = tf.data.Dataset.zip((ds, seeds)).map(
        lambda batch, pair: (
            augment.augment_batch(batch[0], batch[2], tf.cast(pair, tf.int64)),
            _targets(batch[1], batch[2]),
        ),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    return ds.prefetch(tf.data.AUTOTUNE), steps


def _targets(labels, from_strokes):
    one_hot = tf.one_hot(labels, NUM_CLASSES)
    smoothed = one_hot * (1.0 - PEN_LABEL_SMOOTHING) + PEN_LABEL_SMOOTHING / NUM_CLASSES
    return tf.where(from_strokes[:, None], smoothed, one_hot)


def train(args) -> dict:
    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    started = time.time()
    x_train, y_train, x_test, y_test = data.load_mnist(args.mnist)
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    pen_x, pen_y = data.load_pen_digits(args.pen)
    pen_train, pen_held = data.split_holdout(len(pen_x), data.PEN_HOLDOUT_FRACTION, args.seed)
    if args.limit:
        pen_train = pen_train[: args.limit // 10]
    train_x = np.concatenate([x_train] + [pen_x[pen_train]] * PEN_REPEATS)
    train_y = np.concatenate([y_train] + [pen_y[pen_train]] * PEN_REPEATS)
    from_strokes = np.arange(len(train_x)) >= len(x_train)
    print(
        f"training on {len(x_train)} MNIST + {len(pen_train)}x{PEN_REPEATS} pen digits, "
        f"{args.epochs} epochs"
    )

    dataset, steps = training_dataset(train_x, train_y, from_strokes, args.epochs, args.seed)
    model = build_model()
    warmup_steps = steps * WARMUP_EPOCHS if args.epochs > WARMUP_EPOCHS else 0
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=PEAK_LEARNING_RATE / 20 if warmup_steps else PEAK_LEARNING_RATE,
        decay_steps=steps * args.epochs - warmup_steps,
        warmup_target=PEAK_LEARNING_RATE if warmup_steps else None,
        warmup_steps=warmup_steps,
        alpha=0.01,
    )
    ema_momentum = 1.0 - 1.0 / (EMA_HORIZON_EPOCHS * steps)
    model.compile(
        # fit() ends by swapping the moving averages in: they sit nearer the
        # centre of the minimum than the last step's weights do.
        optimizer=keras.optimizers.Adam(schedule, use_ema=True, ema_momentum=ema_momentum),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(dataset, epochs=args.epochs, steps_per_epoch=steps, verbose=2)
    train_seconds = time.time() - started

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tflite_path = export.export_tflite(model, out_dir / export.TFLITE_PATH.name)
    # The weights alone: a compiled model's file also carries the optimizer's state.
    weights_only = build_model()
    weights_only.set_weights(model.get_weights())
    weights_only.save_weights(out_dir / export.WEIGHTS_PATH.name)

    classifier = DigitClassifier(tflite_path)  # no card yet: it is written below
    keras_probabilities = model.predict(x_test[..., None], batch_size=512, verbose=0)
    litert_probabilities = classifier.predict_batch(x_test)
    mnist = accuracy_report(y_test, litert_probabilities)
    pen = accuracy_report(pen_y[pen_held], classifier.predict_batch(pen_x[pen_held]))
    card = {
        "name": "digit_cnn",
        "architecture": [layer.__class__.__name__ for layer in model.layers],
        "architecture_summary": build_model.__module__ + ": " + (model.name or ""),
        "parameters": int(model.count_params()),
        "input": {
            "shape": list(INPUT_SHAPE),
            "dtype": "float32",
            "scaling": "0..1",
            "polarity": "ink high (1.0) on background 0.0",
            "normalisation": f"ink fitted into a {BOX_SIZE}x{BOX_SIZE} box keeping aspect ratio, "
            f"centre of mass at ({rasterize.CENTRE}, {rasterize.CENTRE}) "
            f"of {IMAGE_SIZE}x{IMAGE_SIZE}",
            "pen_width_pixels": rasterize.PEN_WIDTH,
        },
        "output": "softmax probabilities for digits 0-9",
        "model_file": tflite_path.name,
        "model_sha256": sha256_of(tflite_path),
        "model_bytes": tflite_path.stat().st_size,
        "training": {
            "seed": args.seed,
            "epochs": args.epochs,
            "batch_size": BATCH_SIZE,
            "optimizer": "Adam",
            "learning_rate": f"cosine decay, peak {PEAK_LEARNING_RATE}, "
            f"{WARMUP_EPOCHS} warm-up epoch",
            "weights": f"exponential moving average, momentum {ema_momentum:.6f} "
            f"(about {EMA_HORIZON_EPOCHS} epochs)",
            "augmentation": {
                "rotation_degrees": augment.MAX_ROTATION_DEGREES,
                "scale_range": list(augment.SCALE_RANGE),
                "shear": augment.MAX_SHEAR,
                "shift_pixels": augment.MAX_SHIFT_PIXELS,
                "thicken_probability": augment.THICKEN_PROBABILITY,
                "thin_probability": augment.THIN_PROBABILITY,
                "mnist_unaugmented_probability": augment.CLEAN_PROBABILITY,
                "thickness_change": "MNIST digits only; stroke-rendered digits keep "
                "the rasterizer's pen width",
            },
            "mnist_train_digits": len(x_train),
            "pen_train_digits": len(pen_train),
            "pen_repeats_per_epoch": PEN_REPEATS,
            "pen_label_smoothing": PEN_LABEL_SMOOTHING,
            "pen_holdout_fraction": data.PEN_HOLDOUT_FRACTION,
            "seconds": round(train_seconds, 1),
            "machine": f"{platform.machine()}, Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}",
        },
        "data": {
            "mnist_file": Path(args.mnist).name,
            "mnist_sha256": sha256_of(args.mnist),
            "pen_digits_file": Path(args.pen).name,
            "pen_digits_sha256": sha256_of(args.pen),
        },
        "mnist_test_accuracy": mnist["accuracy"],
        "mnist_test": mnist,
        "pen_digits_heldout_accuracy": pen["accuracy"],
        "pen_digits_heldout": {
            **pen,
            "split": f"seeded random {data.PEN_HOLDOUT_FRACTION:.0%} of the file, never trained on",
            "caveat": "the file has no writer ids, so held-out digits share writers with "
            "training digits; this random split flatters the figure",
        },
        "litert_vs_keras": {
            "same_argmax": bool(
                (keras_probabilities.argmax(1) == litert_probabilities.argmax(1)).all()
            ),
            "max_abs_probability_difference": float(
                np.abs(keras_probabilities - litert_probabilities).max()
            ),
        },
    }
    export.write_card(card, out_dir / export.CARD_PATH.name)
    print(
        f"MNIST test accuracy {mnist['accuracy']:.4%}, pen held-out {pen['accuracy']:.4%}, "
        f"{card['parameters']} parameters, {train_seconds:.0f} s"
    )
    return card


def main(argv=None):
    train(parse_args(argv))


if __name__ == "__main__":
    main()
