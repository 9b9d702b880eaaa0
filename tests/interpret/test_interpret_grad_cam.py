"""Grad-CAM lights the image half the class depends on; layer choice and errors."""

import keras
import numpy as np
import pytest

from dlcourse import interpret
from dlcourse.errors import DLCourseError


def _half_images(n, seed):
    """16x16 noise with a bright bar in the right half always (a distractor), and a
    bright 4x4 square in the left half for class 1 only: the class depends on the left
    half alone."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, 0.3, size=(n, 16, 16, 1)).astype(np.float32)
    labels = rng.integers(0, 2, size=n).astype(np.int32)
    for image, label in zip(images, labels):
        r, c = rng.integers(0, 16), rng.integers(8, 11)
        image[r, c:c + 6] = 1.0
        if label:
            r, c = rng.integers(0, 12), rng.integers(0, 4)
            image[r:r + 4, c:c + 4] = 1.0
    return images, labels


@pytest.fixture(scope="module")
def half_model():
    # Global average pooling, as in the CNNs Grad-CAM was made for: with a Flatten head
    # the class weights are per position, and Grad-CAM's spatial mean of the gradient
    # blurs them (measured here: 0.50 of the mass on the left with a square distractor).
    keras.utils.set_random_seed(0)
    inputs = keras.Input((16, 16, 1))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv_1")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv_2")(x)
    x = keras.layers.Dense(2, name="logits")(keras.layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, keras.layers.Activation("softmax")(x))
    images, labels = _half_images(1200, seed=1)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    model.fit(images, labels, epochs=15, batch_size=64, verbose=0)
    return model


def test_grad_cam_lights_the_half_the_class_depends_on(half_model):
    images, labels = _half_images(200, seed=2)
    assert interpret.accuracy(half_model, images, labels) > 0.95
    positives = images[labels == 1]
    maps = interpret.grad_cam(half_model, positives, class_index=1)
    assert maps.shape == (len(positives), 16, 16)
    assert maps.min() >= 0 and np.allclose(maps.max(axis=(1, 2)), 1.0)
    left = maps[:, :, :8].sum() / maps.sum()  # Measured: 0.78 (the bars take the rest).
    assert left > 0.7, f"only {left:.2f} of the Grad-CAM mass is in the left half"


def test_the_default_layer_is_the_last_convolution(cnn, digits):
    images = digits[2][:4]
    np.testing.assert_allclose(interpret.grad_cam(cnn, images), interpret.grad_cam(cnn, images, layer="conv_2"))
    assert not np.allclose(interpret.grad_cam(cnn, images, layer="conv_1"), interpret.grad_cam(cnn, images))


def test_grad_cam_errors_name_the_fix(cnn, mlp, digits):
    images = digits[2][:2]
    with pytest.raises(DLCourseError, match="4-D layers: conv_1, pool_1, conv_2"):
        interpret.grad_cam(cnn, images, layer="logits")
    with pytest.raises(DLCourseError, match="saliency instead"):
        interpret.grad_cam(mlp, images)


def test_a_model_that_mirrors_its_batch_at_test_time_gives_one_map_per_image(digits):
    from dlcourse.models.cnn_fast import build_cnn_fast

    model = build_cnn_fast((8, 8, 1), 10)  # Inference appends each image's mirror image to the batch.
    images = digits[2][:3]
    assert interpret.grad_cam(model, images).shape == (3, 8, 8)
    assert interpret.feature_maps(model, images, "conv_1").shape == (3, 8, 8, 24)
    assert interpret.layer_activations(model, images)["logits"].shape == (3, 10)
    assert interpret.saliency(model, images).shape == (3, 8, 8)
