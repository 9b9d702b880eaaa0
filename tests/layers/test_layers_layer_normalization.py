"""dlcourse.layers.LayerNormalization against keras.layers.LayerNormalization."""

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match

ATOL = 1e-5



@pytest.mark.parametrize(
    "shape, kwargs",
    [((4, 6), {}), ((2, 5, 8), {"epsilon": 1e-6}), ((2, 3, 4, 5), {"axis": [1, 2]}), ((3, 6), {"center": False})],
)
def test_layernorm_matches_keras_values_and_gradients(shape, kwargs):
    ref, ours = keras.layers.LayerNormalization(**kwargs), layers.LayerNormalization(**kwargs)
    ref.build(shape)
    ours.build(shape)
    rng = np.random.default_rng(0)
    ref.set_weights([w + rng.normal(size=w.shape).astype("float32") for w in ref.get_weights()])
    ours.set_weights(ref.get_weights())
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    for training in (True, False):
        assert_layers_match(ours, ref, x, training, ATOL)


def test_layernorm_normalises_each_example_on_its_own():
    x = np.random.default_rng(1).normal(4.0, 3.0, size=(5, 64)).astype("float32")
    y = layers.LayerNormalization(epsilon=1e-6)(x).numpy()
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=-1), 1.0, atol=1e-4)
    # One example's output does not depend on the others in the batch.
    np.testing.assert_allclose(layers.LayerNormalization(epsilon=1e-6)(x[:1]), y[:1], atol=1e-6)


def test_layernorm_upcasts_float16_inputs():
    x = (300.0 + 50.0 * np.random.default_rng(2).normal(size=(4, 16))).astype("float16")
    y = layers.LayerNormalization(dtype="mixed_float16")(x)
    y_ref = keras.layers.LayerNormalization(dtype="mixed_float16")(x)
    assert y.dtype == "float16" and np.all(np.isfinite(y.numpy()))
    np.testing.assert_allclose(y.numpy().astype("float32"), y_ref.numpy().astype("float32"), atol=1e-2)


def test_layernorm_keras_file_round_trip(tmp_path):
    inputs = keras.Input((3, 4))
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.full((3, 4), 2.0, "float32"), np.full((3, 4), -1.0, "float32")])
    x = np.random.default_rng(3).normal(size=(2, 3, 4)).astype("float32")
    model.save(tmp_path / "ln.keras")
    reloaded = keras.models.load_model(tmp_path / "ln.keras")
    assert reloaded.layers[-1].get_config()["axis"] == [1, 2]
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_layernorm_bad_axis_raises():
    with pytest.raises(DLCourseError, match="axis"):
        layers.LayerNormalization(axis=3).build((2, 4))
