"""conv_output_size / conv_padding: the lecture's cases and the shapes real Keras layers produce."""

import itertools

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.layers import conv_output_size, conv_padding

# (d_in, K, P, S) -> d_out = floor((d_in + 2P - K) / S) + 1, worked by hand.
LECTURE_CASES = {
    "K3P0S1": [(5, 3, 0, 1, 3), (7, 3, 0, 1, 5), (28, 3, 0, 1, 26)],
    "K5P0S1": [(5, 5, 0, 1, 1), (7, 5, 0, 1, 3), (32, 5, 0, 1, 28)],
    "K3P1S1": [(5, 3, 1, 1, 5), (7, 3, 1, 1, 7)],
    "K3P1S2": [(5, 3, 1, 2, 3), (6, 3, 1, 2, 3), (7, 3, 1, 2, 4)],
    "K3P1S3": [(5, 3, 1, 3, 2), (7, 3, 1, 3, 3), (9, 3, 1, 3, 3)],
}


@pytest.mark.parametrize("name", sorted(LECTURE_CASES))
def test_lecture_cases_by_hand_and_by_keras(name):
    for d_in, kernel, pad, stride, expected in LECTURE_CASES[name]:
        assert conv_output_size(d_in, kernel, stride, pad) == expected, (name, d_in)
        model = keras.Sequential([keras.Input((d_in, d_in, 1)), keras.layers.ZeroPadding2D(pad),
                                  keras.layers.Conv2D(1, kernel, strides=stride)])
        assert model(np.zeros((1, d_in, d_in, 1), "float32")).shape == (1, expected, expected, 1)


def test_int_padding_matches_zero_padding_then_keras_conv():
    checked = 0
    for d_in, kernel, stride, pad in itertools.product([4, 9], [2, 3, 5], [1, 2, 3], [0, 1]):
        if kernel > d_in + 2 * pad:
            continue
        conv = keras.layers.Conv2D(1, (kernel, 1), strides=(stride, 1))
        x = keras.layers.ZeroPadding2D((pad, 0))(np.zeros((1, d_in, 1, 1), "float32"))
        assert conv(x).shape[1] == conv_output_size(d_in, kernel, stride, pad), (d_in, kernel, stride, pad)
        checked += 1
    assert checked == 33


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_named_padding_matches_keras_conv_and_pooling_shapes(padding):
    checked = 0
    for d_in, kernel, stride in itertools.product([5, 8, 9], [1, 2, 3, 4, 5], [1, 2, 3]):
        if padding == "valid" and kernel > d_in:
            continue
        x = np.zeros((1, d_in, 1, 1), "float32")
        conv = keras.layers.Conv2D(1, (kernel, 1), strides=(stride, 1), padding=padding)(x)
        pool = keras.layers.MaxPooling2D((kernel, 1), strides=(stride, 1), padding=padding)(x)
        assert conv.shape[1] == pool.shape[1] == conv_output_size(d_in, kernel, stride, padding)
        checked += 1
    assert checked == 45


def test_same_padding_is_asymmetric_like_keras():
    assert conv_padding(10, 3, 2, "same") == (0, 1)  # out 5: 4*2 + 3 - 10 = 1 zero, after
    assert conv_padding(9, 2, 1, "same") == (0, 1)   # even kernel
    assert conv_padding(9, 5, 1, "same") == (2, 2)
    assert conv_padding(9, 3, 3, "same") == (0, 0)
    assert conv_output_size(10, 3, 2, "same") == 5 == conv_output_size(9, 3, 2, "same")


def test_lecture_padding_modes_use_half_the_kernel_on_each_side():
    for mode in ("zeros", "reflect", "replicate", "circular"):
        assert conv_padding(7, 3, 1, mode) == (1, 1)
        assert conv_padding(7, 5, 2, mode) == (2, 2)
        assert conv_padding(7, 4, 1, mode) == (1, 1)  # even kernel: (4 - 1) // 2
        assert conv_output_size(7, 3, 1, mode) == 7
        assert conv_output_size(7, 4, 1, mode) == 6
    layer = layers.Conv2D(2, 4, padding="circular")
    assert layer(np.zeros((1, 7, 7, 1), "float32")).shape == (1, 6, 6, 2)


@pytest.mark.parametrize(
    "args, match",
    [((0, 3, 1, 0), "d_in"), ((5, 0, 1, 0), "kernel_size"), ((5, 3, 0, 0), "stride"),
     ((5, 3, 1, -1), "padding"), ((5, 3, 1, "full"), "padding"), ((5, 3.0, 1, 0), "kernel_size"),
     ((True, 3, 1, 0), "d_in"), ((4, 7, 1, 1), "larger than the padded input")],
)
def test_bad_arguments_raise(args, match):
    with pytest.raises(DLCourseError, match=match):
        conv_output_size(*args)
