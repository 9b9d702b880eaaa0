"""GradientNormMonitor: hand-computed norms on a linear model, vanishing layers
flagged in a deep sigmoid net, exploding ones with huge weights, none in a normal net."""

import keras
import numpy as np
import pytest

from dlcourse import callbacks
from dlcourse.errors import DLCourseError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 8)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def _mlp(depth, activation, units=16, initializer="glorot_uniform"):
    keras.utils.set_random_seed(0)
    layers = [keras.Input((8,))]
    layers += [keras.layers.Dense(units, activation=activation, kernel_initializer=initializer)
               for _ in range(depth)]
    layers += [keras.layers.Dense(1, activation="sigmoid")]
    model = keras.Sequential(layers)
    model.compile(keras.optimizers.SGD(0.01), "binary_crossentropy")
    return model


def test_norms_match_hand_computed_linear_regression():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, name="linear")])
    model.compile("sgd", "mse")
    monitor = callbacks.GradientNormMonitor(X, Y)
    monitor.set_model(model)
    kernel, bias = model.get_weights()
    residual = X @ kernel + bias - Y  # d mean(r^2) / dW = 2/N X^T r, / db = 2/N sum r
    expected = np.sqrt(np.sum((2 / len(X) * X.T @ residual) ** 2)
                       + np.sum((2 / len(X) * residual.sum(0)) ** 2))
    assert monitor.layer_gradient_norms()["linear"] == pytest.approx(expected, rel=1e-5)


def test_deep_sigmoid_net_flags_vanishing_layers(capsys):
    model = _mlp(depth=15, activation="sigmoid")
    monitor = callbacks.GradientNormMonitor(X, Y, every=1)
    history = model.fit(X, Y, epochs=2, batch_size=64, verbose=0, callbacks=[monitor])
    first, last = model.layers[0].name, model.layers[-1].name
    assert monitor.epochs == [0, 1]
    assert len(monitor.history[first]) == 2
    assert history.history[f"grad_norm/{first}"] == monitor.history[first]
    assert monitor.history[first][-1] < 1e-7 < 1e-3 < monitor.history[last][-1]
    vanishing = {f["layer"] for f in monitor.flags if f["kind"] == "vanishing"}
    assert first in vanishing and last not in vanishing
    assert all(f["kind"] == "vanishing" for f in monitor.flags)
    assert "vanishing gradients" in capsys.readouterr().out


def test_normal_net_has_no_flags(capsys):
    model = _mlp(depth=2, activation="relu")
    monitor = callbacks.GradientNormMonitor(X, Y, every=2)
    model.fit(X, Y, epochs=4, batch_size=32, verbose=0, callbacks=[monitor])
    assert monitor.epochs == [1, 3]
    assert set(monitor.history) == {layer.name for layer in model.layers}
    assert monitor.flags == []
    assert all(1e-7 < n < 1e3 for norms in monitor.history.values() for n in norms)
    assert "GradientNormMonitor" not in capsys.readouterr().out


def test_huge_weights_flag_exploding_layers():
    huge = keras.initializers.RandomNormal(stddev=20.0)
    model = _mlp(depth=4, activation="linear", initializer=huge)
    monitor = callbacks.GradientNormMonitor(X, Y, high=1e3)
    monitor.set_model(model)
    monitor.on_epoch_end(0, {})
    assert any(f["kind"] == "exploding" for f in monitor.flags)


def test_needs_a_compiled_model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    monitor = callbacks.GradientNormMonitor(X, Y)
    monitor.set_model(model)
    with pytest.raises(DLCourseError, match="compile"):
        monitor.on_train_begin()
    with pytest.raises(DLCourseError, match="low"):
        callbacks.GradientNormMonitor(X, Y, low=1.0, high=0.5)
