"""The regularised risk's penalty vs `keras.regularizers.L1L2`; its gradient vs the tape."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import nn
from dlcourse.errors import DLCourseError


def _weights():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]


# Keras casts the Python float strength through float32, so the strengths here are powers
# of two (exact in float32 and float64) and the comparison can be float64-tight.
L1, L2 = 2.0**-7, 2.0**-10


@pytest.mark.parametrize("l1, l2", [(L1, 0.0), (0.0, L2), (L1, L2)])
def test_penalty_matches_keras_l1l2(l1, l2):
    weights = _weights()
    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
    expected = sum(float(regularizer(tf.constant(w))) for w in weights)
    assert nn.penalty(weights, l1=l1, l2=l2) == pytest.approx(expected, rel=1e-12)


def test_penalty_gradient_matches_tape():
    weights = [tf.Variable(w) for w in _weights()]
    regularizer = keras.regularizers.L1L2(l1=L1, l2=L2)
    with tf.GradientTape() as tape:
        total = tf.add_n([regularizer(w) for w in weights])
    expected = tape.gradient(total, weights)
    ours = nn.penalty_gradient([w.numpy() for w in weights], l1=L1, l2=L2)
    for g, e in zip(ours, expected):
        np.testing.assert_allclose(g, e.numpy(), rtol=0, atol=1e-15)


def test_regularized_risk_hand_computed():
    losses = np.array([1.0, 2.0, 3.0])
    weights = [np.array([[1.0, -2.0]]), np.array([3.0])]
    # mean 2 + 0.1 * (1 + 2 + 3) + 0.01 * (1 + 4 + 9) = 2 + 0.6 + 0.14
    assert nn.regularized_risk(losses, weights, l1=0.1, l2=0.01) == pytest.approx(2.74, abs=1e-12)
    assert nn.regularized_risk(losses, weights) == pytest.approx(2.0, abs=1e-12)


def test_negative_strength_raises():
    with pytest.raises(DLCourseError, match="must be >= 0"):
        nn.regularized_risk([1.0], _weights(), l2=-1.0)
