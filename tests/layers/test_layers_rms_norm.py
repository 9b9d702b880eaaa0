"""dlcourse.layers.RMSNorm against its formula (Zhang & Sennrich 2019, Eq. 4) and Keras's twin."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import forward_and_gradients


def _rms_norm(x, gamma, axis, epsilon):
    """y = x / sqrt(mean(x**2) + epsilon) * gamma, in float64."""
    x = x.astype("float64")
    return x / np.sqrt(np.mean(x**2, axis=axis, keepdims=True) + epsilon) * gamma


def test_rmsnorm_matches_formula_on_a_hand_computed_case():
    # x = (3, 4): mean(x**2) = 12.5, rms = sqrt(12.5) -> y = (3, 4) / 3.5355...
    y = layers.RMSNorm(epsilon=0.0)(np.array([[3.0, 4.0]], "float32")).numpy()
    np.testing.assert_allclose(y, [[3 / np.sqrt(12.5), 4 / np.sqrt(12.5)]], rtol=1e-6)


@pytest.mark.parametrize("shape, axis", [((4, 8), -1), ((2, 5, 6), -1), ((2, 3, 4, 5), [2, 3])])
def test_rmsnorm_matches_numpy_formula(shape, axis):
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    layer = layers.RMSNorm(axis=axis, epsilon=1e-6)
    layer.build(shape)
    gamma = rng.normal(size=layer.gamma.shape).astype("float32")
    layer.set_weights([gamma])
    axes = tuple(axis) if isinstance(axis, list) else axis
    for training in (True, False):
        np.testing.assert_allclose(layer(x, training=training), _rms_norm(x, gamma, axes, 1e-6), atol=1e-5)


def test_rmsnorm_gradients_match_keras_rmsnormalization():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(3, 7)).astype("float32"))
    ref, ours = keras.layers.RMSNormalization(epsilon=1e-6), layers.RMSNorm(epsilon=1e-6)
    ref.build(x.shape)
    ours.build(x.shape)
    ref.set_weights([rng.normal(size=(7,)).astype("float32")])
    ours.set_weights(ref.get_weights())
    c = tf.constant(rng.normal(size=(3, 7)).astype("float32"))
    grads = []
    for layer in (ref, ours):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * c)
        grads.append(tape.gradient(loss, [x] + layer.trainable_weights))
    np.testing.assert_allclose(ours(x), ref(x), atol=1e-5)
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_rmsnorm_hand_computed_with_a_large_epsilon():
    # x = (3, 4), epsilon = 1: y = x / sqrt(12.5 + 1). Epsilon outside the root would give
    # x / (sqrt(12.5) + 1) = x / 4.54 instead of x / 3.67: 19 % off.
    y = layers.RMSNorm(epsilon=1.0)(np.array([[3.0, 4.0]], "float32")).numpy()
    np.testing.assert_allclose(y, [[3 / np.sqrt(13.5), 4 / np.sqrt(13.5)]], rtol=1e-6)


# (input scale, epsilon): where epsilon is not negligible next to mean(x**2), so moving it
# outside the square root (or dropping it) changes the output by 10-40 %.
EPSILON_MATTERS = [(1e-3, 1e-6), (1.0, 1.0), (0.05, 1e-3)]


@pytest.mark.parametrize("scale, epsilon", EPSILON_MATTERS)
def test_rmsnorm_matches_keras_where_epsilon_matters(scale, epsilon):
    rng = np.random.default_rng(4)
    x = (scale * rng.normal(size=(4, 2, 6))).astype("float32")
    for axis in (-1, [1, 2]):
        ref, ours = keras.layers.RMSNormalization(axis=axis, epsilon=epsilon), layers.RMSNorm(axis=axis, epsilon=epsilon)
        ref.build(x.shape)
        ours.build(x.shape)
        ref.set_weights([rng.uniform(0.5, 1.5, size=ref.get_weights()[0].shape).astype("float32")])
        ours.set_weights(ref.get_weights())
        for training in (True, False):
            y_ref, g_ref = forward_and_gradients(ref, x, training)
            y_ours, g_ours = forward_and_gradients(ours, x, training)
            np.testing.assert_allclose(y_ours, y_ref, rtol=1e-5, atol=1e-6)
            for a, b in zip(g_ours, g_ref):  # d/dx is of order 1 / rms: compare relatively.
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6 * float(np.max(np.abs(b))))
        axes = tuple(axis) if isinstance(axis, list) else axis
        gamma = ours.get_weights()[0]
        outside = x / (np.sqrt(np.mean(x.astype("float64") ** 2, axis=axes, keepdims=True)) + epsilon) * gamma
        assert np.max(np.abs(np.asarray(y_ours) - outside)) > 0.05  # The cases do tell the two apart.


def test_rmsnorm_does_not_centre():
    # Adding a constant changes the output (unlike layer norm).
    x = np.random.default_rng(2).normal(size=(2, 16)).astype("float32")
    layer = layers.RMSNorm()
    assert np.abs(layer(x + 3.0).numpy() - layer(x).numpy()).max() > 0.1
    np.testing.assert_allclose(layer(5.0 * x), layer(x), atol=1e-5)  # but it is scale invariant


def test_rmsnorm_keras_file_round_trip(tmp_path):
    inputs = keras.Input((6,))
    layer = layers.RMSNorm(epsilon=1e-4)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.linspace(0.5, 2.0, 6).astype("float32")])
    x = np.random.default_rng(3).normal(size=(4, 6)).astype("float32")
    model.save(tmp_path / "rms.keras")
    reloaded = keras.models.load_model(tmp_path / "rms.keras")
    assert reloaded.layers[-1].epsilon == 1e-4
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_rmsnorm_negative_epsilon_raises():
    with pytest.raises(DLCourseError, match="epsilon"):
        layers.RMSNorm(epsilon=-1.0)
