"""Residual blocks: zero second weight gives the identity; the lecture's form by hand."""

import keras
import numpy as np
import pytest

from dlcourse import models


def _block(norm_after_add, filters=4, strides=1, channels=4):
    x = keras.Input((6, 6, channels))
    return keras.Model(x, models.residual_block(x, filters, strides, norm_after_add, name="block"))


def _non_negative(seed=0, channels=4):
    # A block's input comes out of a ReLU: non-negative.
    return np.maximum(np.random.default_rng(seed).normal(size=(3, 6, 6, channels)), 0).astype("float32")


@pytest.mark.parametrize("training", [True, False])
def test_zero_second_convolution_makes_the_block_the_identity(training):
    keras.utils.set_random_seed(0)
    block = _block(norm_after_add=False)
    conv = block.get_layer("block_conv_2")
    conv.kernel.assign(np.zeros(conv.kernel.shape, "float32"))
    x = _non_negative()
    np.testing.assert_array_equal(block(x, training=training).numpy(), x)


def test_zero_gamma_of_the_last_norm_makes_the_block_the_identity():
    keras.utils.set_random_seed(0)
    block = _block(norm_after_add=False)
    norm = block.get_layer("block_bn_2")
    norm.gamma.assign(np.zeros(norm.gamma.shape, "float32"))
    x = _non_negative(1)
    np.testing.assert_allclose(block(x, training=True).numpy(), x, atol=1e-6)
    assert not np.allclose(_block(norm_after_add=False)(x, training=True).numpy(), x, atol=1e-2)


def test_lecture_form_with_zero_second_convolution_is_relu_of_norm_of_x():
    keras.utils.set_random_seed(0)
    block = _block(norm_after_add=True)
    conv = block.get_layer("block_conv_2")
    conv.kernel.assign(np.zeros(conv.kernel.shape, "float32"))
    x = _non_negative(2)
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    eps = block.get_layer("block_bn_2").epsilon
    expected = np.maximum((x - mean) / np.sqrt(var + eps), 0.0)  # gamma 1, beta 0
    np.testing.assert_allclose(block(x, training=True).numpy(), expected, atol=1e-5)
    layer_names = [layer.name for layer in block.layers]
    assert layer_names.index("block_add") < layer_names.index("block_bn_2")


@pytest.mark.parametrize("norm_after_add", [False, True])
def test_shape_changing_block_uses_a_strided_1x1_shortcut(norm_after_add):
    block = _block(norm_after_add, filters=8, strides=2)
    assert tuple(block.output.shape) == (None, 3, 3, 8)
    shortcut = block.get_layer("block_shortcut")
    assert shortcut.kernel_size == (1, 1) and shortcut.strides == (2, 2)
    has_bn = "block_shortcut_bn" in [layer.name for layer in block.layers]
    assert has_bn is not norm_after_add
    assert "block_shortcut" not in [layer.name for layer in _block(norm_after_add).layers]


@pytest.mark.parametrize("depth, blocks, last_filters", [(20, 9, 64), (32, 15, 64), (18, 8, 512), (34, 16, 512)])
def test_layouts(depth, blocks, last_filters):
    model = models.build_resnet((32, 32, 3), depth=depth)
    adds = [layer for layer in model.layers if layer.name.endswith("_add")]
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)
             and not layer.name.endswith("shortcut")]
    assert len(adds) == blocks and len(convs) + 1 == depth  # + the dense layer
    assert model.get_layer("global_pool").output.shape[-1] == last_filters
    assert model.name == f"resnet{depth}"


def test_without_shortcuts_the_block_is_relu_of_f():
    keras.utils.set_random_seed(0)
    x = keras.Input((6, 6, 4))
    plain = keras.Model(x, models.residual_block(x, 8, 2, shortcut=False, name="block"))
    names = [layer.name for layer in plain.layers]
    assert "block_add" not in names and "block_shortcut" not in names
    # relu(bn_2(conv_2(...))): zeroing conv_2 leaves relu(beta) = 0 in training mode.
    conv = plain.get_layer("block_conv_2")
    conv.kernel.assign(np.zeros(conv.kernel.shape, "float32"))
    np.testing.assert_array_equal(plain(_non_negative(3), training=True).numpy(), 0.0)


def test_landscape_pair_differs_only_in_the_shortcuts():
    skips = models.build_resnet((28, 28, 1), depth=20, width=8)
    plain = models.build_resnet((28, 28, 1), depth=20, width=8, shortcuts=False)
    assert plain.name == "resnet20_noskip" and skips.get_layer("stage_1_block_1_conv_1").filters == 8
    assert not [layer for layer in plain.layers if layer.name.endswith(("_add", "shortcut", "shortcut_bn"))]
    # Two 1x1 shortcuts (8*16 and 16*32) and their BatchNorms (4 * 16 and 4 * 32).
    assert skips.count_params() - plain.count_params() == 8 * 16 + 16 * 32 + 4 * 16 + 4 * 32
