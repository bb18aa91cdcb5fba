"""Training-time augmentation that mimics hand-drawn input, as tf.data batch ops.

Random affine (rotation, scale, shear, shift) about the image centre, then a
random stroke-thickness change (a one-pixel dilation for bold strokes, a
one-pixel erosion for thin ones), applied to whole batches at once. Digits
rendered from strokes skip the thickness change: the serving rasterizer draws
every stroke with the same pen, so no drawing ever reaches the model bold or thin.
A fraction of the MNIST digits (`mnist_unaugmented_probability`) pass unaugmented.
The ranges and probabilities are an `AugmentationConfig` (config.py).
"""

import math

import tensorflow as tf

from model.core.contract import IMAGE_SIZE
from model.training.config import AugmentationConfig


def augment_batch(
    images: tf.Tensor,
    from_strokes: tf.Tensor,
    seed: tf.Tensor,
    settings: AugmentationConfig | None = None,
) -> tf.Tensor:
    """Augment a (N, 28, 28, 1) float batch; `from_strokes` (N,) bool marks digits
    rendered by the rasterizer; `seed` is a stateless (2,) int seed; `settings`
    defaults to the committed run's."""
    settings = settings or AugmentationConfig()
    seeds = tf.random.experimental.stateless_split(seed, 8)
    count = tf.shape(images)[0]

    def uniform(index, low, high):
        return tf.random.stateless_uniform([count], seeds[index], low, high)

    angle = uniform(0, -1.0, 1.0) * math.radians(settings.rotation_degrees)
    scale_x = uniform(1, *settings.scale_range)
    scale_y = scale_x * uniform(2, *settings.aspect_range)
    shear = uniform(3, -settings.shear, settings.shear)
    shift_x = uniform(4, -settings.shift_pixels, settings.shift_pixels)
    shift_y = uniform(5, -settings.shift_pixels, settings.shift_pixels)
    augmented = _affine(images, angle, scale_x, scale_y, shear, shift_x, shift_y)
    augmented = _change_thickness(augmented, uniform(6, 0.0, 1.0), from_strokes, settings)
    left_as_scanned = uniform(7, 0.0, 1.0) < settings.mnist_unaugmented_probability
    clean = tf.logical_and(tf.logical_not(from_strokes), left_as_scanned)
    return tf.where(clean[:, None, None, None], images, augmented)


def _affine(images, angle, scale_x, scale_y, shear, shift_x, shift_y):
    # Forward map A = R(angle) @ Shear(shear) @ S(scale); the projective op wants
    # the inverse: output point p samples input point A^-1 (p - c - t) + c.
    cos, sin = tf.cos(angle), tf.sin(angle)
    a00 = cos * scale_x
    a01 = (cos * shear - sin) * scale_y
    a10 = sin * scale_x
    a11 = (sin * shear + cos) * scale_y
    det = a00 * a11 - a01 * a10
    i00, i01, i10, i11 = a11 / det, -a01 / det, -a10 / det, a00 / det
    centre = (IMAGE_SIZE - 1) / 2.0
    px, py = centre + shift_x, centre + shift_y
    b0 = centre - (i00 * px + i01 * py)
    b1 = centre - (i10 * px + i11 * py)
    zeros = tf.zeros_like(angle)
    transforms = tf.stack([i00, i01, b0, i10, i11, b1, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=[IMAGE_SIZE, IMAGE_SIZE],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )


def _change_thickness(images, draw, keep_width, settings):
    change = tf.logical_not(keep_width)
    make_bold = tf.logical_and(change, draw < settings.thicken_probability)
    make_thin = tf.logical_and(change, draw > 1.0 - settings.thin_probability)
    bold = tf.nn.max_pool2d(images, ksize=2, strides=1, padding="SAME")
    thin = -tf.nn.max_pool2d(-images, ksize=2, strides=1, padding="SAME")
    images = tf.where(make_bold[:, None, None, None], bold, images)
    return tf.where(make_thin[:, None, None, None], thin, images)
