"""DDPM: beta schedules, the training loss, DDIM and DDPM sampling by hand, the U-Net."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import models
from dlcourse.errors import DLCourseError

SHAPE = (8, 8, 1)


def tiny_unet():
    return models.build_unet(SHAPE, widths=(8, 8, 16), embedding_dim=16, groups=4)


def zero_network():
    """Predicts no noise at all: sampling reduces to rescaling, which we can do by hand."""
    x = keras.Input(SHAPE)
    t = keras.Input((), dtype="int32")
    out = keras.layers.Conv2D(1, 1, kernel_initializer="zeros", bias_initializer="zeros")(x)
    return keras.Model([x, t], out)


def test_linear_and_cosine_schedules():
    linear = models.make_beta_schedule("linear", 1000)
    np.testing.assert_allclose([linear[0], linear[-1]], [1e-4, 0.02])
    np.testing.assert_allclose(models.make_beta_schedule("linear", 100)[[0, -1]], [1e-3, 0.2])
    cosine = models.make_beta_schedule("cosine", 1000)
    f = np.cos((np.arange(1001) / 1000 + 0.008) / 1.008 * np.pi / 2) ** 2
    np.testing.assert_allclose(np.cumprod(1 - cosine)[:500], (f[1:] / f[0])[:500], rtol=1e-6)
    assert np.all(np.diff(cosine) >= 0) and cosine.max() <= 0.999
    for betas in (linear, cosine):
        assert np.prod(1 - betas) < 1e-4  # Step T is (nearly) pure noise.


@pytest.mark.parametrize("name, timesteps", [("quadratic", 10), ("linear", 1), ("cosine", 2.5)])
def test_bad_schedules_raise(name, timesteps):
    with pytest.raises(DLCourseError):
        models.make_beta_schedule(name, timesteps)


def test_loss_of_a_network_that_predicts_no_noise_is_the_noise_variance():
    model = models.DiffusionModel(zero_network(), timesteps=10, seed=0)
    x = np.random.default_rng(0).uniform(size=(256,) + SHAPE).astype("float32")
    assert abs(float(model.noise_loss(x, training=False)) - 1.0) < 0.02


def test_ddim_by_hand_with_a_zero_network():
    timesteps, steps = 10, 3
    model = models.DiffusionModel(zero_network(), timesteps=timesteps, beta_schedule="cosine")
    alpha_bar = np.cumprod(1 - models.make_beta_schedule("cosine", timesteps))
    noise = np.random.default_rng(1).normal(size=(2,) + SHAPE).astype("float32")
    x = noise.astype("float64")
    times = list(np.round(np.linspace(timesteps - 1, 0, steps)).astype(int)) + [-1]
    for t, s in zip(times[:-1], times[1:]):
        x0 = np.clip(x / np.sqrt(alpha_bar[t]), -1, 1)  # eps_hat = 0
        x = np.sqrt(alpha_bar[s] if s >= 0 else 1.0) * x0
    expected = np.clip((x + 1) / 2, 0, 1)
    np.testing.assert_allclose(model.generate(noise, "ddim", steps), expected, atol=1e-5)


def test_ddpm_adds_the_posterior_variance_and_no_noise_at_the_last_step():
    # Zero network, T = 2, x_T = 0: step t = 1 gives sqrt(posterior_variance[1]) * z,
    # step t = 0 divides by sqrt(alphas[0]) and adds nothing (posterior_variance[0] = 0).
    model = models.DiffusionModel(zero_network(), timesteps=2, beta_schedule="linear")
    betas = models.make_beta_schedule("linear", 2)
    alpha_bar = np.cumprod(1 - betas)
    posterior_variance = betas[1] * (1 - alpha_bar[0]) / (1 - alpha_bar[1])
    model.sampling_seed_generator.state.assign(np.array([3, 1], "int32"))
    images = np.asarray(model.generate(np.zeros((64,) + SHAPE, "float32"), "ddpm"))
    x = images * 2 - 1
    expected_std = np.sqrt(posterior_variance / (1 - betas[0]))
    assert abs(x.mean()) < 0.03 and abs(x.std() / expected_std - 1) < 0.1


def conv_network():
    """A one-layer stand-in for the U-Net: tracing a U-Net's training step costs seconds."""
    x, t = keras.Input(SHAPE), keras.Input((), dtype="int32")
    return keras.Model([x, t], keras.layers.Conv2D(1, 3, padding="same")(x))


def test_fit_logs_the_noise_loss_and_samples_images():
    keras.utils.set_random_seed(0)
    model = models.DiffusionModel(conv_network(), timesteps=20, beta_schedule="cosine", seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = np.random.default_rng(2).uniform(size=(32,) + SHAPE).astype("float32")
    history = model.fit(x, batch_size=16, epochs=1, verbose=0, validation_data=(x[:16],)).history
    assert set(history) == {"loss", "val_loss"} and np.isfinite(history["loss"][0])
    images = model.sample(2, seed=5, steps=4)
    assert images.shape == (2,) + SHAPE and images.min() >= 0 and images.max() <= 1


def test_sampling_is_seeded_and_survives_a_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    model = models.DiffusionModel(conv_network(), timesteps=5, beta_schedule="linear")
    for method in ("ddim", "ddpm"):
        a = model.sample(2, seed=5, method=method)
        np.testing.assert_array_equal(a, model.sample(2, seed=5, method=method))
        assert not np.array_equal(a, model.sample(2, seed=6, method=method))
    model.save(tmp_path / "ddpm.keras")
    reloaded = keras.models.load_model(tmp_path / "ddpm.keras")
    assert reloaded.timesteps == 5 and reloaded.beta_schedule == "linear"
    np.testing.assert_allclose(reloaded.sample(2, seed=5, method="ddpm"), model.sample(2, seed=5, method="ddpm"),
                               atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [({"method": "euler"}, "sampler"), ({"steps": 0}, "steps"),
                                           ({"steps": 11}, "steps")])
def test_bad_sampling_arguments_raise(kwargs, match):
    model = models.DiffusionModel(zero_network(), timesteps=10)
    with pytest.raises(DLCourseError, match=match):
        model.sample(1, **kwargs)


def test_unet_shapes_parameters_and_step_embedding():
    assert models.build_unet().count_params() == 603_681
    unet = tiny_unet()
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(3,) + SHAPE).astype("float32"))
    # Zero-initialised output and block-closing convs: an untrained U-Net predicts no noise.
    np.testing.assert_array_equal(unet([x, tf.constant([0, 5, 19])]), 0.0)
    zeroed = [w for w in unet.weights if w.path.endswith(("conv2/kernel", "noise/kernel"))]
    assert len(zeroed) == 6 and all(not np.any(w.numpy()) for w in zeroed)
    for w in zeroed:
        w.assign(rng.normal(scale=0.1, size=w.shape).astype("float32"))
    with tf.GradientTape() as tape:
        out = unet([x, tf.constant([0, 5, 19])], training=True)
        loss = tf.reduce_mean(tf.square(out - x))
    assert out.shape == (3,) + SHAPE
    gradients = tape.gradient(loss, unet.trainable_weights)
    assert all(g is not None and np.all(np.isfinite(g.numpy())) and np.any(g.numpy()) for g in gradients)
    # The step changes the prediction: the time embedding reaches every block.
    other = unet([x, tf.constant([7, 7, 7])])
    assert np.abs(np.asarray(other) - np.asarray(unet([x, tf.constant([0, 5, 19])]))).max() > 1e-6
    embedding = models.TimestepEmbedding(4)(np.array([0, 3], "int32")).numpy()
    freq = 10000.0 ** (-np.arange(2) / 2)
    np.testing.assert_allclose(embedding[1], np.r_[np.sin(3 * freq), np.cos(3 * freq)], rtol=1e-5)
    np.testing.assert_allclose(embedding[0], [0, 0, 1, 1], atol=1e-7)
    with pytest.raises(DLCourseError, match="dim"):
        models.TimestepEmbedding(5)
    with pytest.raises(DLCourseError, match="divisible"):
        models.build_unet((30, 30, 1))
