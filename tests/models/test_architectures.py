"""Lecture 4's architectures: exact parameter counts (the docstrings' numbers), output
shapes and one finite training step on 28x28x1 and 32x32x3, a `.keras` round trip."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import models
from dlcourse.errors import DLCourseError

GREY, COLOUR = (28, 28, 1), (32, 32, 3)

# (builder, kwargs, parameters on 28x28x1, parameters on 32x32x3), as in the docstrings.
COUNTS = [
    (models.build_lenet5, {}, 61_706, 62_006),
    (models.build_alexnet, {}, 2_246_506, 2_248_906),
    (models.build_vgg, {}, 1_456_266, 1_456_842),
    (models.build_vgg, {"batch_norm": True}, 1_458_858, 1_459_434),
    (models.build_googlenet, {}, 232_442, 233_594),
    (models.build_resnet, {"depth": 20}, 273_754, 274_042),
    (models.build_resnet, {"depth": 20, "norm_after_add": True}, 273_370, 273_658),
    (models.build_resnet, {"depth": 18}, 11_182_410, 11_183_562),
    (models.build_cifar_fc, {}, 1_083_338, 3_426_250),
    (models.build_cifar_cnn, {}, 61_706, 62_006),
    (models.build_cifar_wide_cnn, {}, 5_853_354, 5_853_930),
    (models.build_cifar_wide_cnn, {"batch_norm": False}, 5_850_762, 5_851_338),
]
# Small enough to take a training step in a test.
TRAINABLE = [(b, k) for b, k, _, grey in COUNTS if grey < 3_000_000]


def _ids(row):
    builder, kwargs = row[0], row[1]
    return builder.__name__ + "".join(f"_{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("builder, kwargs, grey, colour", COUNTS, ids=[_ids(r) for r in COUNTS])
def test_parameter_count_is_the_docstring_one(builder, kwargs, grey, colour):
    assert builder(GREY, 10, **kwargs).count_params() == grey
    assert builder(COLOUR, 10, **kwargs).count_params() == colour
    assert f"{grey:,}" in builder.__doc__
    assert f"{colour:,}" in builder.__doc__


def test_the_course_cifar_counts():
    assert models.build_cifar_fc().count_params() == 3_426_250
    assert models.build_cifar_cnn().count_params() == 62_006
    assert 5_850_000 < models.build_cifar_wide_cnn().count_params() < 5_855_000  # "about 5.85M"


@pytest.mark.parametrize("builder, kwargs", TRAINABLE, ids=[_ids(r) for r in TRAINABLE])
@pytest.mark.parametrize("shape", [GREY, COLOUR], ids=["28x28x1", "32x32x3"])
def test_output_is_a_distribution_and_every_weight_gets_a_finite_gradient(builder, kwargs, shape):
    keras.utils.set_random_seed(0)
    model = builder(shape, 7, **kwargs)
    x = tf.random.uniform((4, *shape), seed=0)
    y = tf.constant([0, 1, 2, 6])
    with tf.GradientTape() as tape:
        probabilities = model(x, training=True)
        loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)
    grads = tape.gradient(loss, model.trainable_weights)
    assert probabilities.shape == (4, 7) and probabilities.dtype == "float32"
    np.testing.assert_allclose(probabilities.numpy().sum(axis=1), 1.0, atol=1e-5)
    assert np.all(np.isfinite(loss.numpy())) and float(tf.reduce_mean(loss)) > 0
    assert len(grads) == len(model.trainable_weights) > 0
    assert all(g is not None and np.all(np.isfinite(g.numpy())) for g in grads)


@pytest.mark.parametrize("builder", [models.build_googlenet, models.build_resnet])
def test_keras_file_round_trip(builder, tmp_path):
    keras.utils.set_random_seed(1)
    model = builder(GREY, 10)
    x = np.random.default_rng(1).uniform(size=(2, *GREY)).astype("float32")
    model.save(tmp_path / "model.keras")
    again = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(again(x, training=False).numpy(), model(x, training=False).numpy(), atol=1e-6)


def test_inception_block_concatenates_its_four_branches():
    x = keras.Input((14, 14, 64))
    y = models.inception_block(x, 64, 96, 128, 16, 32, 32, name="inception_3a")
    assert tuple(y.shape) == (None, 14, 14, 64 + 128 + 32 + 32)
    # The paper's inception (3a): 163,696 weights and biases on 192 input channels.
    x = keras.Input((28, 28, 192))
    block = keras.Model(x, models.inception_block(x, 64, 96, 128, 16, 32, 32))
    assert block.count_params() == (192 * 64 + 64) + (192 * 96 + 96) + (9 * 96 * 128 + 128) \
        + (192 * 16 + 16) + (25 * 16 * 32 + 32) + (192 * 32 + 32) == 163_696


def test_lenet_uses_the_1998_activation_and_pooling_and_the_cifar_cnn_does_not():
    lenet, cifar = models.build_lenet5(COLOUR), models.build_cifar_cnn(COLOUR)
    assert lenet.get_layer("conv_1").activation.__name__ == "tanh"
    assert isinstance(lenet.get_layer("pool_1"), keras.layers.AveragePooling2D)
    assert cifar.get_layer("conv_1").activation.__name__ == "relu"
    assert isinstance(cifar.get_layer("pool_1"), keras.layers.MaxPooling2D)
    assert lenet.get_layer("flatten").output.shape[-1] == cifar.get_layer("flatten").output.shape[-1] == 400


def test_lenet_pads_small_images_in_both_convolutions():
    model = models.build_lenet5((8, 8, 1))
    assert model.get_layer("flatten").output.shape[-1] == 2 * 2 * 16
    assert model.count_params() == 21_386


def test_wide_cnn_flattens_4096_on_both_sizes_and_drops_batch_norm_on_request():
    for shape in (GREY, COLOUR):
        assert models.build_cifar_wide_cnn(shape).get_layer("flatten").output.shape[-1] == 4096
    plain = models.build_cifar_wide_cnn(batch_norm=False, dropout=0.0)
    names = [type(layer).__name__ for layer in plain.layers]
    assert "BatchNormalization" not in names and "Dropout" not in names
    assert names.count("Conv2D") == 6 and names.count("MaxPooling2D") == 3


@pytest.mark.parametrize("call, message", [
    (lambda: models.build_lenet5((3, 3, 1)), "at least 4x4"),
    (lambda: models.build_lenet5(pooling="min"), "`pooling` must be one of"),
    (lambda: models.build_alexnet(filters=(8, 8)), "five convolutions"),
    (lambda: models.build_vgg((8, 8, 1), blocks=((8,),) * 5), "at least 16 pixels"),
    (lambda: models.build_resnet(depth=19), "`depth` must be 18, 34 or 6n"),
    (lambda: models.build_cifar_wide_cnn(dropout=1.0), "`dropout` must be in"),
])
def test_bad_arguments_are_one_line_errors(call, message):
    with pytest.raises(DLCourseError, match=message):
        call()
