"""WGAN and WGAN-GP: the penalty on critics with known gradients, clipping, n_critic."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import models
from dlcourse.errors import DLCourseError

from _gan_helpers import LATENT, SHAPE, images, tiny_gan


def test_gradient_penalty_of_a_linear_critic():
    # critic(x) = sum(w * x): the gradient is w everywhere, whatever alpha.
    w = np.random.default_rng(0).normal(size=(1,) + SHAPE).astype("float32") * 0.3
    critic = lambda x: tf.reduce_sum(x * w, axis=(1, 2, 3))  # noqa: E731
    real, fake = images(4, 1), images(4, 2)
    alpha = np.random.default_rng(3).uniform(size=(4, 1, 1, 1)).astype("float32")
    expected = (np.sqrt(np.sum(w.astype("float64") ** 2) + 1e-12) - 1.0) ** 2
    np.testing.assert_allclose(models.gradient_penalty(critic, real, fake, alpha), [expected] * 4, rtol=1e-5)


def test_gradient_penalty_of_a_quadratic_critic_uses_each_examples_alpha():
    # critic(x) = sum(x**2) / 2: the gradient at x_hat is x_hat itself.
    critic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=(1, 2, 3))  # noqa: E731
    real, fake = images(3, 4), images(3, 5)
    alpha = np.array([0.0, 0.5, 1.0], "float32").reshape(3, 1, 1, 1)
    x_hat = real + alpha * (fake - real)
    norms = np.sqrt(np.sum(x_hat.astype("float64") ** 2, axis=(1, 2, 3)) + 1e-12)
    np.testing.assert_allclose(models.gradient_penalty(critic, real, fake, alpha), (norms - 1) ** 2, rtol=1e-5)


def test_gradient_penalty_has_a_finite_gradient_where_the_critic_is_flat():
    # With w = 0 the critic's input gradient is 0; without epsilon, d sqrt(s) / ds at
    # s = 0 would make the weight gradient 0 * inf = NaN.
    w = tf.Variable(0.0)
    critic = lambda x: w * tf.reduce_sum(x, axis=(1, 2, 3))  # noqa: E731
    with tf.GradientTape() as tape:
        penalty = models.gradient_penalty(critic, images(2), images(2, 1), np.ones((2, 1, 1, 1), "float32"))
        total = tf.reduce_sum(penalty)
    np.testing.assert_allclose(penalty, [1.0, 1.0], atol=1e-5)
    assert tape.gradient(total, w).numpy() == 0.0


def test_wgan_clips_critic_weights_and_runs_n_critic_steps():
    gan = tiny_gan(models.WGAN, n_critic=3, clip_value=0.01)
    history = gan.fit(images(32), batch_size=16, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v[0]) for v in history.values())
    assert int(gan.d_optimizer.iterations) == 3 * int(gan.g_optimizer.iterations) == 6
    for w in gan.discriminator.trainable_weights:
        assert np.max(np.abs(w.numpy())) <= 0.01 + 1e-7


def test_wgan_losses_by_hand():
    gan = tiny_gan(models.WGAN)
    real, fake = images(6, 6), images(6, 7)
    scores_real = np.asarray(gan.discriminator(real), "float64")
    scores_fake = np.asarray(gan.discriminator(fake), "float64")
    d_loss = gan._discriminator_losses(real, fake, None, training=False)["d_loss"]
    np.testing.assert_allclose(float(d_loss), scores_fake.mean() - scores_real.mean(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(float(gan._generator_loss(scores_fake)), -scores_fake.mean(), rtol=1e-5)


def test_wgan_gp_logs_the_penalty_and_trains():
    gan = tiny_gan(models.WGANGP, n_critic=2, gp_weight=10.0)
    g_before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(images(32), batch_size=16, epochs=1, verbose=0,
                      validation_data=(images(16, 1),)).history
    assert set(history) == {"d_loss", "gradient_penalty", "g_loss",
                            "val_d_loss", "val_gradient_penalty", "val_g_loss"}
    assert all(np.isfinite(v[0]) for v in history.values())
    assert history["gradient_penalty"][0] > 0
    assert int(gan.d_optimizer.iterations) == 2 * int(gan.g_optimizer.iterations) == 4
    assert any(not np.array_equal(a, b.numpy()) for a, b in zip(g_before, gan.generator.trainable_weights))
    # No clipping: critic weights leave [-0.01, 0.01].
    assert max(np.max(np.abs(w.numpy())) for w in gan.discriminator.trainable_weights) > 0.01


def test_wgan_gp_critic_loss_adds_the_weighted_penalty():
    gan = tiny_gan(models.WGANGP, gp_weight=10.0)
    plain = tiny_gan(models.WGAN)
    real, fake = images(4, 8), images(4, 9)
    with_gp = gan._discriminator_losses(real, fake, None, training=False)
    without = plain._discriminator_losses(real, fake, None, training=False)
    np.testing.assert_allclose(float(with_gp["d_loss"]),
                               float(without["d_loss"]) + 10.0 * float(with_gp["gradient_penalty"]), rtol=1e-5)


def test_keras_file_round_trip(tmp_path):
    gan = tiny_gan(models.WGANGP, n_critic=4, gp_weight=5.0)
    gan.save(tmp_path / "wgan.keras")
    reloaded = keras.models.load_model(tmp_path / "wgan.keras")
    assert isinstance(reloaded, models.WGANGP) and reloaded.n_critic == 4 and reloaded.gp_weight == 5.0
    np.testing.assert_allclose(reloaded.sample(2, seed=1), gan.sample(2, seed=1), atol=1e-6)


@pytest.mark.parametrize("cls, kwargs, match", [
    (models.WGAN, {"n_critic": 0}, "n_critic"),
    (models.WGAN, {"clip_value": -1.0}, "clip_value"),
    (models.WGANGP, {"gp_weight": -1.0}, "gp_weight"),
])
def test_bad_arguments_raise(cls, kwargs, match):
    generator = models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4))
    critic = models.build_dcgan_discriminator(SHAPE, filters=(4, 8))
    with pytest.raises(DLCourseError, match=match):
        cls(generator, critic, LATENT, **kwargs)
