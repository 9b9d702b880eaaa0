"""dlcourse.layers.Dense against keras.layers.Dense: same weights, same values and gradients."""

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match

ATOL = 1e-5



@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5)])
@pytest.mark.parametrize("activation", [None, "relu", "tanh"])
def test_dense_matches_keras_values_and_gradients(shape, activation):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    ref = keras.layers.Dense(3, activation=activation, bias_initializer="random_normal")
    ours = layers.Dense(3, activation=activation)
    ref.build(shape)
    ours.build(shape)
    ours.set_weights(ref.get_weights())
    for training in (True, False):
        y_ours = assert_layers_match(ours, ref, x, training, ATOL)
        assert y_ours.shape == shape[:-1] + (3,) == tuple(ours.compute_output_shape(shape))


def test_dense_without_bias_has_one_weight_and_matches():
    x = np.random.default_rng(2).normal(size=(4, 5)).astype("float32")
    ref, ours = keras.layers.Dense(2, use_bias=False), layers.Dense(2, use_bias=False)
    ref.build(x.shape)
    ours.build(x.shape)
    assert len(ours.weights) == 1
    ours.set_weights(ref.get_weights())
    np.testing.assert_allclose(ours(x), ref(x), atol=ATOL)


def test_dense_kernel_regularizer_loss_matches_keras():
    x = np.ones((2, 4), "float32")
    ref = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.1))
    ours = layers.Dense(3, kernel_regularizer=layers.L2(0.1))
    ref(x)
    ours(x)
    ours.set_weights(ref.get_weights())
    ref(x)
    ours(x)
    np.testing.assert_allclose(float(sum(ours.losses)), float(sum(ref.losses)), rtol=1e-6)
    assert float(sum(ours.losses)) > 0


def test_dense_config_round_trip():
    layer = layers.Dense(7, activation="relu", use_bias=False, kernel_regularizer=layers.L1(0.5), name="d")
    clone = layers.Dense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert (clone.units, clone.use_bias, clone.kernel_regularizer.l1) == (7, False, 0.5)


def test_dense_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((5,))
    outputs = layers.Dense(2, activation="softmax")(layers.Dense(4, activation="relu")(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(3).normal(size=(6, 5)).astype("float32")
    model.save(tmp_path / "m.keras")
    reloaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(reloaded.layers[1], layers.Dense)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("units", [0, -3, 2.5])
def test_dense_bad_units_raise(units):
    with pytest.raises(DLCourseError, match="units"):
        layers.Dense(units)
