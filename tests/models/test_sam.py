"""SAMModel: one step by hand on a linear model, then fit / save / export."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.models import SAMModel, build_mlp
from dlcourse.optimizers import SGD


def _linear_model(w0):
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")(inputs)
    inner = keras.Model(inputs, outputs)
    inner.layers[-1].kernel.assign(w0)
    return inner


def test_one_step_by_hand():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)).astype("float32")
    y = rng.normal(size=(4, 1)).astype("float32")
    w0 = rng.normal(size=(3, 1)).astype("float32")
    rho, learning_rate = 0.05, 0.1

    def loss(w):
        return np.mean((x @ w - y) ** 2)

    def grad(w):
        return 2.0 / len(x) * x.T @ (x @ w - y)

    w = w0.astype("float64")
    g = grad(w)
    eps = rho * g / np.linalg.norm(g)            # ascent to the worst nearby point
    w_expected = w - learning_rate * grad(w + eps)  # descent from w with g at w + eps

    model = SAMModel(_linear_model(w0), rho=rho)
    model.compile(optimizer=SGD(learning_rate), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    np.testing.assert_allclose(model.get_weights()[0], w_expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history["loss"][0], loss(w), rtol=1e-5)
    np.testing.assert_allclose(history["perturbed_loss"][0], loss(w + eps), rtol=1e-5)
    assert history["perturbed_loss"][0] > history["loss"][0]


def test_fit_metrics_save_and_export(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(96, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    inner = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model = SAMModel(inner, rho=0.05)
    model.compile(optimizer=SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0).history
    assert set(history) == {"loss", "perturbed_loss", "accuracy"}
    assert all(np.isfinite(v).all() for v in history.values())
    assert history["loss"][-1] < history["loss"][0]

    expected = model.predict(x, verbose=0)
    path = os.path.join(tmp_path, "sam.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, SAMModel) and loaded.rho == 0.05
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)

    export_dir = os.path.join(tmp_path, "export")
    model.export(export_dir, verbose=False)
    reloaded = tf.saved_model.load(export_dir)  # keep a reference: it owns the variables
    np.testing.assert_allclose(reloaded.serve(tf.constant(x)).numpy(), expected,
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("inner, rho, message", [("mlp", 0.05, "keras.Model"), (None, 0.0, "rho")])
def test_bad_arguments_raise_dlcourse_error(inner, rho, message):
    inner = build_mlp((8, 8, 1), 10) if inner is None else inner
    with pytest.raises(DLCourseError, match=message):
        SAMModel(inner, rho=rho)
