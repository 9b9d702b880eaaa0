"""Each activation: value vs `keras.activations`, derivative vs `tf.GradientTape` (float64)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.nn import activations

# Tolerance: float64 formulas written differently agree to a few ulps; 1e-12 absolute
# on values of size <= 50 leaves room for that and nothing else.
ATOL = 1e-12

# TensorFlow stores leaky_relu's slope as a float32 op attribute, so Keras' default 0.2
# acts as 0.2000000029802; the parity tests use 0.25, exact in both precisions.
KERAS_TWINS = {
    "linear": (activations.Linear(), keras.activations.linear),
    "sigmoid": (activations.Sigmoid(), keras.activations.sigmoid),
    "tanh": (activations.Tanh(), keras.activations.tanh),
    "relu": (activations.ReLU(), keras.activations.relu),
    "leaky_relu": (
        activations.LeakyReLU(negative_slope=0.25),
        lambda x: keras.activations.leaky_relu(x, negative_slope=0.25),
    ),
    "elu": (activations.ELU(), keras.activations.elu),
    "swish": (activations.Swish(), keras.activations.silu),
}

# Includes the kink at 0 (left-derivative convention) and large |x| for stability.
POINTS = np.concatenate([np.linspace(-8.0, 8.0, 161), [-50.0, -1e-9, 0.0, 1e-9, 50.0]])


@pytest.mark.parametrize("name", sorted(KERAS_TWINS))
def test_value_matches_keras(name):
    ours_fn, keras_fn = KERAS_TWINS[name]
    ours = ours_fn.value(POINTS)
    theirs = keras_fn(tf.constant(POINTS, dtype=tf.float64)).numpy()
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=ATOL)


@pytest.mark.parametrize("name", sorted(KERAS_TWINS))
def test_derivative_matches_gradient_tape(name):
    ours_fn, keras_fn = KERAS_TWINS[name]
    x = tf.constant(POINTS, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras_fn(x)
    # Elementwise activation: the gradient of sum(y) is the elementwise derivative.
    autodiff = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(ours_fn.derivative(POINTS), autodiff, rtol=0, atol=ATOL)


@pytest.mark.parametrize("name", sorted(KERAS_TWINS))
def test_vjp_is_upstream_times_derivative(name):
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    act = KERAS_TWINS[name][0]
    np.testing.assert_allclose(act.vjp(x, g), g * act.derivative(x), rtol=0, atol=ATOL)


def test_leaky_relu_default_slope_matches_keras_to_float32_precision():
    theirs = keras.activations.leaky_relu(tf.constant(POINTS, dtype=tf.float64)).numpy()
    np.testing.assert_allclose(activations.get("leaky_relu").value(POINTS), theirs, rtol=1e-7, atol=0)


def test_sigmoid_and_swish_do_not_overflow():
    x = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(activations.get("sigmoid").value(x), [0.0, 1.0])
        np.testing.assert_array_equal(activations.get("swish").value(x), [-0.0, 1000.0])


def test_hand_computed_values():
    # sigmoid(0) = 1/2, sigmoid'(0) = 1/4; tanh'(0) = 1; elu(-1) = e**-1 - 1; swish'(0) = 1/2.
    assert activations.get("sigmoid").derivative(np.array([0.0]))[0] == 0.25
    assert activations.get("tanh").derivative(np.array([0.0]))[0] == 1.0
    assert activations.get("elu").value(np.array([-1.0]))[0] == pytest.approx(np.exp(-1) - 1, abs=1e-15)
    assert activations.get("swish").derivative(np.array([0.0]))[0] == 0.5
    assert activations.LeakyReLU(negative_slope=0.1).value(np.array([-3.0]))[0] == pytest.approx(-0.3)


def test_get_passes_objects_through_and_rejects_unknown_names():
    tanh = activations.Tanh()
    assert activations.get(tanh) is tanh
    assert isinstance(activations.get("silu"), activations.Swish)
    assert isinstance(activations.get("softmax"), activations.Softmax)
    with pytest.raises(DLCourseError, match="Unknown activation 'gelu'"):
        activations.get("gelu")
