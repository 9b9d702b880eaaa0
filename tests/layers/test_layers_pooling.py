"""dlcourse.layers.MaxPooling2D / AveragePooling2D against their Keras twins."""

import itertools

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match, forward_and_gradients

ATOL = 1e-6
POOLS = [2, 3, (2, 3), (3, 1)]
STRIDES = [None, 1, 2, (1, 2), 3]
CASES = list(itertools.product(["MaxPooling2D", "AveragePooling2D"], POOLS, STRIDES, ["valid", "same"]))


def _pair(name, **kwargs):
    return getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)


@pytest.mark.parametrize("name, pool_size, strides, padding", CASES)
def test_pooling_matches_keras_values_and_gradients(name, pool_size, strides, padding):
    # 9x10 inputs: strides 2 and 3 divide neither side, so "same" pads asymmetrically.
    x = np.random.default_rng(0).normal(size=(2, 9, 10, 3)).astype("float32")
    ours, ref = _pair(name, pool_size=pool_size, strides=strides, padding=padding)
    for training in (True, False):
        y = assert_layers_match(ours, ref, x, training, ATOL)
    assert y.shape == ours.compute_output_shape(x.shape) == ref.compute_output_shape(x.shape)


def test_max_pooling_gradient_on_ties_goes_where_keras_sends_it():
    # Integer-valued inputs: many windows hold their maximum twice or more.
    x = np.random.default_rng(1).integers(0, 3, size=(2, 6, 7, 2)).astype("float32")
    for kwargs in ({"pool_size": 2}, {"pool_size": 3, "strides": 1, "padding": "same"}):
        ours, ref = _pair("MaxPooling2D", **kwargs)
        (_, (g_ours,)), (_, (g_ref,)) = forward_and_gradients(ours, x, True), forward_and_gradients(ref, x, True)
        np.testing.assert_allclose(g_ours, g_ref, atol=ATOL)


def test_average_pooling_same_divides_by_the_pixels_inside():
    x = np.ones((1, 5, 5, 1), "float32")
    y = layers.AveragePooling2D(2, padding="same")(x)  # 3x3 windows at the border hold 2 or 1 pixels
    np.testing.assert_allclose(y, np.ones((1, 3, 3, 1)), atol=ATOL)
    counts = layers.AveragePooling2D(2, padding="same")._counts((5, 5), ((0, 1), (0, 1)), (3, 3))[:, :, 0]
    np.testing.assert_array_equal(counts, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])


def test_pooling_keeps_float16_and_has_no_weights():
    x = np.random.default_rng(2).normal(size=(2, 4, 4, 3)).astype("float16")
    for name in ("MaxPooling2D", "AveragePooling2D"):
        ours, ref = _pair(name, pool_size=2, padding="same", dtype="float16")
        y = ours(x)
        assert y.dtype == "float16" and not ours.weights
        np.testing.assert_allclose(np.asarray(y, "float32"), np.asarray(ref(x), "float32"), atol=1e-3)


def test_pooling_keras_file_round_trip(tmp_path):
    inputs = keras.Input((9, 9, 2))
    x = layers.MaxPooling2D((3, 2), strides=(2, 1), padding="same")(inputs)
    outputs = layers.AveragePooling2D(2, padding="valid")(x)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(3).normal(size=(2, 9, 9, 2)).astype("float32")
    model.save(tmp_path / "pool.keras")
    reloaded = keras.models.load_model(tmp_path / "pool.keras")
    assert [type(layer) for layer in reloaded.layers[1:]] == [layers.MaxPooling2D, layers.AveragePooling2D]
    assert reloaded.layers[1].get_config()["strides"] == (2, 1)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize(
    "kwargs, match",
    [({"pool_size": 0}, "pool_size"), ({"strides": (2, -1)}, "strides"),
     ({"padding": "reflect"}, "padding"), ({"pool_size": (2, 2, 2)}, "pool_size")],
)
def test_pooling_bad_arguments_raise(kwargs, match):
    for name in ("MaxPooling2D", "AveragePooling2D"):
        with pytest.raises(DLCourseError, match=match):
            getattr(layers, name)(**kwargs)


def test_pooling_bad_inputs_raise():
    with pytest.raises(DLCourseError, match="larger than the padded input"):
        layers.MaxPooling2D(3)(np.zeros((1, 2, 5, 1), "float32"))
    with pytest.raises(DLCourseError, match="known height"):
        layers.AveragePooling2D().build((None, None, 8, 3))
