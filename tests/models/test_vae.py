"""VAE: the ELBO's two terms by hand, reparameterisation, logged parts, save/reload."""

import keras
import numpy as np
import pytest

from dlcourse import models
from dlcourse.errors import DLCourseError

SHAPE = (8, 8, 1)


def tiny_vae(beta=1.0):
    keras.utils.set_random_seed(0)
    vae = models.VAE(models.build_vae_encoder(SHAPE, latent_dim=4, filters=(4, 8), dense_units=16),
                     models.build_vae_decoder(4, SHAPE, filters=(8, 4)), beta=beta, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    vae.optimizer.build(vae.trainable_variables)  # As the generate task does: saved and reloaded whole.
    return vae


def fixed_vae(z_mean, z_log_var, pixel_logit):
    """Encoder and decoder that ignore their inputs: every term is known in closed form."""
    images = keras.Input(SHAPE)
    flat = keras.layers.Flatten()(images)
    heads = [keras.layers.Dense(len(z_mean), kernel_initializer="zeros",
                                bias_initializer=keras.initializers.Constant(v))(flat) for v in (z_mean, z_log_var)]
    z = keras.Input((len(z_mean),))
    pixels = keras.layers.Dense(int(np.prod(SHAPE)), activation="sigmoid", kernel_initializer="zeros",
                                bias_initializer=keras.initializers.Constant(pixel_logit))(z)
    decoder = keras.Model(z, keras.layers.Reshape(SHAPE)(pixels))
    return models.VAE(keras.Model(images, heads), decoder, beta=2.0, seed=0)


def test_builders_parameter_counts_match_their_docstrings():
    assert models.build_vae_encoder().count_params() == 428_608
    assert models.build_vae_decoder().count_params() == 159_169


def test_elbo_terms_by_hand():
    z_mean, z_log_var, logit = np.array([0.5, -1.0]), np.array([0.2, -0.7]), 0.3
    vae = fixed_vae(z_mean, z_log_var, logit)
    x = np.random.default_rng(0).uniform(size=(5,) + SHAPE).astype("float32")
    logs = {k: float(v) for k, v in vae.losses_of(x, training=False).items()}
    p = 1 / (1 + np.exp(-logit))
    reconstruction = np.mean(np.sum(-(x * np.log(p) + (1 - x) * np.log(1 - p)), axis=(1, 2, 3)))
    kl = -0.5 * np.sum(1 + z_log_var - z_mean ** 2 - np.exp(z_log_var))
    np.testing.assert_allclose(logs["reconstruction_loss"], reconstruction, rtol=1e-5)
    np.testing.assert_allclose(logs["kl_loss"], kl, rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], reconstruction + 2.0 * kl, rtol=1e-5)


def test_kl_is_zero_at_the_prior():
    vae = fixed_vae(np.zeros(3), np.zeros(3), 0.0)
    x = np.zeros((2,) + SHAPE, "float32")
    assert abs(float(vae.losses_of(x, training=False)["kl_loss"])) < 1e-7


def test_reparameterisation_lets_gradients_reach_the_encoder():
    vae = tiny_vae()
    x = np.random.default_rng(1).uniform(size=(32,) + SHAPE).astype("float32")
    encoder_before = [w.numpy().copy() for w in vae.encoder.trainable_weights]
    history = vae.fit(x, batch_size=16, epochs=2, verbose=0, validation_data=(x[:16],)).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss",
                            "val_loss", "val_reconstruction_loss", "val_kl_loss"}
    assert all(np.all(np.isfinite(v)) for v in history.values())
    # The logged loss is the sum of its logged parts (beta = 1).
    np.testing.assert_allclose(history["loss"], np.add(history["reconstruction_loss"], history["kl_loss"]),
                               rtol=1e-5)
    assert all(not np.array_equal(a, b.numpy()) for a, b in zip(encoder_before, vae.encoder.trainable_weights))


def test_samples_and_round_trip(tmp_path):
    vae = tiny_vae(beta=0.5)
    samples = vae.sample(3, seed=2)
    assert samples.shape == (3,) + SHAPE and samples.min() >= 0 and samples.max() <= 1
    np.testing.assert_array_equal(samples, vae.sample(3, seed=2))
    vae.save(tmp_path / "vae.keras")
    reloaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(reloaded, models.VAE) and reloaded.beta == 0.5
    np.testing.assert_allclose(reloaded.sample(3, seed=2), samples, atol=1e-6)


def test_bad_arguments_raise():
    with pytest.raises(DLCourseError, match="beta"):
        models.VAE(models.build_vae_encoder(), models.build_vae_decoder(), beta=-1.0)
    with pytest.raises(DLCourseError, match="encoder"):
        models.VAE("encoder", models.build_vae_decoder())
