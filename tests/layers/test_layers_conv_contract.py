"""One contract table for the convolution and pooling layers (optax style).

Every row: registered as `dlcourse>Name`; config round trip gives the same layer; inside
a functional model with an unknown batch size, the output shape equals
`compute_output_shape` and its twin's; under the `mixed_float16` policy it computes in
float16 and stays within 1e-2 of float32. Values and gradients against each twin are in
the per-layer test files.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers

SHAPE = (8, 10, 4)  # (height, width, channels) of the inputs
# id: (our layer, its twin: a Keras layer or a function of the inputs)
ROWS = {
    "conv2d": (lambda: layers.Conv2D(6, 3, strides=2, padding="same", activation="relu"),
               lambda: keras.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")),
    "conv2d_reflect": (lambda: layers.Conv2D(3, (3, 5), padding="reflect"),
                       lambda: keras.layers.Conv2D(3, (3, 5), padding="same")),
    "max_pooling": (lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
                    lambda: keras.layers.MaxPooling2D(3, strides=2, padding="same")),
    "average_pooling": (lambda: layers.AveragePooling2D((2, 3)),
                        lambda: keras.layers.AveragePooling2D((2, 3))),
    "squeeze": (lambda: layers.Squeeze(), lambda: lambda x: tf.nn.space_to_depth(x, 2)),
    "unsqueeze": (lambda: layers.Unsqueeze(), lambda: lambda x: tf.nn.depth_to_space(x, 2)),
}


def _inputs(seed=0):
    return np.random.default_rng(seed).normal(size=(2, *SHAPE)).astype("float32")


@pytest.mark.parametrize("row", sorted(ROWS))
def test_registered_and_config_round_trip(row):
    layer = ROWS[row][0]()
    name = type(layer).__name__
    assert keras.saving.get_registered_name(type(layer)) == f"dlcourse>{name}"
    assert keras.saving.get_registered_object(f"dlcourse>{name}") is type(layer)
    x = _inputs()
    y = layer(x)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), y)


@pytest.mark.parametrize("row", sorted(ROWS))
def test_functional_model_shapes_match_the_twin(row):
    ours, twin = ROWS[row][0](), ROWS[row][1]()
    inputs = keras.Input(SHAPE)
    symbolic = ours(inputs)
    assert symbolic.shape == (None, *ours.compute_output_shape((None, *SHAPE))[1:])
    model = keras.Model(inputs, symbolic)
    x = _inputs(1)
    assert model.predict(x, verbose=0).shape == tuple(twin(x).shape) == (2, *symbolic.shape[1:])


@pytest.mark.parametrize("row", sorted(ROWS))
def test_mixed_float16_computes_in_float16(row):
    x = _inputs(2)
    reference = ROWS[row][0]()
    y32 = reference(x)
    layer = ROWS[row][0]()
    layer.dtype_policy = keras.DTypePolicy("mixed_float16")
    layer.build(x.shape)
    layer.set_weights(reference.get_weights())  # variables stay float32
    y16 = layer(x)
    assert y16.dtype == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)
    np.testing.assert_allclose(np.asarray(y16, "float32"), y32, atol=1e-2)
