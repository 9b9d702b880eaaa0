"""The modern recipe: AdamW, global-norm clipping, warm-up, cosine to 0.1, He init, all in effect."""

import keras
import numpy as np
import pytest

from dlcourse import data, optimizers
from dlcourse._compat import learning_rate_value
from dlcourse.training import build_model, make_config, recipes_modern


def _compiled(recipe, dataset="digits"):
    """The model and optimizer exactly as the runner builds them for `recipe` on digits."""
    config = make_config(recipe, dataset)
    info = data.info(dataset)
    steps_per_epoch = -(-info.num_examples["train"] // config.batch_size)
    model = build_model(config, info, steps_per_epoch)
    return config, model, steps_per_epoch * config.epochs


@pytest.mark.parametrize("recipe", ["mlp_modern", "cnn_modern"])
def test_optimizer_decay_clipping_and_schedule_are_in_effect(recipe):
    config, model, total = _compiled(recipe)
    opt = model.optimizer
    assert isinstance(opt, optimizers.AdamW) and isinstance(opt, keras.optimizers.Optimizer)
    assert opt.weight_decay == pytest.approx(recipes_modern.WEIGHT_DECAY)
    assert opt.global_clipnorm == pytest.approx(recipes_modern.CLIP_NORM) and opt.clipnorm is None
    schedule, peak, warmup = learning_rate_value(opt), config.learning_rate, config.warmup_steps
    rate = lambda step: float(schedule(step))
    assert rate(0) == 0.0  # the warm-up starts from 0
    # End of warm-up: the cosine (on the same clock) just under the peak.
    cosine = lambda t: peak * ((1 - 0.1) * 0.5 * (1 + np.cos(np.pi * t / total)) + 0.1)
    assert rate(warmup) == pytest.approx(cosine(warmup), rel=1e-5) and 0.98 * peak < rate(warmup) < peak
    assert rate(warmup // 2) == pytest.approx(0.5 * cosine(warmup // 2), rel=1e-5)
    assert rate(total) == pytest.approx(recipes_modern.FLOOR * peak, rel=1e-5)  # 0.1 of the peak
    assert 0 < warmup < 0.1 * total


def test_hidden_kernels_are_he_normal_with_the_fan_in_std():
    _, model, _ = _compiled("mlp_modern", "fashion_mnist")
    for name, fan_in in (("hidden_1", 784), ("hidden_2", 64)):
        layer = model.get_layer(name)
        assert isinstance(layer.kernel_initializer, keras.initializers.HeNormal)
        # He: std sqrt(2 / fan_in); Glorot would be sqrt(2 / (fan_in + fan_out)), 23 % less for hidden_2.
        std = float(np.std(layer.kernel.numpy()))
        assert std == pytest.approx(np.sqrt(2.0 / fan_in), rel=0.06), name
    _, cnn, _ = _compiled("cnn_modern")
    assert isinstance(cnn.get_layer("conv_1").kernel_initializer, keras.initializers.HeNormal)


def test_modern_recipe_trains_one_step_with_a_finite_loss():
    _, model, _ = _compiled("mlp_modern")
    x = np.random.default_rng(0).uniform(size=(32, 8, 8, 1)).astype("float32")
    y = np.arange(32) % 10
    before = model.get_layer("hidden_1").kernel.numpy().copy()
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and int(model.optimizer.iterations) == 2
    # Step 0 has rate 0 (warm-up): only the second step moves the weights.
    assert not np.allclose(model.get_layer("hidden_1").kernel.numpy(), before)
