"""AdversarialModel: its train_step's loss, metrics, save/reload, robustness, and the recipe."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import interpret, training
from dlcourse.errors import DLCourseError
from dlcourse.interpret.attacks import loss_function, pgd_tensor

METRICS = {"loss", "accuracy", "adversarial_loss", "adversarial_accuracy"}


def _plain_cnn(seed=0):
    # No BatchNorm or Dropout: training and inference compute the same function.
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.Dense(10, name="logits")(keras.layers.Flatten()(x))
    return keras.Model(inputs, keras.layers.Activation("softmax")(x))


def _compiled(inner, **kwargs):
    model = interpret.AdversarialModel(inner, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("weight", [0.0, 0.3, 1.0])
def test_the_logged_loss_mixes_clean_and_pgd_losses(digits, weight):
    x, y = digits[0][:32], digits[1][:32]
    inner = _plain_cnn()
    model = _compiled(inner, eps=0.1, steps=3, adversarial_weight=weight, seed=7)
    # The attack of step 0: PGD from the stateless seed (7, 0), on the weights before the step.
    x_adv = pgd_tensor(loss_function(inner), tf.constant(x), tf.constant(y), 0.1, 3, 2.5 * 0.1 / 3,
                       tf.constant([7, 0], tf.int32))
    ce = lambda images: float(np.mean(keras.losses.sparse_categorical_crossentropy(y, inner(images))))  # noqa: E731
    expected = (1 - weight) * ce(x) + weight * ce(x_adv)
    logs = model.train_on_batch(x, y, return_dict=True)  # SGD(0): the weights do not move.
    assert set(logs) == METRICS
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)
    assert logs["adversarial_loss"] == pytest.approx(ce(x_adv), rel=1e-5)
    assert logs["adversarial_loss"] > ce(x)  # The attack found worse inputs.


def test_adversarial_training_raises_robust_accuracy(digits):
    x_train, y_train, x_test, y_test = digits
    eps = 0.1
    accuracies = {}
    for name in ("plain", "adversarial"):
        inner = _plain_cnn(seed=1)
        model = inner if name == "plain" else interpret.AdversarialModel(inner, eps=eps, steps=3)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x_train, y_train, epochs=6, batch_size=64, verbose=0).history
        assert all(np.isfinite(v).all() for v in history.values())
        adversarial = interpret.pgd(inner, x_test, y_test, eps, steps=10)
        accuracies[name] = (interpret.accuracy(inner, x_test, y_test), interpret.accuracy(inner, adversarial, y_test))
    (_, plain_robust), (adv_clean, adv_robust) = accuracies["plain"], accuracies["adversarial"]
    assert adv_robust > plain_robust + 0.2, accuracies
    assert adv_clean > 0.8, accuracies  # The clean accuracy pays a little, not all.


def test_save_and_reload_round_trip(digits, tmp_path):
    model = _compiled(_plain_cnn(), eps=0.05, steps=2, adversarial_weight=0.7, seed=3)
    model.fit(digits[0][:64], digits[1][:64], epochs=1, verbose=0)
    model.save(tmp_path / "adversarial.keras")
    reloaded = keras.models.load_model(tmp_path / "adversarial.keras")
    assert isinstance(reloaded, interpret.AdversarialModel)
    assert (reloaded.eps, reloaded.steps, reloaded.adversarial_weight, reloaded.seed) == (0.05, 2, 0.7, 3)
    np.testing.assert_allclose(reloaded.predict(digits[2][:8], verbose=0), model.predict(digits[2][:8], verbose=0),
                               atol=1e-6)


def test_bad_settings_raise_one_line():
    with pytest.raises(DLCourseError, match="eps"):
        interpret.AdversarialModel(_plain_cnn(), eps=0.0)
    with pytest.raises(DLCourseError, match="keras.Model"):
        interpret.AdversarialModel("cnn")


def test_the_recipe_trains_through_the_runner_and_exports_a_float_endpoint(tmp_path):
    config = training.make_config("cnn_fast_adversarial", "digits", epochs=1, batch_size=64, warmup_steps=0, run_dir=str(tmp_path / "run"),
                                  export_dir=str(tmp_path / "export"))
    result = training.train(config, verbose=0)
    assert isinstance(result.model, interpret.AdversarialModel)
    assert METRICS <= set(result.history) and len(result.history["loss"]) == 1
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert 0.0 <= metrics["test_accuracy"] <= 1.0
    classifier = interpret.load_classifier(tmp_path / "export")
    images = np.random.default_rng(0).uniform(size=(4, 8, 8, 1)).astype(np.float32)
    np.testing.assert_allclose(classifier(images), result.model.predict(images, verbose=0), atol=1e-5)
    # Running the finished run again resumes it (weights loaded before any call), trains no more.
    again = training.train(dataclasses.replace(config, export_dir=None), verbose=0)
    np.testing.assert_allclose(again.model.predict(images, verbose=0), result.model.predict(images, verbose=0), atol=1e-6)
