"""What a run trains on beyond MNIST and the pen-digits writers' digits as
written (config.CollectionsConfig; train.py adds these to its sets):

- the UJI training writers' digits (pen_collections' fixed split), each scaled
  by its own box and rendered through the serving rasterizer, shown
  `uji_repeats` times an epoch; the UJI validation writers' digits join the
  validation set that fits the temperature and the not-a-digit threshold. The
  UJI held-out writers are never read here.
- sparse copies of every training writer's digit (both collections): resampled
  to a few points along each stroke (`sparse_points`), strokes and aspect kept,
  as a pointer that sent few events draws it;
- a share of the MNIST training digits as the serving image path reads a canvas
  export of them (black ink on white, 280x280 bilinear, PNG), so that the image
  path's resampling is seen in training and not only at the door.
"""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from model.character.preprocess import preprocess_image
from model.training import data, pen_collections
from model.training.config import TrainingConfig


@dataclass(frozen=True)
class ExtraSets:
    images: np.ndarray
    labels: np.ndarray
    from_strokes: np.ndarray
    validation_images: np.ndarray
    validation_labels: np.ndarray
    counts: dict


def extra_sets(
    config: TrainingConfig,
    pen_train_strokes: list,
    pen_train_labels: np.ndarray,
    mnist_images: np.ndarray,
    mnist_labels: np.ndarray,
    uji_path,
    rng: np.random.Generator,
) -> ExtraSets:
    settings = config.collections
    parts, labels, from_strokes = [], [], []
    validation_images = np.zeros((0, 28, 28), np.float32)
    validation_labels = np.zeros(0, np.uint8)
    counts = {}
    sparse_sources = [
        (pen_collections.fit_own_box(s), y)
        for s, y in zip(pen_train_strokes, pen_train_labels, strict=True)
    ]
    if "uji" in settings.pen_collections:
        uji = pen_collections.load_uji(uji_path)
        train_ids, validation_ids = uji.part("train"), uji.part("validation")
        if config.limit:
            train_ids = train_ids[: max(10, config.limit // 100)]
        rendered = data.render([uji.strokes[i] for i in train_ids])
        for _ in range(settings.uji_repeats):
            parts.append(rendered)
            labels.append(uji.labels[train_ids])
            from_strokes.append(np.ones(len(train_ids), bool))
        validation_images = data.render([uji.strokes[i] for i in validation_ids])
        validation_labels = uji.labels[validation_ids]
        sparse_sources += [(uji.strokes[i], uji.labels[i]) for i in train_ids]
        counts["uji_train_digits"] = len(train_ids)
        counts["uji_validation_digits"] = len(validation_ids)
        counts["uji_writers"] = {k: list(v) for k, v in uji.split.items()}
    low, high = settings.sparse_points
    for _ in range(settings.sparse_copies):
        drawings = [
            pen_collections.sparse(strokes, int(rng.integers(low, high + 1)))
            for strokes, _ in sparse_sources
        ]
        parts.append(data.render(drawings))
        labels.append(np.array([y for _, y in sparse_sources], np.uint8))
        from_strokes.append(np.ones(len(drawings), bool))
    counts["sparse_train_digits"] = settings.sparse_copies * len(sparse_sources)
    if settings.mnist_image_path_share > 0:
        chosen = rng.choice(
            len(mnist_images),
            round(settings.mnist_image_path_share * len(mnist_images)),
            replace=False,
        )
        parts.append(read_through_image_path(mnist_images[chosen]))
        labels.append(mnist_labels[chosen])
        from_strokes.append(np.zeros(len(chosen), bool))
        counts["mnist_image_path_train_digits"] = len(chosen)
    if not parts:
        parts, labels, from_strokes = [np.zeros((0, 28, 28), np.float32)], [[]], [[]]
    return ExtraSets(
        images=np.concatenate(parts).astype(np.float32),
        labels=np.concatenate(labels).astype(np.uint8),
        from_strokes=np.concatenate(from_strokes).astype(bool),
        validation_images=validation_images,
        validation_labels=validation_labels.astype(np.uint8),
        counts=counts,
    )


CANVAS_PNG_SIDE = 280


def canvas_png(image: np.ndarray) -> bytes:
    """An MNIST digit (ink 1 on 0) as a canvas export: black ink on white,
    upscaled bilinear to 280x280, PNG."""
    paper = Image.fromarray((255 - image * 255).round().astype(np.uint8))
    buffer = io.BytesIO()
    paper.resize((CANVAS_PNG_SIDE, CANVAS_PNG_SIDE), Image.Resampling.BILINEAR).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def read_through_image_path(images: np.ndarray) -> np.ndarray:
    """MNIST digits (ink 1 on 0) as the image path reads their 280-px canvas PNG
    (preprocess_image: the one-character reading of read_image_number)."""
    out = np.zeros_like(images, dtype=np.float32)
    for index, image in enumerate(images):
        result = preprocess_image(canvas_png(image))
        if not result.empty:
            out[index] = result.image
    return out
