"""Train, evaluate and export the digit model: `python -m model.training.train`.

One command does the whole job, in five steps: load the data (MNIST; the pen
trajectories of the training writers rendered through the serving preprocessing;
those writers' digits in the styles MNIST lacks, styles.py; non-digits, non_digits.py),
fit the CNN with hand-drawing augmentation, calibrate it on the validation writers
(temperature folded into the last layer, not-a-digit threshold; calibration.py),
export the .tflite file and its weights, and write the card, with the exported file
measured by LiteRT on the full MNIST test set and the held-out writers' digits.
`python -m model.training.evaluate --write-card` then adds every target's figure.
Every setting is a field of one `TrainingConfig`
(config.py), written whole into the card; `--config-from-card CARD` re-creates
that card's run. Deterministic for a given config.
"""

import argparse
import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model.core.contract import NOT_A_DIGIT, NUM_OUTPUTS
from model.core.inference import DigitClassifier
from model.training import (
    calibration,
    card,
    card_file,
    collection_training,
    data,
    export,
    non_digits,
    styles,
)
from model.training.augment import augment_batch
from model.training.config import TrainingConfig
from model.training.evaluate import exported_figures
from model.training.network import build_model


@dataclass(frozen=True)
class TrainingData:
    """What fit() trains on (MNIST, then the pen digits repeated, styled digits,
    non-digits), what calibrates it (validation writers) and what is measured."""

    images: np.ndarray
    labels: np.ndarray  # 0-9, or NOT_A_DIGIT
    from_strokes: np.ndarray  # True for rendered strokes: softened targets, no thickness change
    counts: dict
    writers: dict
    validation_images: np.ndarray
    validation_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    pen_held_images: np.ndarray
    pen_held_labels: np.ndarray


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", default=str(data.MNIST_PATH), help="MNIST .npz file")
    parser.add_argument(
        "--pen", default=str(data.PEN_TRAJECTORIES_PATH), help="pen trajectories JSON file"
    )
    parser.add_argument("--uji", default=str(data.UJI_PATH), help="UJI pen digits JSON file")
    parser.add_argument("--out-dir", default=str(export.MODEL_DIR), help="where to write the model")
    parser.add_argument(
        "--config-from-card",
        metavar="CARD",
        help="re-create the run described by this model card's training config",
    )
    parser.add_argument("--epochs", type=int, help="overrides the config's")
    parser.add_argument("--seed", type=int, help="overrides the config's")
    parser.add_argument(
        "--limit", type=int, help="train on the first N MNIST digits only (smoke tests)"
    )
    parser.add_argument(
        "--collections",
        metavar="JSON",
        help="overrides the config's collections settings, e.g. '{\"uji_repeats\": 4}'",
    )
    return parser.parse_args(argv)


def config_from_args(args) -> TrainingConfig:
    """The card's config (or the committed run's defaults), with the options given."""
    config = TrainingConfig.from_card(args.config_from_card) if args.config_from_card else None
    overrides = {
        name: getattr(args, name)
        for name in ("epochs", "seed", "limit")
        if getattr(args, name) is not None
    }
    config = dataclasses.replace(config or TrainingConfig(), **overrides)
    if args.collections:
        settings = {**dataclasses.asdict(config.collections), **json.loads(args.collections)}
        config = TrainingConfig.from_dict({**dataclasses.asdict(config), "collections": settings})
    return config


def train(config: TrainingConfig, mnist_path, pen_path, out_dir, uji_path=data.UJI_PATH) -> dict:
    """The whole run: data, fit, export, card. Returns the card it wrote."""
    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    started = time.time()
    sets = load_training_data(config, mnist_path, pen_path, uji_path)
    model, steps = fit(config, sets)
    calibrated = calibrate(config, model, sets)
    seconds = time.time() - started
    tflite_path = export_model(config, model, Path(out_dir))
    run = {
        "mnist_path": mnist_path,
        "pen_path": pen_path,
        "counts": sets.counts,
        "writers": sets.writers,
        "ema_momentum": ema_momentum(config, steps),
        "seconds": seconds,
    }
    measured = measure(model, tflite_path, sets, calibrated["not_a_digit_threshold"])
    model_card = card.describe(config, model, tflite_path, run, measured, calibrated)
    card_file.write_card(model_card, Path(out_dir) / export.CARD_PATH.name)
    print(
        f"MNIST test accuracy {model_card['mnist_test_accuracy']:.4%}, "
        f"held-out writers {model_card['pen_writers_heldout_accuracy']:.4%}, "
        f"temperature {calibrated['temperature']:.3f}, "
        f"threshold {calibrated['not_a_digit_threshold']}, "
        f"{model_card['parameters']} parameters, {seconds:.0f} s"
    )
    return model_card


def load_training_data(
    config: TrainingConfig, mnist_path, pen_path, uji_path=data.UJI_PATH
) -> TrainingData:
    x_train, y_train, x_test, y_test = data.load_mnist(mnist_path)
    strokes, pen_y, pen_writers = data.load_pen_trajectories(pen_path)
    writers = data.split_writers(config)
    train_ids, validation_ids, held_ids = (
        np.flatnonzero(np.isin(pen_writers, writers[part]))
        for part in ("train", "validation", "heldout")
    )
    settings, style = config.non_digits, config.styles
    templates, scribbles, shapes = style.template_count, settings.scribbles, settings.shapes
    if config.limit:  # a smoke run: a sliver of everything
        x_train, y_train = x_train[: config.limit], y_train[: config.limit]
        train_ids = train_ids[: config.limit // 10]
        templates, scribbles, shapes = config.limit // 100, config.limit // 50, config.limit // 50
    pen_strokes = [strokes[index] for index in train_ids]
    rng = np.random.default_rng(config.seed)
    styled, styled_y = styles.training_styles(
        pen_strokes, pen_y[train_ids], rng, style.probability, templates
    )
    variants = 1 if config.limit else settings.letter_variants
    made = non_digits.generate(settings.fonts, variants, scribbles, shapes, config.seed)
    others = made["letters"] + made["scribbles"] + made["shapes"]
    # Validation non-digits: the same generators, another seed, a quarter as many.
    checked = non_digits.generate(
        settings.fonts, max(1, variants // 4), scribbles // 4, shapes // 4, config.seed + 1
    )
    validation_others = checked["letters"] + checked["scribbles"] + checked["shapes"]
    pen_x = data.render(pen_strokes)
    # The other collection, sparse drawings, MNIST through the image path (issue 26).
    extra = collection_training.extra_sets(
        config, pen_strokes, pen_y[train_ids], x_train, y_train, uji_path, rng
    )
    images = np.concatenate(
        [
            x_train,
            *[pen_x] * config.pen_repeats,
            data.render(styled),
            data.render(others),
            extra.images,
        ]
    )
    labels = np.concatenate(
        [
            y_train,
            *[pen_y[train_ids]] * config.pen_repeats,
            styled_y,
            np.full(len(others), NOT_A_DIGIT, dtype=np.uint8),
            extra.labels,
        ]
    )
    from_strokes = np.arange(len(images)) >= len(x_train)
    from_strokes[len(images) - len(extra.images) :] = extra.from_strokes
    counts = {
        "mnist_train_digits": len(x_train),
        "pen_train_digits": len(train_ids),
        "pen_validation_digits": len(validation_ids),
        "pen_heldout_digits": len(held_ids),
        "styled_train_digits": len(styled),
        "non_digit_train_drawings": {name: len(items) for name, items in made.items()},
        "non_digit_validation_drawings": len(validation_others),
        **extra.counts,
    }
    print(f"training on {len(images)} images, {config.epochs} epochs: {counts}")
    return TrainingData(
        images=images,
        labels=labels,
        from_strokes=from_strokes,
        counts=counts,
        writers={part: list(ids) for part, ids in writers.items()},
        validation_images=np.concatenate(
            [
                data.render([strokes[i] for i in validation_ids]),
                extra.validation_images,
                data.render(validation_others),
            ]
        ),
        validation_labels=np.concatenate(
            [
                pen_y[validation_ids],
                extra.validation_labels,
                np.full(len(validation_others), NOT_A_DIGIT, np.uint8),
            ]
        ),
        test_images=x_test,
        test_labels=y_test,
        pen_held_images=data.render([strokes[i] for i in held_ids]),
        pen_held_labels=pen_y[held_ids],
    )


def fit(config: TrainingConfig, sets: TrainingData) -> tuple[keras.Model, int]:
    """The trained model (its weights the moving averages) and the steps per epoch."""
    dataset, steps = training_dataset(sets.images, sets.labels, sets.from_strokes, config)
    model = build_model(config.dropout)
    model.compile(
        # fit() ends by swapping the moving averages in: they sit nearer the
        # centre of the minimum than the last step's weights do.
        optimizer=keras.optimizers.Adam(
            _learning_rate(config, steps), use_ema=True, ema_momentum=ema_momentum(config, steps)
        ),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(dataset, epochs=config.epochs, steps_per_epoch=steps, verbose=2)
    return model, steps


def training_dataset(images, labels, from_strokes, config: TrainingConfig):
    """Shuffled, augmented (images, target distributions) batches for all epochs, one
    deterministic stream; `from_strokes` marks the digits rendered by the stroke
    rasterizer, whose targets are softened."""
    steps = int(np.ceil(len(images) / config.batch_size))
    ds = tf.data.Dataset.from_tensor_slices(
        (images[..., None], labels.astype(np.int32), from_strokes)
    )
    ds = ds.shuffle(len(images), seed=config.seed, reshuffle_each_iteration=True)
    ds = ds.batch(config.batch_size).repeat(config.epochs)
    seeds = tf.data.Dataset.random(seed=config.seed).batch(2)
    ds = tf.data.Dataset.zip((ds, seeds)).map(
        lambda batch, pair: (
            augment_batch(batch[0], batch[2], tf.cast(pair, tf.int64), config.augmentation),
            _targets(batch[1], batch[2], config.pen_label_smoothing),
        ),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    return ds.prefetch(tf.data.AUTOTUNE), steps


def _targets(labels, from_strokes, smoothing):
    one_hot = tf.one_hot(labels, NUM_OUTPUTS)
    smoothed = one_hot * (1.0 - smoothing) + smoothing / NUM_OUTPUTS
    return tf.where(from_strokes[:, None], smoothed, one_hot)


def _learning_rate(config: TrainingConfig, steps: int):
    peak = config.peak_learning_rate
    warmup_steps = steps * config.warmup_epochs if config.epochs > config.warmup_epochs else 0
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / config.warmup_start_divisor if warmup_steps else peak,
        decay_steps=steps * config.epochs - warmup_steps,
        warmup_target=peak if warmup_steps else None,
        warmup_steps=warmup_steps,
        alpha=config.final_learning_rate_fraction,
    )


def ema_momentum(config: TrainingConfig, steps: int) -> float:
    return 1.0 - 1.0 / (config.ema_horizon_epochs * steps)


def calibrate(config: TrainingConfig, model: keras.Model, sets: TrainingData) -> dict:
    """Fits the temperature on the validation writers and non-digits, folds it into
    the last layer, and chooses the not-a-digit threshold on the validation writers'
    digits. The held-out writers' calibration error is only measured, before and after."""
    probabilities = model.predict(sets.validation_images[..., None], batch_size=512, verbose=0)
    held = model.predict(sets.pen_held_images[..., None], batch_size=512, verbose=0)
    temperature = calibration.fit_temperature(probabilities, sets.validation_labels)
    last = model.get_layer("probabilities")
    kernel, bias = last.get_weights()
    last.set_weights([kernel / temperature, bias / temperature])
    is_digit = sets.validation_labels != NOT_A_DIGIT
    threshold = calibration.choose_threshold(
        calibration.tempered(probabilities[is_digit], temperature),
        config.non_digits.max_false_rate,
    )

    def heldout_ece(held_probabilities):
        answer, confidence = calibration.answers(held_probabilities, threshold)
        return calibration.reliability(confidence, answer == sets.pen_held_labels)["ece"]

    return {
        "temperature": temperature,
        "not_a_digit_threshold": threshold,
        "validation_count": len(sets.validation_labels),
        "heldout_ece_before": heldout_ece(held),
        "heldout_ece_after": heldout_ece(calibration.tempered(held, temperature)),
    }


def export_model(config: TrainingConfig, model: keras.Model, out_dir: Path) -> Path:
    """Writes the .tflite file and the weights; returns the .tflite file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tflite_path = export.export_tflite(model, out_dir / export.TFLITE_PATH.name)
    # The weights alone: a compiled model's file also carries the optimizer's state.
    weights_only = build_model(config.dropout)
    weights_only.set_weights(model.get_weights())
    weights_only.save_weights(out_dir / export.WEIGHTS_PATH.name)
    return tflite_path


def measure(model: keras.Model, tflite_path: Path, sets: TrainingData, threshold: float) -> dict:
    """The exported file's accuracy, read by LiteRT as served, and its agreement with Keras."""
    classifier = DigitClassifier(tflite_path)  # no card yet: it is written from these figures
    return exported_figures(
        model,
        classifier,
        (sets.test_images, sets.test_labels),
        (sets.pen_held_images, sets.pen_held_labels),
        threshold,
    )


def main(argv=None):
    args = parse_args(argv)
    train(config_from_args(args), args.mnist, args.pen, args.out_dir, args.uji)


if __name__ == "__main__":
    main()
