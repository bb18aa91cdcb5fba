"""The learning loop (`make finetune`, `python -m model.training.finetune`):
fine-tune the serving model on the accepted corrections, and ship the result
only if it reads better.

1. The store is the web's (DATABASE_URL, read by corrections.config_from_env).
   It takes the accepted corrections whose drawing was split into as many
   characters as the person wrote (one 28x28 input per written digit).
2. It splits them by client key into train and held-out: a person's
   corrections are all on one side. The side is a hash of the key
   (`heldout_side`), so it never changes as corrections arrive, and a person
   once held out is never trained on later.
3. It starts from the serving model's Keras weights: the shipped
   digit_cnn.weights.h5, or the weights stored with the promoted version.
4. It trains a few epochs at a low learning rate on the train corrections
   (repeated so that they are about `correction_share` of each epoch) mixed
   with a replay of the original training data (a sample of MNIST, some of
   it read through the serving image path, of the training writers of the
   pen collections the serving model was trained on, and of the "not a
   digit" drawings), with train.py's augmentation, so that
   what the model read before is not forgotten. Batch normalisation keeps the
   original run's statistics; afterwards the temperature is fitted again on
   validation writers and non-digits and folded into the last layer, as
   train.py does.
5. It exports the int8 .tflite file as export.py does, and measures the
   candidate and the serving model side by side on the validation table
   (validate.measure) plus the held-out corrections line.
6. The gate (gate.py): no line worse beyond its noise, and the held-out
   corrections better: more of them read right (`must_improve`). If it passes, the
   candidate is stored as a new version (file, card with its table, weights,
   parent, time) and promoted in one transaction; every web worker serves it
   within its check interval (web/serving.py). Exit 0. If not, nothing
   changes: exit 1.

The web process never imports this module (nor TensorFlow); the serving side
only reads the versions it stores.
"""

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import corrections
from model.core.contract import NOT_A_DIGIT
from model.core.inference import DEFAULT_CARD_PATH, DEFAULT_MODEL_PATH, DigitClassifier
from model.training import calibration, data, pen_collections, validate
from model.training.calibration import fit_temperature as calibration_fit
from model.training.gate import GateResult, gate
from model.training.validate import Line

HELDOUT_LINE = "corrections_heldout"
SHIPPED_WEIGHTS = DEFAULT_MODEL_PATH.with_name("digit_cnn.weights.h5")
REFUSED, PROMOTED = 1, 0


@dataclass(frozen=True)
class FinetuneSettings:
    """How much is trained: sized so that 5,000 corrections finish within ten
    minutes on 2 cores, measuring included (bench/finetune_time.py)."""

    epochs: int = 3
    learning_rate: float = 1e-4
    batch_size: int = 128
    replay_mnist: int = 12000
    # Of other MNIST training digits, this many as the image path reads their
    # 280-px canvas PNG (the table's second line watches that path).
    replay_mnist_image: int = 6000
    replay_pen: int = 3000
    # "Not a digit" drawings: each letter of each font this many times, and
    # scribbles and shapes (about the original run's share of its epoch).
    replay_letter_variants: int = 4
    replay_scribbles: int = 500
    replay_shapes: int = 500
    # The train corrections' share of each epoch's examples (by repeating them).
    correction_share: float = 0.25
    max_repeats: int = 20
    # A correction's client is held out when its hash falls in this share.
    heldout_share: float = 0.25
    seed: int = 28


@dataclass(frozen=True)
class Digits:
    """28x28 images in 0..1, their labels, and which were drawn by strokes."""

    images: np.ndarray
    labels: np.ndarray
    from_strokes: np.ndarray

    @classmethod
    def empty(cls) -> "Digits":
        return cls(np.zeros((0, 28, 28), np.float32), np.zeros(0, np.uint8), np.zeros(0, bool))

    @classmethod
    def join(cls, parts: Iterable["Digits"]) -> "Digits":
        parts = list(parts)
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.images for p in parts]).astype(np.float32),
            np.concatenate([p.labels for p in parts]).astype(np.uint8),
            np.concatenate([p.from_strokes for p in parts]).astype(bool),
        )

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Replay:
    """What is replayed in training, and the set the temperature is fitted on
    afterwards (validation writers and non-digits the training never shows)."""

    train: Digits
    calibration: Digits


@dataclass(frozen=True)
class CorrectionSets:
    train: Digits
    heldout: Digits
    counts: dict


@dataclass(frozen=True)
class Parent:
    """The serving model: its version id, classifier (LiteRT, as served) and Keras weights."""

    version: str
    classifier: DigitClassifier
    weights_path: Path


def heldout_side(client_key: str, share: float) -> bool:
    """Whether this client's corrections are held out: a fixed hash of the key."""
    digest = hashlib.sha256(f"finetune-heldout:{client_key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def correction_sets(rows: Iterable, share: float) -> CorrectionSets:
    """The accepted corrections as digits, split by client (see the module's docstring)."""
    sides: dict[bool, list] = {True: [], False: []}
    clients: dict[bool, set] = {True: set(), False: set()}
    used = skipped = 0
    for row in rows:
        if not row.usable or not row.wrote:
            skipped += 1
            continue
        used += 1
        held = heldout_side(row.client_key, share)
        clients[held].add(row.client_key)
        labels = np.array([int(c) for c in row.wrote], np.uint8)
        images = row.inputs.astype(np.float32) / 255.0
        sides[held].append(Digits(images, labels, np.ones(len(labels), bool)))
    counts = {
        "corrections_used": used,
        "corrections_skipped": skipped,
        "train_clients": len(clients[False]),
        "heldout_clients": len(clients[True]),
    }
    train, heldout = Digits.join(sides[False]), Digits.join(sides[True])
    counts.update({"train_digits": len(train), "heldout_digits": len(heldout)})
    return CorrectionSets(train, heldout, counts)


def _non_digits(drawings) -> Digits:
    label = np.full(len(drawings), NOT_A_DIGIT, np.uint8)
    return Digits(data.render(drawings), label, np.ones(len(drawings), bool))


def replay_data(card: dict, settings: FinetuneSettings, mnist_path, pen_path, uji_path) -> Replay:
    """A sample of what the serving model was trained on: MNIST, the training
    writers of its pen collections (rendered as served, half of them sparse if
    the original run drew sparse copies), and "not a digit" drawings; and for
    the temperature, the pen collections' validation writers and other non-digits."""
    from model.training import non_digits
    from model.training.collection_training import read_through_image_path

    rng = np.random.default_rng(settings.seed)
    config = validate.card_config(card)
    x_train, y_train, _, _ = data.load_mnist(mnist_path)
    wanted = min(settings.replay_mnist + settings.replay_mnist_image, len(x_train))
    order = rng.choice(len(x_train), wanted, replace=False)
    chosen, as_png = order[: settings.replay_mnist], order[settings.replay_mnist :]
    parts = [
        Digits(x_train[chosen], y_train[chosen], np.zeros(len(chosen), bool)),
        Digits(
            read_through_image_path(x_train[as_png]), y_train[as_png], np.zeros(len(as_png), bool)
        ),
    ]
    checks = []
    collections = [pen_collections.load_pen_digits(pen_path, config)]
    if "uji" in validate.trained_collections(card):
        collections.append(pen_collections.load_uji(uji_path))
    per_collection = settings.replay_pen // len(collections)
    for collection in collections:
        train = collection.part("train")
        picked = rng.choice(train, min(per_collection, len(train)), replace=False)
        drawings = [collection.strokes[i] for i in picked]
        if config.collections.sparse_copies > 0:
            half = len(drawings) // 2
            drawings[:half] = [pen_collections.sparse(s) for s in drawings[:half]]
        labels = collection.labels[picked]
        parts.append(Digits(data.render(drawings), labels, np.ones(len(picked), bool)))
        validation = collection.part("validation")
        checks.append(
            Digits(
                data.render([collection.strokes[i] for i in validation]),
                collection.labels[validation],
                np.ones(len(validation), bool),
            )
        )
    fonts = config.non_digits.fonts
    made = non_digits.generate(
        fonts,
        settings.replay_letter_variants,
        settings.replay_scribbles,
        settings.replay_shapes,
        settings.seed,
    )
    parts.append(_non_digits(made["letters"] + made["scribbles"] + made["shapes"]))
    # Other non-digits for the temperature: another seed, a quarter as many.
    other = non_digits.generate(
        fonts, 1, settings.replay_scribbles // 4, settings.replay_shapes // 4, settings.seed + 1
    )
    checks.append(_non_digits(other["letters"] + other["scribbles"] + other["shapes"]))
    return Replay(Digits.join(parts), Digits.join(checks))


def training_mix(replay: Digits, train: Digits, settings: FinetuneSettings) -> tuple[Digits, int]:
    """The replay and the train corrections repeated to about their share; the repeats."""
    if not len(train):
        return replay, 0
    wanted = settings.correction_share / (1 - settings.correction_share) * len(replay)
    repeats = int(np.clip(round(wanted / len(train)), 1, settings.max_repeats))
    return Digits.join([replay, *[train] * repeats]), repeats


def fine_tune(parent: Parent, mix: Digits, settings: FinetuneSettings, build_model: Callable):
    """The parent's Keras weights trained on `mix` (a few epochs, a low, constant rate)."""
    import keras

    from model.training import train as training

    keras.utils.set_random_seed(settings.seed)
    config = replace(
        validate.card_config(parent.classifier.card),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        seed=settings.seed,
    )
    model = build_model(config.dropout)
    model.load_weights(parent.weights_path)
    # Batch normalisation keeps the statistics of the original run: its moving
    # averages would otherwise drift to the small replay's in a few hundred steps.
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    dataset, steps = training.training_dataset(mix.images, mix.labels, mix.from_strokes, config)
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(dataset, epochs=settings.epochs, steps_per_epoch=steps, verbose=2)
    return model, config


def recalibrate(model, calibration: Digits) -> float:
    """Fit the temperature again on `calibration` and fold it into the last
    layer, as train.py's calibrate does (fine-tuning on softened targets leaves
    the model less sure than it is right); the temperature."""
    if not len(calibration):
        return 1.0
    probabilities = model.predict(calibration.images[..., None], batch_size=512, verbose=0)
    temperature = calibration_fit(probabilities, calibration.labels)
    last = model.get_layer("probabilities")
    kernel, bias = last.get_weights()
    last.set_weights([kernel / temperature, bias / temperature])
    return temperature


def export_candidate(model, config, build_model: Callable, out_dir: Path) -> tuple[Path, Path]:
    """The int8 .tflite file (export.py's) and the weights alone, in `out_dir`."""
    from model.training import export

    tflite_path = export.export_tflite(model, out_dir / "digit_cnn.tflite")
    weights_only = build_model(config.dropout)
    weights_only.set_weights(model.get_weights())
    weights_path = out_dir / "digit_cnn.weights.h5"
    weights_only.save_weights(weights_path)
    return tflite_path, weights_path


def candidate_card(parent: Parent, tflite_path: Path, run: dict) -> dict:
    """The parent's card, naming the new file and saying how it was fine-tuned."""
    from model.training.export import file_identity

    card = json.loads(json.dumps(parent.classifier.card))
    card.update(file_identity(tflite_path))
    card["trained"] = datetime.now(UTC).isoformat(timespec="seconds")
    card["finetune"] = {"parent": parent.version, **run}
    return card


def heldout_line(classifier, heldout: Digits, counts: dict) -> Line:
    """The held-out corrections: each digit's input read by the model as served."""
    threshold = classifier.card.get("not_a_digit", {}).get("threshold")
    if len(heldout):
        probabilities = classifier.predict_batch(heldout.images)
        if threshold is None:  # a ten-output model: the likeliest digit, always
            answer, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
        else:
            answer, confidence = calibration.answers(probabilities, threshold)
        correct = answer == heldout.labels
    else:
        correct, confidence = np.zeros(0, bool), np.zeros(0)
    label = (
        f"held-out corrections ({counts['heldout_clients']} people, "
        f"{counts['heldout_digits']} digits), as the model saw them"
    )
    return Line(HELDOUT_LINE, label, correct, confidence)


def side_by_side(serving: list[Line], candidate: list[Line], result: GateResult) -> str:
    """Both models' figures line by line, then the gate's verdicts."""
    by_key = {line.key: line for line in candidate}
    rows = [f"{'line':70s} {'count':>6s} {'serving':>8s} {'candidate':>9s}"]
    for line in serving:
        other = by_key.get(line.key)
        shown = f"{other.figure:9.2%}" if other is not None else f"{'-':>9s}"
        rows.append(f"{line.label[:70]:70s} {line.count:6d} {line.figure:8.2%} {shown}")
    return "\n".join(rows) + "\n\n" + result.report()


MeasureTable = Callable[[DigitClassifier], list[Line]]


def run(
    engine,
    parent: Parent,
    replay: Replay | Callable[[], Replay],
    measure_table: MeasureTable,
    settings: FinetuneSettings = FinetuneSettings(),
    build_model: Callable | None = None,
    out=print,
    on_candidate: Callable[[DigitClassifier], None] | None = None,
) -> int:
    """The whole loop on `engine`'s store from `parent`; PROMOTED (0) or REFUSED (1).
    `on_candidate` is handed the candidate, promoted or not (the benchmark's)."""
    started = time.perf_counter()
    if build_model is None:
        from model.training.network import build_model
    sets = correction_sets(corrections.accepted_corrections(engine), settings.heldout_share)
    out(f"accepted corrections: {sets.counts}")
    if not len(sets.train) or not len(sets.heldout):
        out(
            "refused: the fine-tune needs accepted corrections from people on both sides "
            "of the split (some to train on, some held out to show it reads better)"
        )
        return REFUSED
    replay = replay() if callable(replay) else replay
    mix, repeats = training_mix(replay.train, sets.train, settings)
    out(
        f"training on {len(mix)} digits: {len(replay.train)} replayed, train corrections x{repeats}"
    )
    model, config = fine_tune(parent, mix, settings, build_model)
    temperature = recalibrate(model, replay.calibration)
    with tempfile.TemporaryDirectory(prefix="finetune-") as folder:
        tflite_path, weights_path = export_candidate(model, config, build_model, Path(folder))
        run_facts = {
            "settings": asdict(settings),
            "counts": {**sets.counts, "replay_digits": len(replay.train), "repeats": repeats},
            "temperature": round(temperature, 4),
            "training_seconds": round(time.perf_counter() - started, 1),
        }
        card = candidate_card(parent, tflite_path, run_facts)
        tflite, weights = tflite_path.read_bytes(), weights_path.read_bytes()
    candidate = DigitClassifier.from_bytes(tflite, card, card["model_sha256"], "candidate.tflite")
    if on_candidate is not None:
        on_candidate(candidate)
    out(f"trained and exported; measuring both models ({time.perf_counter() - started:.0f} s)")
    serving_lines = [*measure_table(parent.classifier)]
    serving_lines.append(heldout_line(parent.classifier, sets.heldout, sets.counts))
    candidate_lines = [*measure_table(candidate)]
    candidate_lines.append(heldout_line(candidate, sets.heldout, sets.counts))
    result = gate(
        validate.items_of(serving_lines),
        validate.items_of(candidate_lines),
        must_improve=(HELDOUT_LINE,),
    )
    seconds = time.perf_counter() - started
    out(side_by_side(serving_lines, candidate_lines, result))
    if not result.passed:
        out(f"refused by the gate; nothing stored, {parent.version} still serves ({seconds:.0f} s)")
        return REFUSED
    table = validate.table_json(candidate_lines, tflite_path, seconds)
    card[validate.CARD_KEY] = table
    card["finetune"]["seconds"] = round(seconds, 1)
    version = corrections.add_version(
        engine,
        tflite=tflite,
        card=card,
        table=table,
        parent=parent.version,
        weights=weights,
        promote_it=True,
    )
    out(f"promoted version {version} ({card['model_sha256']}), parent {parent.version}")
    out(f"{seconds:.0f} s in all")
    return PROMOTED


def serving_parent(engine, folder: Path) -> Parent:
    """The version the store serves, with its Keras weights (written into `folder`)."""
    pointer = corrections.current_version(engine)
    if pointer.id == corrections.SHIPPED_VERSION:
        classifier = DigitClassifier.from_files(DEFAULT_MODEL_PATH, DEFAULT_CARD_PATH)
        return Parent(pointer.id, classifier, SHIPPED_WEIGHTS)
    stored = corrections.load_version_bytes(engine, pointer.id)
    weights = corrections.load_version_weights(engine, pointer.id)
    if weights is None:
        raise SystemExit(f"version {pointer.id} has no weights stored: it cannot be fine-tuned")
    weights_path = folder / "parent.weights.h5"
    weights_path.write_bytes(weights)
    classifier = DigitClassifier.from_bytes(
        stored.tflite, stored.card, stored.sha256, f"version-{pointer.id}.tflite"
    )
    return Parent(pointer.id, classifier, weights_path)


def validation_table(mnist, pen, uji) -> MeasureTable:
    """validate.measure on the data files, for each model its own card's split."""

    def measure(classifier: DigitClassifier) -> list[Line]:
        config = validate.card_config(classifier.card)
        return validate.measure(
            classifier, validate.Sources(Path(mnist), Path(pen), Path(uji), config)
        )

    return measure


def finetune_store(
    engine,
    settings: FinetuneSettings = FinetuneSettings(),
    mnist=data.MNIST_PATH,
    pen=data.PEN_TRAJECTORIES_PATH,
    uji=data.UJI_PATH,
    out=print,
    on_candidate=None,
) -> int:
    """The loop with the real model and data: from the store's serving version."""
    with tempfile.TemporaryDirectory(prefix="finetune-parent-") as folder:
        parent = serving_parent(engine, Path(folder))
        sha256 = parent.classifier.card["model_sha256"]
        out(f"fine-tuning from version {parent.version} ({sha256})")
        return run(
            engine,
            parent,
            lambda: replay_data(parent.classifier.card, settings, mnist, pen, uji),
            validation_table(mnist, pen, uji),
            settings,
            out=out,
            on_candidate=on_candidate,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    validate.add_data_arguments(parser)
    parser.add_argument("--epochs", type=int, default=FinetuneSettings.epochs)
    args = parser.parse_args(argv)
    config = corrections.config_from_env()
    if config.database_url is None:
        print(f"finetune: {config.disabled_reason}", file=sys.stderr)
        return REFUSED
    engine = corrections.engine_for(config)
    settings = FinetuneSettings(epochs=args.epochs)
    return finetune_store(engine, settings, args.mnist, args.pen, args.uji)


if __name__ == "__main__":
    sys.exit(main())
