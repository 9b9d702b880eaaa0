"""The hand-written MLP: gradients vs `tf.GradientTape` (float64), finite differences, digits."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_digits

from dlcourse import nn
from dlcourse.errors import DLCourseError

# The brief's bar: relative error (norm of the difference over the sum of norms) < 1e-6
# in float64; in practice the two agree to ~1e-15.
RELATIVE_ERROR = 1e-6


def _data(seed=0, batch=16, features=10, classes=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, features)), rng.integers(0, classes, size=batch)


def _tape_gradients(net, x, y):
    """Gradients from Keras' twin model: same weights, float64, softmax output."""
    model = net.to_keras()
    with tf.GradientTape() as tape:
        probs = model(tf.constant(x))
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(tf.constant(y), probs))
    return float(loss), [g.numpy() for g in tape.gradient(loss, model.trainable_weights)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu", "swish", "leaky_relu"])
def test_gradients_match_gradient_tape(activation):
    keras.utils.set_random_seed(0)
    x, y = _data()
    net = nn.MLP([10, 8, 6, 4], activation=activation, seed=1)
    loss, grads = net.gradients(x, y)
    tape_loss, tape_grads = _tape_gradients(net, x, y)
    # Keras' leaky_relu slope passes through a float32 op attribute (0.2 -> 0.2000000030),
    # which moves the loss by ~1e-9; everything else agrees to float64 round-off.
    assert loss == pytest.approx(tape_loss, abs=1e-8 if activation == "leaky_relu" else 1e-12)
    assert len(grads) == len(tape_grads) == 6
    for ours, theirs in zip(grads, tape_grads):
        assert ours.shape == theirs.shape
        assert nn.relative_error(ours, theirs) < RELATIVE_ERROR


def test_gradients_match_plain_tensorflow_ops():
    # The same network written with raw tf ops on tf.Variables (no Keras layers).
    x, y = _data(seed=2)
    net = nn.MLP([10, 7, 5, 4], activation="tanh", seed=3)
    variables = [tf.Variable(p) for p in net.params]
    with tf.GradientTape() as tape:
        h = tf.constant(x)
        for i in range(0, len(variables), 2):
            h = h @ variables[i] + variables[i + 1]
            h = tf.tanh(h) if i < len(variables) - 2 else h
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant(y), h))
    _, grads = net.gradients(x, y)
    for ours, theirs in zip(grads, tape.gradient(loss, variables)):
        assert nn.relative_error(ours, theirs.numpy()) < RELATIVE_ERROR


def test_finite_difference_gradient_check_passes():
    x, y = _data(seed=4, batch=8, features=5, classes=3)
    net = nn.MLP([5, 6, 4, 3], activation="tanh", seed=5)
    _, grads = net.gradients(x, y)
    error = nn.gradient_check(lambda: net.loss(x, y), net.params, grads)
    assert error < nn.THRESHOLD


def test_predict_matches_keras_twin_and_parameter_count():
    x, _ = _data(seed=6)
    net = nn.MLP([10, 8, 4], activation="swish", seed=7)
    np.testing.assert_allclose(net.predict(x), net.to_keras()(tf.constant(x)).numpy(), rtol=0, atol=1e-12)
    course_net = nn.MLP([784, 64, 32, 10])
    assert course_net.count_params() == 52_650 == course_net.to_keras().count_params()


def test_sgd_step_moves_against_the_gradient():
    x, y = _data(seed=8)
    net = nn.MLP([10, 8, 4], seed=9)
    before = net.get_weights()
    _, grads = net.gradients(x, y)
    net.sgd_step(grads, learning_rate=0.5)
    for w0, w1, g in zip(before, net.params, grads):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=0, atol=1e-15)


def test_trains_on_digits_above_90_percent():
    digits = load_digits()
    x, y = digits.data / 16.0, digits.target  # pixels 0..16 -> [0, 1]
    net = nn.MLP([64, 32, 10], activation="relu", initializer="he_normal", seed=0)
    history = net.fit(x, y, epochs=8, batch_size=32, learning_rate=0.1)
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] > 0.9
    assert net.accuracy(x, y) == history["accuracy"][-1]


def test_bad_input_raises_one_line_errors():
    net = nn.MLP([4, 3, 2])
    with pytest.raises(DLCourseError, match=r"shape \(batch, 4\)"):
        net.forward(np.zeros((2, 5)))
    with pytest.raises(DLCourseError, match="before `backward"):
        nn.MLP([4, 2]).backward(np.array([0]))
    with pytest.raises(DLCourseError, match="layer_sizes"):
        nn.MLP([4])
