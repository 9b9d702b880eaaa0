"""Cross-entropy, NLL, MSE and the 0-1 loss vs `keras.losses` / `keras.metrics` (float64)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import nn
from dlcourse.errors import DLCourseError

ATOL = 1e-12  # float64; per-sample losses are O(1) to O(10)


def _batch(seed=0, batch=6, classes=4):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=3.0, size=(batch, classes))
    labels = rng.integers(0, classes, size=batch)
    return logits, labels, np.eye(classes)[labels]


def test_categorical_crossentropy_from_logits_matches_keras():
    logits, _, onehot = _batch()
    expected = keras.losses.categorical_crossentropy(tf.constant(onehot), tf.constant(logits), from_logits=True)
    np.testing.assert_allclose(nn.categorical_crossentropy(onehot, logits, from_logits=True), expected, atol=ATOL)


def test_categorical_crossentropy_from_probabilities_matches_keras_including_clipping():
    logits, _, onehot = _batch()
    probs = nn.Softmax().value(logits)
    # Rows that hit the clip: an exact 0 on the label, an unnormalised row, a 1.
    probs = np.vstack([probs, [[0.0, 1.0, 0.0, 0.0]], [[2.0, 1.0, 1.0, 0.0]], [[1.0, 0.0, 0.0, 0.0]]])
    onehot = np.vstack([onehot, np.eye(4)[[0, 3, 0]]])
    expected = keras.losses.categorical_crossentropy(tf.constant(onehot), tf.constant(probs))
    ours = nn.categorical_crossentropy(onehot, probs)
    np.testing.assert_allclose(ours, expected, atol=1e-9)  # log of a clipped 1e-7: 1e-9 covers round-off
    assert ours[-3] == pytest.approx(-np.log(1e-7), rel=1e-9)  # the clipping bound, not inf


@pytest.mark.parametrize("from_logits", [True, False])
def test_sparse_categorical_crossentropy_matches_keras(from_logits):
    logits, labels, _ = _batch(seed=1)
    y_pred = logits if from_logits else nn.Softmax().value(logits)
    expected = keras.losses.sparse_categorical_crossentropy(
        tf.constant(labels), tf.constant(y_pred), from_logits=from_logits
    )
    ours = nn.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    np.testing.assert_allclose(ours, expected, atol=1e-9 if not from_logits else ATOL)


def test_crossentropy_from_logits_is_finite_for_huge_logits():
    logits = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    labels = np.array([0, 1, 2])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ours = nn.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_allclose(ours, [0.0, 2000.0, np.log(2.0)], atol=1e-12)
    expected = keras.losses.sparse_categorical_crossentropy(tf.constant(labels), tf.constant(logits), from_logits=True)
    np.testing.assert_allclose(ours, expected, atol=1e-9)


def test_softmax_crossentropy_gradient_matches_tape():
    logits, labels, onehot = _batch(seed=2)
    z = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_sum(keras.losses.categorical_crossentropy(tf.constant(onehot), z, from_logits=True))
    expected = tape.gradient(loss, z).numpy()
    np.testing.assert_allclose(nn.softmax_crossentropy_gradient(onehot, logits), expected, atol=ATOL)
    np.testing.assert_allclose(nn.softmax_crossentropy_gradient(labels, logits), expected, atol=ATOL)


def test_negative_log_likelihood_of_log_softmax_is_crossentropy():
    logits, labels, _ = _batch(seed=3)
    log_probs = nn.Softmax().log_value(logits)
    expected = keras.losses.sparse_categorical_crossentropy(tf.constant(labels), tf.constant(logits), from_logits=True)
    np.testing.assert_allclose(nn.negative_log_likelihood(labels, log_probs), expected, atol=ATOL)
    # Hand-computed: NLL of probability 1/4 is log 4.
    assert nn.negative_log_likelihood([2], np.log([[0.25, 0.25, 0.25, 0.25]]))[0] == pytest.approx(np.log(4), abs=1e-15)


def test_mean_squared_error_and_gradient_match_keras():
    rng = np.random.default_rng(4)
    y_true, y_pred = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    expected = keras.losses.mean_squared_error(tf.constant(y_true), tf.constant(y_pred))
    np.testing.assert_allclose(nn.mean_squared_error(y_true, y_pred), expected, atol=ATOL)
    p = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(p)
        loss = tf.reduce_sum(keras.losses.mean_squared_error(tf.constant(y_true), p))
    np.testing.assert_allclose(nn.mean_squared_error_gradient(y_true, y_pred), tape.gradient(loss, p), atol=ATOL)


def test_zero_one_loss_is_one_minus_keras_accuracy():
    logits, labels, onehot = _batch(seed=5, batch=50, classes=3)
    accuracy = keras.metrics.sparse_categorical_accuracy(tf.constant(labels), tf.constant(logits)).numpy()
    accuracy = accuracy.astype(np.float64).mean()  # Keras returns float32 0/1 per sample
    assert nn.zero_one_loss(labels, logits) == pytest.approx(1.0 - accuracy, abs=1e-12)
    assert nn.zero_one_loss(onehot, logits) == nn.zero_one_loss(labels, logits)
    assert nn.zero_one_loss([0, 1, 1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]]) == pytest.approx(1 / 3)


def test_bad_labels_and_shapes_raise_one_line_errors():
    with pytest.raises(DLCourseError, match="class indices"):
        nn.sparse_categorical_crossentropy([0, 5], np.zeros((2, 3)))
    with pytest.raises(DLCourseError, match="same shape"):
        nn.categorical_crossentropy(np.zeros((2, 3)), np.zeros((2, 4)))
