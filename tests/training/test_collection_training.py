"""What a run adds to training beyond MNIST and the pen-digits writers
(collection_training.py): nothing for the runs before issue 26 (they re-create
themselves); the UJI training writers only, sparse copies, and MNIST digits as
the image path reads their canvas export for the committed run."""

import dataclasses

import numpy as np

from model.training.collection_training import extra_sets, read_through_image_path
from model.training.config import BEFORE_COLLECTIONS, CollectionsConfig, TrainingConfig
from model.training.pen_collections import split_uji_writers
from testkit.fixtures import pen_digits_sample


def _pen(count=20):
    records = pen_digits_sample()[:count]
    strokes = [[np.asarray(s, dtype=np.float64) for s in r["strokes"]] for r in records]
    return strokes, np.array([r["label"] for r in records], np.uint8)


def test_a_run_from_before_the_collections_adds_nothing(mnist_fixture):
    images, labels = mnist_fixture
    strokes, pen_labels = _pen()
    config = TrainingConfig(collections=BEFORE_COLLECTIONS)
    mnist, rng = images / 255.0, np.random.default_rng(0)
    extra = extra_sets(config, strokes, pen_labels, mnist, labels, "/nonexistent", rng)
    assert extra.images.shape == (0, 28, 28) and len(extra.labels) == len(extra.from_strokes) == 0
    assert len(extra.validation_images) == 0 and extra.counts == {"sparse_train_digits": 0}


def test_uji_training_writers_sparse_copies_and_mnist_through_the_image_path(
    mnist_fixture, uji_path
):
    images, labels = mnist_fixture
    mnist = images[:20] / 255.0
    strokes, pen_labels = _pen()
    collections = CollectionsConfig(
        pen_collections=("pen-digits", "uji"),
        uji_repeats=2,
        sparse_copies=1,
        mnist_image_path_share=0.5,
    )
    config = dataclasses.replace(TrainingConfig(), collections=collections)
    extra = extra_sets(
        config, strokes, pen_labels, mnist, labels[:20], uji_path, np.random.default_rng(0)
    )
    split = split_uji_writers()
    uji_train = 20 * len(split["train"])  # 20 digits a writer
    assert extra.counts["uji_train_digits"] == uji_train == 640
    assert extra.counts["uji_validation_digits"] == len(extra.validation_labels) == 160
    assert extra.counts["uji_writers"]["heldout"] == list(split["heldout"])
    assert extra.counts["sparse_train_digits"] == len(strokes) + uji_train
    assert extra.counts["mnist_image_path_train_digits"] == 10
    strokes_count = 2 * uji_train + len(strokes) + uji_train
    assert len(extra.images) == len(extra.labels) == strokes_count + 10
    # Rendered strokes get softened targets; MNIST digits, even read as images, do not.
    assert extra.from_strokes[:strokes_count].all() and not extra.from_strokes[-10:].any()
    assert (extra.images.reshape(len(extra.images), -1).max(axis=1) > 0.5).all()


def test_mnist_read_through_the_image_path_stays_the_same_digit_in_the_same_frame(
    mnist_fixture,
):
    images, _ = mnist_fixture
    read = read_through_image_path(images[:10] / 255.0)
    assert read.shape == (10, 28, 28) and read.dtype == np.float32
    for original, again in zip(images[:10] / 255.0, read, strict=True):
        # Re-normalised, not another drawing: the ink mostly where it was.
        overlap = np.minimum(original, again).sum() / np.maximum(original, again).sum()
        assert overlap > 0.5
