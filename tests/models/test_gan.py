"""GAN: losses by hand, sub-step isolation, logged metrics, seeds, strategy, save/reload."""

import textwrap

import keras
import numpy as np
import pytest

from dlcourse import models
from dlcourse.errors import DLCourseError
from dlcourse.testing import max_weight_difference, run_python

from _gan_helpers import LATENT, SHAPE, images, tiny_gan


def _weights(net):
    return [np.array(w) for w in net.weights]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_builders_parameter_counts_match_their_docstrings():
    assert models.build_dcgan_generator().count_params() == 935_681
    assert models.build_dcgan_discriminator().count_params() == 138_561
    sn = models.build_dcgan_discriminator(spectral_norm=True)
    assert sum(int(np.prod(w.shape)) for w in sn.trainable_weights) == 138_561
    assert sum(int(np.prod(w.shape)) for w in sn.non_trainable_weights) == 193
    g = models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4))
    out = g(np.zeros((3, LATENT), "float32"))
    assert out.shape == (3,) + SHAPE and np.all((out >= 0) & (out <= 1))


def test_toy_discriminator_logit_scale_multiplies_the_logit_and_adds_no_weight():
    plain = models.build_toy_discriminator(spectral_norm=True)
    scaled = models.build_toy_discriminator(spectral_norm=True, logit_scale=10.0)
    assert sum(int(np.prod(w.shape)) for w in plain.trainable_weights) == 17_025
    assert len(scaled.weights) == len(plain.weights)
    scaled.set_weights(plain.get_weights())
    points = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(scaled(points), 10.0 * np.asarray(plain(points)), rtol=1e-5, atol=1e-6)
    for bad in (0.0, -1.0):
        with pytest.raises(DLCourseError, match="logit_scale"):
            models.build_toy_discriminator(logit_scale=bad)


def test_fit_logs_real_d_and_g_losses():
    gan = tiny_gan()
    history = gan.fit(images(), batch_size=16, epochs=2, verbose=0, validation_data=(images(16, 1),)).history
    assert set(history) == {"d_loss", "g_loss", "val_d_loss", "val_g_loss"}
    for values in history.values():
        assert len(values) == 2 and np.all(np.isfinite(values)) and min(values) > 0.05
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 8


def test_discriminator_step_updates_only_the_discriminator():
    gan = tiny_gan()
    g_before, d_before = _weights(gan.generator), _weights(gan.discriminator)
    logs = gan.discriminator_step(images(16))
    assert set(logs) == {"d_loss"}
    assert _same([np.array(w) for w in gan.generator.trainable_weights],
                 [w for w, v in zip(g_before, gan.generator.weights) if v.trainable])
    assert not _same(_weights(gan.discriminator), d_before)


def test_generator_step_updates_only_the_generator():
    gan = tiny_gan(spectral_norm=True)  # Spectral norm would move D's u in a training call.
    g_before, d_before = _weights(gan.generator), _weights(gan.discriminator)
    logs = gan.generator_step(16)
    assert set(logs) == {"g_loss"}
    assert _same(_weights(gan.discriminator), d_before)
    assert not _same([np.array(w) for w in gan.generator.trainable_weights], g_before[:1])


def test_discriminator_loss_by_hand():
    gan = tiny_gan()
    real, fake = images(8, 2), images(8, 3)
    logits_real = np.asarray(gan.discriminator(real, training=False), "float64")
    logits_fake = np.asarray(gan.discriminator(fake, training=False), "float64")
    expected = np.mean(np.log1p(np.exp(-logits_real))) + np.mean(np.log1p(np.exp(logits_fake)))
    got = gan._discriminator_losses(real, fake, None, training=False)["d_loss"]
    np.testing.assert_allclose(float(got), expected, rtol=1e-5)


@pytest.mark.parametrize("generator_loss", ["non_saturating", "minimax"])
def test_generator_losses_by_hand(generator_loss):
    gan = tiny_gan(generator_loss=generator_loss)
    logits = np.array([[-3.0], [-0.5], [0.0], [2.0]], "float32")
    d_fake = 1 / (1 + np.exp(-logits.astype("float64")))
    expected = -np.mean(np.log(d_fake)) if generator_loss == "non_saturating" else np.mean(np.log(1 - d_fake))
    np.testing.assert_allclose(float(gan._generator_loss(logits)), expected, rtol=1e-5)


def test_non_saturating_gradient_is_larger_where_the_fakes_are_rejected():
    # At D(G(z)) ~ 0 the minimax gradient vanishes (Goodfellow et al. 2014, Sec. 3).
    import tensorflow as tf

    grads = {}
    for loss in ("non_saturating", "minimax"):
        gan = tiny_gan(generator_loss=loss)
        logits = tf.Variable([[-6.0]])
        with tf.GradientTape() as tape:
            value = gan._generator_loss(logits)
        grads[loss] = abs(float(tape.gradient(value, logits)[0, 0]))
    assert grads["non_saturating"] > 0.99 and grads["minimax"] < 0.01


def test_same_seed_same_training():
    first, second = tiny_gan(), tiny_gan()
    for gan in (first, second):
        gan.fit(images(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    assert max_weight_difference(first, second) == 0.0
    np.testing.assert_array_equal(first.sample(4, seed=3), second.sample(4, seed=3))
    assert not np.array_equal(first.sample(4, seed=3), first.sample(4, seed=4))


def test_mixed_float16_wraps_both_optimizers_and_trains():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        gan = tiny_gan()
    finally:
        keras.config.set_dtype_policy("float32")
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    history = gan.fit(images(32), batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0])
    assert gan.sample(2).dtype == np.float32


def test_keras_file_round_trip(tmp_path):
    gan = tiny_gan(generator_loss="minimax")
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(reloaded, models.GAN) and reloaded.generator_loss == "minimax"
    np.testing.assert_allclose(reloaded.sample(4, seed=0), gan.sample(4, seed=0), atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"latent_dim": 0}, "latent_dim"),
    ({"generator_loss": "wasserstein"}, "generator_loss"),
    ({"generator": "dcgan"}, "generator"),
])
def test_bad_arguments_raise(kwargs, match):
    args = dict(generator=models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4)),
                discriminator=models.build_dcgan_discriminator(SHAPE, filters=(4, 8)), latent_dim=LATENT)
    with pytest.raises(DLCourseError, match=match):
        models.GAN(**{**args, **kwargs})


def test_builders_reject_sizes_not_divisible_by_four():
    with pytest.raises(DLCourseError, match="divisible by 4"):
        models.build_dcgan_generator(image_shape=(30, 30, 1))


_MIRRORED = textwrap.dedent("""
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras, numpy as np
    from dlcourse import models
    x = np.random.default_rng(0).uniform(size=(32, 8, 8, 1)).astype("float32")
    def run(strategy, cls, **kwargs):
        with strategy.scope():
            keras.utils.set_random_seed(0)
            gan = cls(models.build_dcgan_generator(16, (8, 8, 1), filters=(8, 4)),
                      models.build_dcgan_discriminator((8, 8, 1), filters=(4, 8)), 16, seed=1, **kwargs)
            gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
        history = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0).history
        return gan, history
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])  # One: a second one clashes.
    for cls, kwargs in ((models.GAN, {}), (models.WGANGP, {"n_critic": 1})):
        one, h1 = run(tf.distribute.get_strategy(), cls, **kwargs)
        two, h2 = run(mirrored, cls, **kwargs)
        weights = max(float(np.max(np.abs(a - b))) for a, b in zip(one.get_weights(), two.get_weights()))
        print(weights, max(abs(h1[k][0] - h2[k][0]) for k in h1))
""")


@pytest.mark.slow
def test_mirrored_strategy_trains_like_one_device():
    # Noise drawn for the global batch and losses divided by the replica count: two
    # replicas take the same step as one device (a hand-written mean would double it).
    out = run_python(_MIRRORED, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [list(map(float, line.split())) for line in out.stdout.strip().splitlines()[-2:]]
    assert len(rows) == 2
    for weight_diff, log_diff in rows:
        assert weight_diff < 1e-5 and log_diff < 1e-5
