"""The one input contract shared by training and serving.

Every image the network sees, during training and in the web process, is a
28x28 single-channel float32 array in [0, 1] with ink high (1.0) on a dark
background (0.0): MNIST's own polarity. The digit fits a 20x20 box, keeps its
aspect ratio, and has its centre of mass at the centre of the 28x28 field.
"""

import numpy as np

IMAGE_SIZE = 28
BOX_SIZE = 20
NUM_CLASSES = 10  # the digits 0-9
# The model's outputs: the ten digits, then "not a digit" (a letter, a shape, a scribble).
NOT_A_DIGIT = 10
NUM_OUTPUTS = NUM_CLASSES + 1
INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
INPUT_DTYPE = np.float32

# MNIST's digits have their centre of mass at (14.0, 14.0) in pixel-index
# coordinates (measured on the training set: 13.99, 14.00).
CENTRE = IMAGE_SIZE / 2
# The ink, pen included, spans this many pixels along its longer side: one
# less than BOX_SIZE because anti-aliasing at a sub-pixel position touches one
# more pixel, and MNIST's ink (fringe included) stays inside 20x20.
INK_SPAN = BOX_SIZE - 1
# The pen, in output pixels, every stroke reaches the model with: calibrated so
# rendered strokes have MNIST's median thickness (ink mass per unit of skeleton
# length, about 2.85 px on the training set).
PEN_WIDTH = 2.3
# An image with fewer ink pixels than this is treated as empty.
MIN_INK_PIXELS = 4


def to_model_batch(images: np.ndarray) -> np.ndarray:
    """Turn 28x28 images (uint8 0..255 or float 0..1, with or without a batch
    axis or a channel axis) into the (N, 28, 28, 1) float32 batch the model takes."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype(INPUT_DTYPE) / 255.0
    else:
        images = images.astype(INPUT_DTYPE, copy=False)
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = images[..., None]
    if images.shape[1:] != INPUT_SHAPE:
        raise ValueError(f"expected images of shape (N, 28, 28[, 1]), got {images.shape}")
    return images
