"""Perceptron and logistic losses: hand-computed values, Keras' binary cross-entropy, gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import nn
from dlcourse.errors import DLCourseError

Y = np.array([1.0, 1.0, -1.0, -1.0, 1.0])
F = np.array([2.0, -0.5, 0.3, -4.0, 0.0])


def test_perceptron_loss_hand_computed():
    # max(0, -y f): right with margin -> 0; wrong -> |f|; a tie f = 0 -> 0.
    np.testing.assert_array_equal(nn.perceptron_loss(Y, F), [0.0, 0.5, 0.3, 0.0, 0.0])
    # Subgradient -y on mistakes and ties, 0 on correct points.
    np.testing.assert_array_equal(nn.perceptron_loss_gradient(Y, F), [0.0, -1.0, 1.0, 0.0, -1.0])


def test_logistic_loss_hand_computed():
    expected = [np.log1p(np.exp(-2.0)), np.log1p(np.exp(0.5)), np.log1p(np.exp(0.3)), np.log1p(np.exp(-4.0)), np.log(2.0)]
    np.testing.assert_allclose(nn.margin_logistic_loss(Y, F), expected, rtol=0, atol=1e-15)


def test_logistic_loss_is_keras_binary_crossentropy_from_logits():
    targets = (Y + 1.0) / 2.0  # {-1, +1} -> {0, 1}
    expected = keras.losses.binary_crossentropy(tf.constant(targets[:, None]), tf.constant(F[:, None]), from_logits=True)
    np.testing.assert_allclose(nn.margin_logistic_loss(Y, F), expected, rtol=0, atol=1e-12)


def test_logistic_loss_gradient_matches_tape():
    f = tf.constant(F)
    with tf.GradientTape() as tape:
        tape.watch(f)
        loss = tf.reduce_sum(tf.math.softplus(-tf.constant(Y) * f))
    np.testing.assert_allclose(nn.margin_logistic_loss_gradient(Y, F), tape.gradient(loss, f), rtol=0, atol=1e-15)


def test_logistic_loss_finite_for_huge_scores():
    with np.errstate(over="raise"):
        np.testing.assert_allclose(nn.margin_logistic_loss([1.0, 1.0], [1000.0, -1000.0]), [0.0, 1000.0])
        np.testing.assert_allclose(nn.margin_logistic_loss_gradient([1.0, 1.0], [1000.0, -1000.0]), [0.0, -1.0])


def test_labels_must_be_plus_minus_one():
    with pytest.raises(DLCourseError, match=r"y = 2 \* t - 1"):
        nn.margin_logistic_loss([0.0, 1.0], [0.1, 0.2])
