"""ConditionalGAN: trains on (images, labels), generates the class it is asked for."""

import keras
import numpy as np
import pytest

from dlcourse import models
from dlcourse.errors import DLCourseError

from _gan_helpers import LATENT, SHAPE, images

CLASSES = 3


def tiny_cgan():
    keras.utils.set_random_seed(0)
    generator = models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4), num_classes=CLASSES)
    discriminator = models.build_dcgan_discriminator(SHAPE, filters=(4, 8), num_classes=CLASSES)
    cgan = models.ConditionalGAN(generator, discriminator, LATENT, num_classes=CLASSES, seed=1)
    cgan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return cgan


def test_conditional_builders_take_a_label_input():
    generator = models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4), num_classes=CLASSES)
    discriminator = models.build_dcgan_discriminator(SHAPE, filters=(4, 8), num_classes=CLASSES)
    assert [tuple(i.shape) for i in generator.inputs] == [(None, LATENT), (None,)]
    out = generator([np.zeros((2, LATENT), "float32"), np.array([0, 2])])
    assert out.shape == (2,) + SHAPE
    assert discriminator([np.asarray(out), np.array([0, 2])]).shape == (2, 1)


def test_fit_on_images_and_labels():
    cgan = tiny_cgan()
    labels = np.arange(32) % CLASSES
    history = cgan.fit(images(32), labels, batch_size=16, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v[0]) and v[0] > 0.05 for v in history.values())


def test_the_label_changes_the_image():
    cgan = tiny_cgan()
    z = np.random.default_rng(0).normal(size=(1, LATENT)).astype("float32")
    a, b = (np.asarray(cgan.generate(z, np.array([k]))) for k in (0, 1))
    assert np.abs(a - b).max() > 1e-4
    grid = cgan.sample(6, seed=0)  # default labels 0, 1, 2, 0, 1, 2
    np.testing.assert_allclose(grid[:1], cgan.sample(1, seed=0, labels=[0]), atol=1e-6)


@pytest.mark.parametrize("labels", [[0, 1], [0, 1, 3], [-1, 0, 0]])
def test_bad_labels_raise(labels):
    with pytest.raises(DLCourseError, match="labels"):
        tiny_cgan().sample(3, labels=labels)


def test_data_without_labels_raises():
    with pytest.raises(DLCourseError, match="labels"):
        tiny_cgan().fit(images(16), batch_size=16, epochs=1, verbose=0)


def test_keras_file_round_trip(tmp_path):
    cgan = tiny_cgan()
    cgan.save(tmp_path / "cgan.keras")
    reloaded = keras.models.load_model(tmp_path / "cgan.keras")
    assert isinstance(reloaded, models.ConditionalGAN) and reloaded.num_classes == CLASSES
    np.testing.assert_allclose(reloaded.sample(3, seed=2), cgan.sample(3, seed=2), atol=1e-6)
