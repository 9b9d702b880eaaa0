"""dlcourse.layers.Dropout against keras.layers.Dropout: same seed, same masks."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError


@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_dropout_same_seed_gives_keras_masks(rate):
    x = np.random.default_rng(0).normal(size=(8, 32)).astype("float32")
    ref, ours = keras.layers.Dropout(rate, seed=42), layers.Dropout(rate, seed=42)
    for _ in range(3):  # the seed generators advance in step
        np.testing.assert_array_equal(ours(x, training=True), ref(x, training=True))


def test_dropout_statistics_and_scaling():
    rate = 0.3
    x = np.ones((200, 500), "float32")
    y = layers.Dropout(rate, seed=1)(x, training=True).numpy()
    dropped = np.mean(y == 0)
    assert abs(dropped - rate) < 0.01  # 100,000 units: std of the fraction ~0.0015
    np.testing.assert_allclose(y[y != 0], 1 / (1 - rate), rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation


def test_dropout_gradient_is_the_scaled_mask():
    x = tf.constant(np.random.default_rng(2).normal(size=(4, 10)).astype("float32"))
    layer = layers.Dropout(0.5, seed=3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = tf.reduce_sum(y)
    grad = tape.gradient(loss, x).numpy()
    np.testing.assert_allclose(grad, np.where(y.numpy() != 0, 2.0, 0.0))


def test_dropout_is_identity_at_inference_and_rate_zero():
    x = np.random.default_rng(4).normal(size=(5, 7)).astype("float32")
    np.testing.assert_array_equal(layers.Dropout(0.5, seed=0)(x, training=False), x)
    np.testing.assert_array_equal(layers.Dropout(0.5, seed=0)(x), x)
    np.testing.assert_array_equal(layers.Dropout(0.0)(x, training=True), x)


def test_dropout_same_seed_reproducible_different_seed_differs():
    x = np.ones((16, 16), "float32")
    a = layers.Dropout(0.5, seed=7)(x, training=True).numpy()
    b = layers.Dropout(0.5, seed=7)(x, training=True).numpy()
    c = layers.Dropout(0.5, seed=8)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert np.any(a != c)


def test_dropout_inside_model_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(3)(layers.Dropout(0.4, seed=5)(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(5).normal(size=(4, 6)).astype("float32")
    model.save(tmp_path / "do.keras")
    reloaded = keras.models.load_model(tmp_path / "do.keras")
    dropout = reloaded.layers[1]
    assert isinstance(dropout, layers.Dropout) and (dropout.rate, dropout.seed) == (0.4, 5)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_bad_rate_raises(rate):
    with pytest.raises(DLCourseError, match="rate"):
        layers.Dropout(rate)
