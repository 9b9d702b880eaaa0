"""dlcourse.layers.Squeeze / Unsqueeze against tf.nn.space_to_depth / depth_to_space."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import forward_and_gradients


@pytest.mark.parametrize("block_size, shape", [(2, (2, 4, 6, 3)), (2, (1, 8, 8, 1)), (3, (2, 6, 9, 2))])
def test_squeeze_equals_space_to_depth_and_unsqueeze_undoes_it(block_size, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    squeeze = layers.Squeeze(block_size)
    y = squeeze(x)
    np.testing.assert_array_equal(y, tf.nn.space_to_depth(x, block_size))
    assert y.shape == squeeze.compute_output_shape(shape)
    assert np.prod(y.shape) == np.prod(shape)  # invertible: nothing is lost
    np.testing.assert_array_equal(squeeze.inverse()(y), x)
    np.testing.assert_array_equal(layers.Unsqueeze(block_size)(y), x)


def test_unsqueeze_equals_depth_to_space_and_squeeze_undoes_it():
    y = np.random.default_rng(1).normal(size=(2, 3, 5, 8)).astype("float32")
    x = layers.Unsqueeze(2)(y)
    np.testing.assert_array_equal(x, tf.nn.depth_to_space(y, 2))
    assert x.shape == (2, 6, 10, 2)
    np.testing.assert_array_equal(layers.Unsqueeze(2).inverse()(x), y)


def test_squeeze_order_by_hand():
    """Each 2x2 block, row-major, becomes one pixel's channels (channels innermost)."""
    x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    y = layers.Squeeze()(x)[0].numpy()
    np.testing.assert_array_equal(y[0, 0], [0, 1, 4, 5])
    np.testing.assert_array_equal(y[1, 1], [10, 11, 14, 15])
    two = np.stack([x, 100 + x], axis=-1).reshape(1, 4, 4, 2)
    np.testing.assert_array_equal(layers.Squeeze()(two)[0, 0, 0], [0, 100, 1, 101, 4, 104, 5, 105])


def test_squeeze_gradient_is_the_inverse_permutation():
    x = np.random.default_rng(2).normal(size=(2, 4, 4, 3)).astype("float32")
    y, (grad,) = forward_and_gradients(layers.Squeeze(), x, True)
    c = (np.arange(y.numpy().size) % 7 - 3).reshape(y.shape).astype("float32")  # the helper's weights
    np.testing.assert_array_equal(grad, tf.nn.depth_to_space(c, 2))


def test_squeeze_keras_file_round_trip(tmp_path):
    inputs = keras.Input((4, 6, 2))
    squeezed = layers.Squeeze(name="sq")(inputs)
    model = keras.Model(inputs, [squeezed, layers.Unsqueeze()(squeezed)])
    x = np.random.default_rng(3).normal(size=(2, 4, 6, 2)).astype("float32")
    model.save(tmp_path / "squeeze.keras")
    reloaded = keras.models.load_model(tmp_path / "squeeze.keras")
    assert isinstance(reloaded.get_layer("sq"), layers.Squeeze)
    y, back = reloaded.predict(x, verbose=0)
    assert y.shape == (2, 2, 3, 8)
    np.testing.assert_array_equal(back, x)


def test_squeeze_bad_arguments_and_inputs_raise():
    for block_size in (1, 0, 2.0):
        with pytest.raises(DLCourseError, match="block_size"):
            layers.Squeeze(block_size)
    with pytest.raises(DLCourseError, match="divisible by block_size"):
        layers.Squeeze()(np.zeros((1, 5, 4, 1), "float32"))
    with pytest.raises(DLCourseError, match="divisible by block_size"):
        layers.Unsqueeze()(np.zeros((1, 2, 2, 6), "float32"))
