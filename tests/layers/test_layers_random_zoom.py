"""dlcourse.layers.RandomZoom against keras.layers.RandomZoom: same seed, same images."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.layers import RandomZoom, zoom_images
from dlcourse.testing import forward_and_gradients

IMAGES = np.random.default_rng(0).uniform(size=(4, 9, 7, 2)).astype("float32")


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("factors", [(0.5, None), ((-0.6, 0.9), (0.3, 0.8))])
def test_same_seed_gives_the_keras_images(fill_mode, interpolation, factors):
    kwargs = dict(fill_mode=fill_mode, interpolation=interpolation, seed=3, fill_value=0.25)
    ours, ref = RandomZoom(*factors, **kwargs), keras.layers.RandomZoom(*factors, **kwargs)
    for _ in range(2):  # the seed generators advance in step
        np.testing.assert_allclose(ours(IMAGES), ref(IMAGES), atol=5e-7)


def test_channels_first_and_single_images_match_keras():
    first = np.transpose(IMAGES, (0, 3, 1, 2))
    ours, ref = (cls(0.4, data_format="channels_first", seed=1) for cls in (RandomZoom, keras.layers.RandomZoom))
    np.testing.assert_allclose(ours(first), ref(first), atol=5e-7)
    ours, ref = RandomZoom(0.4, seed=2), keras.layers.RandomZoom(0.4, seed=2)
    np.testing.assert_allclose(ours(IMAGES[0]), ref(IMAGES[0]), atol=5e-7)


def test_a_fixed_zoom_by_hand():
    # Zoom 2 about the centre of a 1 x 5 row: output x reads input 2x - 2 (constant fill 0).
    row = np.arange(1.0, 6.0, dtype="float32").reshape(1, 1, 5, 1)
    out = zoom_images(row, np.ones((1, 1), "float32"), np.full((1, 1), 2.0, "float32"), "constant")
    np.testing.assert_allclose(np.ravel(out), [0.0, 1.0, 3.0, 5.0, 0.0])
    # Zoom 0.5: reads input 0.5x + 1: halfway points are averages (bilinear).
    out = zoom_images(row, np.ones((1, 1), "float32"), np.full((1, 1), 0.5, "float32"), "constant")
    np.testing.assert_allclose(np.ravel(out), [2.0, 2.5, 3.0, 3.5, 4.0])


def test_gradient_is_the_exact_transpose_and_equals_keras_at_zoom_one():
    # Identity zoom: the same outputs and input gradients as Keras.
    y_ours, g_ours = forward_and_gradients(RandomZoom(0.0, seed=1), IMAGES, True)
    y_ref, g_ref = forward_and_gradients(keras.layers.RandomZoom(0.0, seed=1), IMAGES, True)
    np.testing.assert_allclose(y_ours, y_ref, atol=1e-7)
    np.testing.assert_allclose(g_ours[0], g_ref[0], atol=1e-7)
    # Any zoom: the map is linear, so <c, Z(v)> = <grad, v> for every v (the adjoint).
    zh, zw = tf.constant([[1.3], [0.7], [1.0], [0.9]]), tf.constant([[0.8], [1.2], [1.1], [1.0]])
    x = tf.constant(IMAGES)
    c = tf.constant(np.random.default_rng(1).normal(size=IMAGES.shape).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(c * zoom_images(x, zh, zw, "reflect"))
    grad = tape.gradient(loss, x)
    v = tf.constant(np.random.default_rng(2).normal(size=IMAGES.shape).astype("float32"))
    lhs = float(tf.reduce_sum(c * zoom_images(v, zh, zw, "reflect")))
    assert lhs == pytest.approx(float(tf.reduce_sum(grad * v)), rel=1e-5)


def test_identity_at_inference_and_float_output():
    layer = RandomZoom(0.3, seed=0)
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)
    out = layer((IMAGES * 255).astype("uint8"))
    assert out.dtype == "float32" and out.shape == IMAGES.shape


def test_keras_file_round_trip(tmp_path):
    inputs = keras.Input((9, 7, 2))
    outputs = keras.layers.Dense(3)(RandomZoom((-0.2, 0.1), 0.3, fill_mode="constant", seed=5)(inputs))
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "zoom.keras")
    loaded = keras.models.load_model(tmp_path / "zoom.keras")
    layer = loaded.layers[1]
    assert isinstance(layer, RandomZoom) and layer.height_range == (-0.2, 0.1) and layer.width_range == (-0.3, 0.3)
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0), atol=1e-6)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(height_factor=1.5), "height_factor"),
    (dict(height_factor=(-1.0, 0.2)), "height_factor"),
    (dict(height_factor=0.1, width_factor="wide"), "width_factor"),
    (dict(height_factor=0.1, fill_mode="mirror"), "fill_mode"),
    (dict(height_factor=0.1, interpolation="bicubic"), "interpolation"),
])
def test_bad_arguments_are_refused(kwargs, fragment):
    with pytest.raises(DLCourseError, match=fragment):
        RandomZoom(**kwargs)
