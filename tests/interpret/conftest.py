"""Tiny classifiers trained once per test session on the 8x8 digits (a few seconds each)."""

import keras
import numpy as np
import pytest

from dlcourse import data


@pytest.fixture(scope="session")
def digits():
    """`(x_train, y_train, x_test, y_test)`: float32 images in [0, 1], int32 labels."""
    x_train, y_train = data.split_arrays("digits", "train")
    x_test, y_test = data.split_arrays("digits", "test")
    scale = lambda x: (x / 255.0).astype(np.float32)  # noqa: E731
    return scale(x_train), y_train.astype(np.int32), scale(x_test), y_test.astype(np.int32)


def tiny_cnn(input_shape=(8, 8, 1), num_classes=10, seed=0):
    """conv 8 - pool - conv 16 - dense softmax: the shape of the recipes' CNN, 2,000 weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(input_shape, name="images")
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv_1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool_1")(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv_2")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(num_classes, name="logits")(x)
    outputs = keras.layers.Activation("softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="tiny_cnn")


def fit(model, x, y, epochs, learning_rate=0.01):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    return model


@pytest.fixture(scope="session")
def cnn(digits):
    """The tiny CNN after 12 epochs: about 0.95 test accuracy."""
    x_train, y_train, _, _ = digits
    return fit(tiny_cnn(), x_train, y_train, epochs=12)


@pytest.fixture(scope="session")
def mlp(digits):
    """The course MLP's shape on 8x8 digits (64-32-16-10)."""
    from dlcourse.models import build_mlp

    x_train, y_train, _, _ = digits
    keras.utils.set_random_seed(0)
    return fit(build_mlp((8, 8, 1), 10, hidden_units=(32, 16)), x_train, y_train, epochs=15)
