"""ProgressiveGAN: the level schedule, fade-in, images at each level, training under fit."""

import keras
import numpy as np
import pytest

from dlcourse import models
from dlcourse.errors import DLCourseError
from dlcourse.models import progressive


def _blocks_constant(images, size):
    """True where every size x size block of each 28x28 image holds one value."""
    blocks = images.reshape(len(images), 28 // size, size, 28 // size, size, -1)
    return np.allclose(blocks, blocks[:, :, :1, :, :1], atol=1e-6)


def tiny_progressive(stage_steps=1):
    keras.utils.set_random_seed(0)
    gan = models.ProgressiveGAN(models.build_progressive_generator(8, (8, 8, 8)),
                                models.build_progressive_discriminator((8, 8, 8)), 8, stage_steps=stage_steps, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    return gan


def test_level_schedule_and_fade():
    levels = [float(progressive.level_at(step, 10)) for step in (0, 9, 10, 15, 20, 29, 30, 35, 40, 100)]
    np.testing.assert_allclose(levels, [0, 0, 0, 0.5, 1, 1, 1, 1.5, 2, 2], atol=1e-6)
    fades = [float(progressive.fade(np.float32(level), 2)) for level in (0.5, 1.25, 2.0)]
    np.testing.assert_allclose(fades, [0, 0.25, 1])


def test_real_images_at_each_level():
    x = np.random.default_rng(0).uniform(size=(2, 28, 28, 1)).astype("float32")
    at = lambda level: np.asarray(progressive.images_at_level(x, np.full((2,), level, "float32")))  # noqa: E731
    assert _blocks_constant(at(0.0), 4) and not _blocks_constant(at(1.0), 4)
    assert _blocks_constant(at(1.0), 2) and not _blocks_constant(at(1.5), 2)
    np.testing.assert_allclose(at(2.0), x, atol=1e-6)
    np.testing.assert_allclose(at(0.0)[:, :4, :4].mean(axis=(1, 2)), x[:, :4, :4].mean(axis=(1, 2)), atol=1e-6)


def test_generator_output_grows_with_the_level():
    gan = tiny_progressive()
    z = np.random.default_rng(1).normal(size=(2, 8)).astype("float32")
    assert _blocks_constant(np.asarray(gan.generate(z, 0.0)), 4)
    assert _blocks_constant(np.asarray(gan.generate(z, 1.0)), 2)
    assert not _blocks_constant(np.asarray(gan.generate(z, 2.0)), 2)


def test_fit_walks_through_every_level(tmp_path):
    gan = tiny_progressive(stage_steps=1)
    x = np.random.default_rng(2).uniform(size=(48, 28, 28, 1)).astype("float32")
    history = gan.fit(x, batch_size=8, epochs=1, verbose=0).history  # 6 steps: levels 0, 0, 1, 1, 2, 2
    assert set(history) == {"d_loss", "g_loss", "level"}
    assert all(np.isfinite(v[0]) for v in history.values())
    np.testing.assert_allclose(history["level"][0], 1.0, atol=1e-6)
    assert float(gan.current_level()) == 2.0
    gan.save(tmp_path / "progressive.keras")
    reloaded = keras.models.load_model(tmp_path / "progressive.keras")
    assert reloaded.stage_steps == 1
    np.testing.assert_allclose(reloaded.sample(2, seed=0), gan.sample(2, seed=0), atol=1e-6)


def test_bad_stage_steps_raise():
    with pytest.raises(DLCourseError, match="stage_steps"):
        models.ProgressiveGAN(models.build_progressive_generator(8, (8, 8, 8)),
                              models.build_progressive_discriminator((8, 8, 8)), 8, stage_steps=0)
