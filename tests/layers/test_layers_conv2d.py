"""dlcourse.layers.Conv2D against keras.layers.Conv2D; the lecture's padding modes against
np.pad + a valid convolution; correlate2d / convolve2d against scipy.signal."""

import itertools

import keras
import numpy as np
import pytest
import scipy.signal

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match, forward_and_gradients

ATOL = 1e-4  # float32 sums of up to 5*5*3 products of N(0, 1) values, two summation orders
KERNELS = [1, 2, 3, 5, (2, 3), (3, 1)]
STRIDES = [1, 2, 3, (1, 2), (3, 2)]
CHANNELS = [(1, 1), (3, 4), (2, 5), (4, 2)]  # (in, filters)
PARITY_CASES = [
    (kernel, strides, padding, *CHANNELS[n % len(CHANNELS)], n % 3 != 2)
    for n, (kernel, strides, padding) in enumerate(itertools.product(KERNELS, STRIDES, ["valid", "same"]))
]
NUMPY_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pair(kernel_size, channels, filters, shape=(2, 9, 10), ref_padding=None, **kwargs):
    """Keras Conv2D with a random bias, and ours with the same weights."""
    ref_kwargs = {**kwargs, "padding": ref_padding} if ref_padding else kwargs
    ref = keras.layers.Conv2D(filters, kernel_size, bias_initializer="random_normal", **ref_kwargs)
    ours = layers.Conv2D(filters, kernel_size, **kwargs)
    ref.build((*shape, channels))
    ours.build((*shape, channels))
    ours.set_weights(ref.get_weights())
    return ours, ref


@pytest.mark.parametrize("kernel, strides, padding, channels, filters, use_bias", PARITY_CASES)
def test_conv2d_matches_keras_values_and_gradients(kernel, strides, padding, channels, filters, use_bias):
    # 9x10 inputs: strides 2 and 3 divide neither side, so "same" pads asymmetrically.
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).normal(size=(2, 9, 10, channels)).astype("float32")
    ours, ref = _pair(kernel, channels, filters, strides=strides, padding=padding, use_bias=use_bias)
    assert len(ours.weights) == (2 if use_bias else 1)
    for training in (True, False):
        y = assert_layers_match(ours, ref, x, training, ATOL)
        assert y.shape == ref(x).shape == ours.compute_output_shape(x.shape)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_conv2d_activation_matches_keras(activation):
    x = np.random.default_rng(2).normal(size=(3, 8, 8, 3)).astype("float32")
    ours, ref = _pair(3, 3, 6, shape=(3, 8, 8), padding="same", activation=activation)
    assert_layers_match(ours, ref, x, True, ATOL)


def _mode_pad_map(shape, pads, mode):
    """For each position of the padded (h, w) grid, the flat index of the input pixel it copies."""
    index = np.arange(shape[0] * shape[1]).reshape(shape)
    return np.pad(index, pads, mode="edge" if mode == "constant" else mode)


@pytest.mark.parametrize("mode", sorted(NUMPY_MODES))
@pytest.mark.parametrize("kernel, strides", [(3, 1), (5, 2), ((3, 5), (1, 2)), (2, 1), (4, 3)])
def test_padding_modes_equal_numpy_pad_then_valid_convolution(mode, kernel, strides):
    """Values: np.pad(x, (k-1)//2, mode) then Keras's valid conv. Input gradient: Keras's
    gradient on the padded image, summed back onto the pixels each pad copies."""
    x = np.random.default_rng(3).normal(size=(2, 7, 8, 3)).astype("float32")
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    pads = ((kh - 1) // 2,) * 2, ((kw - 1) // 2,) * 2
    padded = np.pad(x, ((0, 0), *pads, (0, 0)), mode=NUMPY_MODES[mode])
    ours, ref = _pair(kernel, 3, 4, shape=(2, 7, 8), ref_padding="valid", strides=strides, padding=mode)
    y_ours, (gx_ours, *gw_ours) = forward_and_gradients(ours, x, True)
    y_ref, (gx_pad, *gw_ref) = forward_and_gradients(ref, padded, True)
    np.testing.assert_allclose(y_ours, y_ref, atol=ATOL)
    for a, b in zip(gw_ours, gw_ref):
        np.testing.assert_allclose(a, b, atol=ATOL)
    source = _mode_pad_map(x.shape[1:3], pads, NUMPY_MODES[mode])
    inside = np.pad(np.ones(x.shape[1:3], bool), pads) if mode == "zeros" else np.ones(source.shape, bool)
    expected = np.zeros((2, x.shape[1] * x.shape[2], 3), "float32")
    for r, c in zip(*np.nonzero(inside)):
        expected[:, source[r, c]] += np.asarray(gx_pad)[:, r, c]
    np.testing.assert_allclose(gx_ours, expected.reshape(x.shape), atol=ATOL)
    if kh % 2 and kw % 2 and strides == 1:
        assert y_ours.shape[1:3] == x.shape[1:3]  # odd kernel, stride 1: size kept


def test_correlate2d_and_convolve2d_equal_scipy_on_one_channel():
    rng = np.random.default_rng(4)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(layers.correlate2d(image, kernel),
                               scipy.signal.correlate2d(image, kernel, mode="valid"), atol=1e-5)
    np.testing.assert_allclose(layers.convolve2d(image, kernel),
                               scipy.signal.convolve2d(image, kernel, mode="valid"), atol=1e-5)
    # scipy's "same" equals symmetric zero padding for an odd kernel.
    odd = rng.normal(size=(3, 3))
    np.testing.assert_allclose(layers.convolve2d(image, odd, padding="zeros"),
                               scipy.signal.convolve2d(image, odd, mode="same"), atol=1e-5)
    # Convolution is correlation with the kernel rotated by 180 degrees; for this
    # asymmetric kernel the two really differ.
    np.testing.assert_allclose(layers.convolve2d(image, kernel), layers.correlate2d(image, kernel[::-1, ::-1]),
                               atol=1e-6)
    assert np.abs(layers.convolve2d(image, kernel) - layers.correlate2d(image, kernel)).max() > 0.1


def test_conv2d_layer_computes_correlate2d_plus_bias():
    x = np.random.default_rng(5).normal(size=(2, 6, 6, 3)).astype("float32")
    layer = layers.Conv2D(4, 3, strides=2, padding="same", bias_initializer="ones")
    y = layer(x)
    expected = layers.correlate2d(x, layer.kernel, strides=2, padding="same") + 1.0
    np.testing.assert_allclose(y, expected, atol=1e-6)


def test_conv2d_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 2))
    x = layers.Conv2D(4, (3, 2), strides=(2, 1), padding="reflect", activation="relu", name="c1")(inputs)
    outputs = layers.Conv2D(3, 2, padding="same", use_bias=False, kernel_initializer="he_normal")(x)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(6).normal(size=(3, 8, 8, 2)).astype("float32")
    model.save(tmp_path / "conv.keras")
    reloaded = keras.models.load_model(tmp_path / "conv.keras")
    assert isinstance(reloaded.get_layer("c1"), layers.Conv2D)
    assert reloaded.get_layer("c1").get_config()["padding"] == "reflect"
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


def _bright_pixel_data(n, seed):
    """Label 0/1: one bright pixel in the left/right half of a noisy 8x8 image."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    x = 0.1 * rng.normal(size=(n, 8, 8, 1)).astype("float32")
    x[np.arange(n), rng.integers(0, 8, size=n), rng.integers(0, 4, size=n) + 4 * y, 0] += 3.0
    return x, y


def test_conv2d_net_learns_a_toy_task():
    (x, y), (x_test, y_test) = _bright_pixel_data(256, 7), _bright_pixel_data(256, 8)
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 1))
    h = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    h = keras.layers.Flatten()(layers.MaxPooling2D(2)(h))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(h))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.9  # chance is 0.5


@pytest.mark.parametrize(
    "kwargs, match",
    [({"filters": 0, "kernel_size": 3}, "filters"), ({"filters": 4, "kernel_size": 0}, "kernel_size"),
     ({"filters": 4, "kernel_size": 3, "strides": (1, 0)}, "strides"),
     ({"filters": 4, "kernel_size": 3, "padding": "full"}, "padding")],
)
def test_conv2d_bad_arguments_raise(kwargs, match):
    with pytest.raises(DLCourseError, match=match):
        layers.Conv2D(**kwargs)


def test_conv2d_bad_inputs_raise():
    with pytest.raises(DLCourseError, match="larger than the padded input"):
        layers.Conv2D(2, 5)(np.zeros((1, 4, 4, 1), "float32"))
    with pytest.raises(DLCourseError, match="reflect"):  # reflecting needs pad < size
        layers.Conv2D(2, 5, padding="reflect")(np.zeros((1, 2, 6, 1), "float32"))
    with pytest.raises(DLCourseError, match="known height"):
        layers.Conv2D(2, 3).build((None, None, None, 3))
    with pytest.raises(DLCourseError, match="channels"):
        layers.correlate2d(np.zeros((1, 5, 5, 2)), np.zeros((3, 3, 3, 1)))
