"""The lecture's worked examples of convolution and pooling, as tests of dlcourse.layers."""

import keras
import numpy as np

from dlcourse import layers

IMAGE_1_16 = np.arange(1, 17, dtype="float32").reshape(4, 4)
# An 8x8 image of digits 0..9 drawn with a fixed seed (np.random.default_rng(8)), so the
# pooling tables below can be checked by hand; each 2x2 block average is a multiple of
# 0.25, shown rounded to one decimal as on the slide.
IMAGE_8X8 = np.array(
    [[7, 3, 2, 9, 1, 3, 6, 7],
     [6, 8, 0, 3, 5, 4, 3, 3],
     [0, 1, 5, 4, 9, 2, 8, 2],
     [1, 1, 3, 1, 8, 8, 8, 4],
     [0, 2, 4, 5, 4, 6, 3, 6],
     [0, 9, 5, 1, 8, 3, 8, 2],
     [8, 0, 4, 1, 4, 3, 9, 3],
     [7, 6, 3, 4, 0, 6, 3, 2]], dtype="float32")
MAX_TABLE = [[8, 9, 5, 7], [1, 5, 9, 8], [9, 5, 8, 8], [8, 4, 6, 9]]
AVERAGE_TABLE = [[6.0, 3.5, 3.2, 4.8], [0.8, 3.2, 6.8, 5.5], [2.8, 3.8, 5.2, 4.8], [5.2, 3.0, 3.2, 4.2]]


def _as_batch(image):
    return image[None, :, :, None]  # (1, h, w, 1)


def _single_filter_conv(kernel, image):
    """Our Conv2D with one given 2-D kernel and zero bias, on one single-channel image."""
    layer = layers.Conv2D(1, kernel.shape)
    layer.build((1, *image.shape, 1))
    layer.set_weights([kernel[:, :, None, None].astype("float32"), np.zeros(1, "float32")])
    return layer(_as_batch(image))[0, :, :, 0].numpy()


def test_4x4_image_with_the_cross_kernel_gives_36_42_60_66():
    # Top-left: 1 + 3 + 9 + 11 (corners) + 2 * 6 (centre) = 36.
    kernel = np.array([[1, 0, 1], [0, 2, 0], [1, 0, 1]], dtype="float32")
    expected = [[36, 42], [60, 66]]
    np.testing.assert_array_equal(_single_filter_conv(kernel, IMAGE_1_16), expected)
    np.testing.assert_array_equal(layers.correlate2d(IMAGE_1_16, kernel), expected)
    # The kernel is symmetric under a 180-degree turn: convolution gives the same.
    np.testing.assert_array_equal(layers.convolve2d(IMAGE_1_16, kernel), expected)


def test_vertical_edge_filter_finds_the_edge_in_the_middle():
    # 6 wide and 5 high: three columns of 10s, three of 0s.
    image = np.array([[10, 10, 10, 0, 0, 0]] * 5, dtype="float32")
    edge = np.array([[1, 0, -1]] * 3, dtype="float32")
    out = _single_filter_conv(edge, image)
    assert out.shape == (3, 4)
    for row in out:
        np.testing.assert_array_equal(row, [0, 30, 30, 0])


def test_2x2_max_pooling_of_1_to_16():
    out = layers.MaxPooling2D(2)(_as_batch(IMAGE_1_16))[0, :, :, 0]
    np.testing.assert_array_equal(out, [[6, 8], [14, 16]])


def test_8x8_max_and_average_pooling_tables():
    x = _as_batch(IMAGE_8X8)
    np.testing.assert_array_equal(layers.MaxPooling2D(2)(x)[0, :, :, 0], MAX_TABLE)
    average = layers.AveragePooling2D(2)(x)[0, :, :, 0].numpy()
    np.testing.assert_allclose(average, AVERAGE_TABLE, atol=0.05)
    assert average[0, 0] == (7 + 3 + 6 + 8) / 4  # exact before rounding
    np.testing.assert_array_equal(keras.layers.AveragePooling2D(2)(x)[0, :, :, 0], average)


def test_ten_3x3x3_filters_have_270_weights_and_10_biases():
    layer = layers.Conv2D(10, 3)
    layer.build((None, 32, 32, 3))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 3, 3, 10) and kernel.size == 270
    assert bias.shape == (10,)
    assert layer.count_params() == 280
    reference = keras.layers.Conv2D(10, 3)
    reference.build((None, 32, 32, 3))
    assert reference.count_params() == 280
