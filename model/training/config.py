"""Every setting of a training run, in one frozen object: `TrainingConfig`.

The defaults are the settings of the committed model. train.py writes
`asdict(config)` into the model card (`card["training"]["config"]`), and
`TrainingConfig.from_dict` reads it back, so the card alone re-creates a run:
`python -m model.training.train --config-from-card model/shipped/model_card.json`.
Nothing here imports TensorFlow.
"""

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class AugmentationConfig:
    """Random distortions that make MNIST digits look hand-drawn (augment.py)."""

    rotation_degrees: float = 8.0
    scale_range: tuple[float, float] = (0.92, 1.08)
    # Height over width, on top of the scale: a mild aspect change, as people draw.
    aspect_range: tuple[float, float] = (0.93, 1.07)
    shear: float = 0.12
    shift_pixels: float = 2.0
    thicken_probability: float = 0.15
    thin_probability: float = 0.1
    # MNIST digits left as scanned, as the test set's are: without them every crisp
    # training image would be a rendered stroke, and crispness would read as pen style.
    mnist_unaugmented_probability: float = 0.2


@dataclass(frozen=True)
class StyleConfig:
    """Writing styles MNIST lacks, synthesised on the training writers' strokes (styles.py)."""

    # Each training pen digit of a styled class gains, with this probability, one
    # extra copy in that class's other style (slashed 0, flagged 1, crossed 7, ...).
    probability: float = 0.5
    # Template-drawn open 4s, one-stroke 4s and curled-tail 9s per class, on top.
    template_count: int = 400


@dataclass(frozen=True)
class NonDigitConfig:
    """The eleventh answer, "not a digit": what it is trained on (non_digits.py)."""

    # Hershey stroke fonts whose letters are trained on; the check set uses others.
    fonts: tuple[str, ...] = ("futural", "futuram", "rowmans", "timesr", "cursive")
    letter_variants: int = 12  # jittered drawings of each letter of each font
    scribbles: int = 2500
    shapes: int = 2500
    # Answer "not a digit" when its calibrated probability reaches the threshold
    # chosen on the validation writers: the lowest that keeps at most this
    # fraction of their real digits answered "not a digit".
    max_false_rate: float = 0.002


@dataclass(frozen=True)
class CollectionsConfig:
    """What is trained on beside MNIST and the pen-digits writers (issue 26,
    collection_training.py). The defaults are the committed run's; a card
    without these settings is from before them (BEFORE_COLLECTIONS)."""

    # The pen collections whose training writers are trained on ("pen-digits", "uji").
    pen_collections: tuple[str, ...] = ("pen-digits", "uji")
    uji_repeats: int = 4  # the UJI training writers' digits, shown this often an epoch
    # Per training pen digit (both collections), this many copies resampled to a few
    # points (sparse_points, inclusive), as a pointer with few events draws it.
    sparse_copies: int = 1
    sparse_points: tuple[int, int] = (6, 14)
    # This share of the MNIST training digits is added again as read through the
    # serving image path from a 280-px canvas PNG (black on white, bilinear).
    mnist_image_path_share: float = 0.25


# The runs before issue 26: the pen-digits writers only, nothing added.
BEFORE_COLLECTIONS = CollectionsConfig(
    pen_collections=("pen-digits",), uji_repeats=0, sparse_copies=0, mnist_image_path_share=0.0
)


@dataclass(frozen=True)
class TrainingConfig:
    """One run: data, network, schedule and augmentation settings."""

    seed: int = 1234
    epochs: int = 12
    batch_size: int = 128
    # Smoke runs train on the first `limit` MNIST digits and `limit // 10` pen digits.
    limit: int | None = None
    # Whole writers of pen-digits-trajectories.json kept out of training, drawn by a
    # seeded permutation of the ids 1-30: `heldout_writers` measure the model (never
    # trained on, never tuned on); `validation_writers` fit the temperature and the
    # not-a-digit threshold. The others are trained on.
    writer_split_seed: int = 16
    heldout_writers: int = 6
    validation_writers: int = 3
    pen_repeats: int = 2  # the pen digits are few: show each twice per epoch
    # The pen writers' conventions (flagged 1s, crossed 7s, 4s drawn in one stroke) look
    # like other MNIST digits; softer targets keep them from bending MNIST's boundaries.
    pen_label_smoothing: float = 0.1
    dropout: float = 0.2
    peak_learning_rate: float = 3e-3
    warmup_epochs: int = 1
    warmup_start_divisor: int = 20  # warm-up starts at peak_learning_rate / this
    final_learning_rate_fraction: float = 0.01  # cosine decay ends at peak * this
    ema_horizon_epochs: float = 1.5  # the exported weights average about this many epochs
    augmentation: AugmentationConfig = field(default_factory=AugmentationConfig)
    styles: StyleConfig = field(default_factory=StyleConfig)
    non_digits: NonDigitConfig = field(default_factory=NonDigitConfig)
    collections: CollectionsConfig = field(default_factory=CollectionsConfig)

    @classmethod
    def from_dict(cls, settings: dict) -> "TrainingConfig":
        """The config `asdict` wrote (JSON lists back to tuples); every field must be
        there and no other, so a card cannot silently re-create a different run."""
        parts = {
            "augmentation": _build(AugmentationConfig, settings.get("augmentation", {})),
            "styles": _build(StyleConfig, settings.get("styles", {})),
            "non_digits": _build(NonDigitConfig, settings.get("non_digits", {})),
            # Cards written before the collections existed: their runs' settings.
            "collections": _build(
                CollectionsConfig,
                settings.get("collections", dataclasses.asdict(BEFORE_COLLECTIONS)),
            ),
        }
        return _build(cls, {**settings, **parts})

    @classmethod
    def from_card(cls, path) -> "TrainingConfig":
        card = json.loads(Path(path).read_text())
        try:
            settings = card["training"]["config"]
        except KeyError as missing:
            raise ValueError(f"{path} has no training config (key {missing})") from None
        return cls.from_dict(settings)


def _build(kind, settings: dict):
    names = {item.name for item in dataclasses.fields(kind)}
    unknown, missing = set(settings) - names, names - set(settings)
    if unknown or missing:
        raise ValueError(
            f"{kind.__name__}: unknown settings {sorted(unknown)}, missing {sorted(missing)}"
        )
    return kind(**{name: _frozen(value) for name, value in settings.items()})


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value
