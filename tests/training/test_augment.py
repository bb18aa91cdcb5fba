"""Training augmentation: what it may and may not do to a digit."""

import numpy as np
import pytest

from model.training.config import AugmentationConfig

pytestmark = pytest.mark.slow  # imports TensorFlow

BATCH = 64
SEEDS = range(4)


def _augment(from_strokes: bool, seed: int, settings=None) -> tuple[np.ndarray, np.ndarray]:
    import tensorflow as tf

    from model.training import augment

    images = np.zeros((BATCH, 28, 28, 1), np.float32)
    images[:, 8:20, 13:15] = 1.0  # a 2-pixel-wide upright bar, like a "1"
    augmented = augment.augment_batch(
        tf.constant(images),
        tf.fill([BATCH], from_strokes),
        tf.constant([seed, 0], tf.int64),
        settings,
    ).numpy()
    return images, augmented


def _ink_ratios(images, augmented):
    return augmented.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))


def test_mnist_digits_are_moved_drawn_bold_or_thin_and_some_left_as_scanned():
    left_as_scanned = AugmentationConfig().mnist_unaugmented_probability
    unchanged, ratios = [], []
    for seed in SEEDS:
        images, augmented = _augment(False, seed)
        unchanged.append(np.all(augmented == images, axis=(1, 2, 3)))
        ratios.append(_ink_ratios(images, augmented))
    unchanged, ratios = np.concatenate(unchanged), np.concatenate(ratios)
    assert 0.5 * left_as_scanned < unchanged.mean() < 1.5 * left_as_scanned
    # Affine scaling alone moves the ink by at most (1.08**2 * 1.07) = 1.25x.
    assert (ratios > 1.4).sum() > 10, "no bold strokes"
    assert (ratios < 0.7).sum() > 5, "no thin strokes"


def test_stroke_rendered_digits_are_moved_but_keep_the_rasterizer_s_pen_width():
    for seed in SEEDS:
        images, augmented = _augment(True, seed)
        assert not np.any(np.all(augmented == images, axis=(1, 2, 3))), "a digit left as drawn"
        ratios = _ink_ratios(images, augmented)
        assert ratios.min() > 0.75 and ratios.max() < 1.3, (ratios.min(), ratios.max())


def test_the_configured_ranges_are_the_ones_applied():
    still = AugmentationConfig(
        rotation_degrees=0.0,
        scale_range=(1.0, 1.0),
        aspect_range=(1.0, 1.0),
        shear=0.0,
        shift_pixels=0.0,
        thicken_probability=0.0,
        thin_probability=0.0,
        mnist_unaugmented_probability=0.0,
    )
    always_bold = AugmentationConfig(**{**still.__dict__, "thicken_probability": 1.0})
    for from_strokes in (False, True):
        images, augmented = _augment(from_strokes, 0, still)
        np.testing.assert_allclose(augmented, images, atol=1e-6)
    images, augmented = _augment(False, 0, always_bold)
    assert (_ink_ratios(images, augmented) > 1.4).all()
