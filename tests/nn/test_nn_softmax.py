"""Softmax: value vs `keras.activations.softmax`, Jacobian and vjp vs `tf.GradientTape`."""

import keras
import numpy as np
import tensorflow as tf

from dlcourse.nn import Softmax

ATOL = 1e-12  # float64, values and Jacobian entries are <= 1


def _logits():
    return np.random.default_rng(0).normal(scale=3.0, size=(5, 7))


def test_value_matches_keras_and_rows_sum_to_one():
    x = _logits()
    ours = Softmax().value(x)
    np.testing.assert_allclose(ours, keras.activations.softmax(tf.constant(x)).numpy(), rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours.sum(axis=-1), 1.0, rtol=0, atol=ATOL)


def test_jacobian_matches_batch_jacobian():
    x = tf.constant(_logits())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.activations.softmax(x)
    expected = tape.batch_jacobian(y, x).numpy()  # (batch, out, in)
    np.testing.assert_allclose(Softmax().jacobian(x.numpy()), expected, rtol=0, atol=ATOL)
    np.testing.assert_allclose(Softmax().derivative(x.numpy()), expected, rtol=0, atol=ATOL)


def test_vjp_matches_tape_with_output_gradients():
    x = tf.constant(_logits())
    g = np.random.default_rng(1).normal(size=x.shape)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.activations.softmax(x)
    expected = tape.gradient(y, x, output_gradients=tf.constant(g)).numpy()
    np.testing.assert_allclose(Softmax().vjp(x.numpy(), g), expected, rtol=0, atol=ATOL)
    # And the vjp equals g^T J built from the full Jacobian.
    np.testing.assert_allclose(
        Softmax().vjp(x.numpy(), g), np.einsum("bi,bij->bj", g, Softmax().jacobian(x.numpy())), atol=ATOL
    )


def test_large_logits_stay_finite():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise"):
        np.testing.assert_allclose(Softmax().value(x), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)
        np.testing.assert_allclose(Softmax().log_value(x)[0], [0.0, -2000.0, -1000.0], atol=1e-12)
