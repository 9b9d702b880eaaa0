"""dlcourse.layers.SpectralNormalization against keras.layers.SpectralNormalization."""

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match

ATOL = 1e-5


def _pair(inner, shape, power_iterations=1):
    """Keras's wrapper and ours around copies of `inner`, with the same (W, u, b)."""
    ref = keras.layers.SpectralNormalization(inner.from_config(inner.get_config()), power_iterations)
    ours = layers.SpectralNormalization(inner.from_config(inner.get_config()), power_iterations)
    ref.build(shape)
    ours.build(shape)
    rng = np.random.default_rng(0)
    ref.set_weights([rng.normal(size=w.shape).astype("float32") for w in ref.get_weights()])
    ours.set_weights(ref.get_weights())
    return ref, ours


def test_weight_layout_is_keras_layout():
    ref, ours = _pair(keras.layers.Dense(7), (None, 12))
    assert [tuple(w.shape) for w in ours.weights] == [(12, 7), (1, 7), (7,)]
    assert [w.trainable for w in ours.weights] == [True, False, True]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]


@pytest.mark.parametrize("inner, shape, power_iterations", [
    (keras.layers.Dense(7), (6, 12), 1),
    (keras.layers.Dense(5), (4, 3, 8), 3),
    (keras.layers.Conv2D(4, 3, strides=2, padding="same"), (2, 6, 6, 3), 1),
])
def test_matches_keras_in_training_and_inference(inner, shape, power_iterations):
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    for training in (True, False):
        ref, ours = _pair(inner, (None,) + shape[1:], power_iterations)
        assert_layers_match(ours, ref, x, training, ATOL)
        # The training call wrote the same (u, W / sigma) back; inference left them alone.
        for a, b in zip(ours.get_weights(), ref.get_weights()):
            np.testing.assert_allclose(a, b, atol=ATOL)


def test_u_update_and_sigma_by_hand():
    ref, ours = _pair(keras.layers.Dense(3), (None, 4))
    w, u = (np.asarray(v, "float64") for v in ours.get_weights()[:2])
    v = u @ w.T / np.linalg.norm(u @ w.T)
    u_new = v @ w / np.linalg.norm(v @ w)
    sigma = (v @ w @ u_new.T).item()
    ours(np.ones((1, 4), "float32"), training=True)
    np.testing.assert_allclose(ours.vector_u.numpy(), u_new, atol=ATOL)
    np.testing.assert_allclose(ours.layer.kernel.numpy(), w / sigma, atol=ATOL)


def test_repeated_training_calls_converge_to_unit_spectral_norm():
    ref, ours = _pair(keras.layers.Conv2D(8, 3), (None, 5, 5, 2))
    x = np.zeros((1, 5, 5, 2), "float32")
    for _ in range(30):
        ours(x, training=True)
        ref(x, training=True)
    matrix = ours.layer.kernel.numpy().reshape(-1, 8)
    assert abs(np.linalg.svd(matrix, compute_uv=False)[0] - 1.0) < 1e-3
    np.testing.assert_allclose(ours.vector_u.numpy(), ref.vector_u.numpy(), atol=ATOL)


def test_zero_kernel_is_left_unchanged():
    layer = layers.SpectralNormalization(keras.layers.Dense(2, kernel_initializer="zeros"))
    layer.build((None, 3))
    u = layer.vector_u.numpy().copy()
    y = layer(np.ones((2, 3), "float32"), training=True)
    assert np.all(np.isfinite(y.numpy()))
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)


def test_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4, 4, 2))
    outputs = layers.SpectralNormalization(keras.layers.Conv2D(3, 2), power_iterations=2)(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(2).normal(size=(2, 4, 4, 2)).astype("float32")
    model(x, training=True)
    model.save(tmp_path / "sn.keras")
    reloaded = keras.models.load_model(tmp_path / "sn.keras")
    assert reloaded.layers[-1].get_config()["power_iterations"] == 2
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("power_iterations", [0, -1, 1.5])
def test_bad_power_iterations_raise(power_iterations):
    with pytest.raises(DLCourseError, match="power_iterations"):
        layers.SpectralNormalization(keras.layers.Dense(2), power_iterations=power_iterations)


def test_layer_without_kernel_raises():
    with pytest.raises(DLCourseError, match="kernel"):
        layers.SpectralNormalization(keras.layers.Activation("relu"))(np.ones((1, 3), "float32"))
