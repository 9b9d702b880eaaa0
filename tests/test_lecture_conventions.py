"""Where we follow Keras rather than the lecture, the lecture's setting is one argument away.

    Adam       epsilon 1e-7 (Keras)        lecture 1e-8                   Adam(epsilon=1e-8)
    Adagrad    accumulator starts at 0.1   lecture 0                      Adagrad(initial_accumulator_value=0)
    L2         l2 * sum(w**2)              lecture lam / 2 * sum(w**2)    L2(lam / 2)
    LeakyReLU  slope 0.2                   lecture max(0.01 x, x)         LeakyReLU(negative_slope=0.01)
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers, nn, optimizers

W0 = np.array([1.0, -2.0, 3.0])  # on f = sum(w**2) / 2 the gradient is w
STEPS = 5


def _keras_trajectory(optimizer, w0=W0):
    w = keras.Variable(w0, dtype="float64")  # float64 weights: the conventions show, not round-off
    path = []
    for _ in range(STEPS):
        optimizer.apply([keras.ops.convert_to_tensor(w.numpy())], [w])  # gradient of sum(w**2)/2
        path.append(w.numpy())
    return np.array(path)


def _lecture_adam(learning_rate, w0=W0, epsilon=1e-8, beta_1=0.9, beta_2=0.999):
    """Kingma & Ba's Algorithm 1, as the lecture writes it."""
    w, m, v, path = w0.copy(), 0.0, 0.0, []
    for t in range(1, STEPS + 1):
        g = w
        m, v = beta_1 * m + (1 - beta_1) * g, beta_2 * v + (1 - beta_2) * g**2
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
        path.append(w)
    return np.array(path)


def _lecture_adagrad(learning_rate, epsilon=1e-8):
    """AdaGrad with the accumulator from 0 and epsilon outside the root."""
    w, s, path = W0.copy(), 0.0, []
    for _ in range(STEPS):
        s = s + w**2
        w = w - learning_rate * w / (np.sqrt(s) + epsilon)
        path.append(w)
    return np.array(path)


def _step_error(ours, lecture, w0=W0):
    """Largest error of the steps w_t - w_{t-1}, relative to the step's size."""
    step = lambda path: np.diff(np.vstack([w0, path]), axis=0)
    return float(np.max(np.abs(step(ours) - step(lecture)) / np.abs(step(lecture))))


def test_adam_with_epsilon_1e_8_takes_the_lecture_steps():
    assert optimizers.Adam().epsilon == keras.optimizers.Adam().epsilon == 1e-7  # Keras's default
    # Gradients of order 1: the lecture's steps to 2e-5 (Keras's float32 constants remain).
    ours = _keras_trajectory(optimizers.Adam(0.1, epsilon=1e-8))
    assert _step_error(ours, _lecture_adam(0.1)) < 2e-5
    np.testing.assert_allclose(ours, _keras_trajectory(keras.optimizers.Adam(0.1, epsilon=1e-8)), rtol=1e-12)
    # Gradients of order 1e-3, where epsilon matters: 1e-8 is 5x closer to the lecture than 1e-7.
    small = W0 * 1e-3
    lecture = _lecture_adam(1e-5, small)
    lectures_epsilon = _step_error(_keras_trajectory(optimizers.Adam(1e-5, epsilon=1e-8), small), lecture, small)
    keras_epsilon = _step_error(_keras_trajectory(optimizers.Adam(1e-5), small), lecture, small)
    assert lectures_epsilon < keras_epsilon / 5


def test_adagrad_from_a_zero_accumulator_takes_the_lecture_steps():
    assert optimizers.Adagrad().initial_accumulator_value == 0.1  # Keras's default
    lecture = _lecture_adagrad(0.1)
    assert _step_error(_keras_trajectory(optimizers.Adagrad(0.1, initial_accumulator_value=0.0)), lecture) < 1e-6
    # Keras's default start of 0.1 changes the first steps by per cents (here > 1 %).
    assert _step_error(_keras_trajectory(optimizers.Adagrad(0.1)), lecture) > 1e-2


def test_l2_of_half_lambda_is_the_lecture_penalty_and_its_gradient():
    lam, w = 0.3, tf.constant([[1.0, -2.0], [0.5, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(w)
        penalty = layers.L2(lam / 2)(w)
    assert float(penalty) == pytest.approx(lam / 2 * float(tf.reduce_sum(w**2)), rel=1e-6)
    np.testing.assert_allclose(tape.gradient(penalty, w), lam * w.numpy(), rtol=1e-6)  # lam * w
    assert float(layers.L2(lam)(w)) == pytest.approx(float(keras.regularizers.L2(lam)(w)), rel=1e-6)


def test_leaky_relu_with_slope_0_01_is_the_lecture_max_form():
    x = np.linspace(-3, 3, 61)
    np.testing.assert_array_equal(nn.LeakyReLU(negative_slope=0.01).value(x), np.maximum(0.01 * x, x))
    np.testing.assert_allclose(nn.LeakyReLU().value(x), keras.activations.leaky_relu(x), rtol=1e-6)  # slope 0.2
