"""The digit CNN: a small all-convolutional network sized for CPU serving.

Three stages of 3x3 convolutions with batch normalisation, each ending in a
strided 5x5 convolution instead of pooling (a learnable downsampling that
reads MNIST better), then a 4x4 convolution to 128 features and the softmax
over eleven answers: the ten digits and "not a digit".
About 0.3 M parameters.
"""

import keras
from keras import layers

from model.core.contract import INPUT_SHAPE, NUM_OUTPUTS
from model.training.config import TrainingConfig


def _conv(x, filters, kernel, strides=1, padding="valid"):
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def build_model(dropout: float = TrainingConfig.dropout) -> keras.Model:
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = _conv(inputs, 32, 3)  # 26x26
    x = _conv(x, 32, 3)  # 24x24
    x = _conv(x, 32, 5, strides=2, padding="same")  # 12x12
    x = layers.Dropout(dropout)(x)
    x = _conv(x, 64, 3)  # 10x10
    x = _conv(x, 64, 3)  # 8x8
    x = _conv(x, 64, 5, strides=2, padding="same")  # 4x4
    x = layers.Dropout(dropout)(x)
    x = _conv(x, 128, 4)  # 1x1
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(NUM_OUTPUTS, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digit_cnn")
