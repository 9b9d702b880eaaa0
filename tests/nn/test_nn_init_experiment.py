"""The depth experiment: vanishing signal with small inits, stable variance with He + ReLU."""

import numpy as np

from dlcourse import nn

# 20 layers of 128 units on 256 inputs: big enough for stable statistics, about a second.
KW = {"depth": 20, "width": 128, "n": 256, "seed": 0}


def test_tanh_with_small_init_vanishes():
    # Each layer multiplies the variance by ~128 * 0.05**2 = 0.32: ~1e-10 after 20 layers.
    r = nn.activation_statistics("normal", "tanh", **KW)
    assert r["activation_variance"].shape == (20,)
    assert r["activation_variance"][-1] < 1e-6 * r["activation_variance"][0]


def test_sigmoid_with_small_init_has_vanishing_gradients():
    # sigmoid' <= 1/4: the gradient variance shrinks >= 10x per layer going down.
    r = nn.activation_statistics("normal", "sigmoid", **KW)
    assert r["gradient_variance"][0] < 1e-10 * r["gradient_variance"][-1]


def test_he_relu_keeps_variance_stable():
    r = nn.activation_statistics("he_normal", "relu", **KW)
    for key in ("activation_variance", "gradient_variance"):
        ratios = r[key] / r[key][0]
        assert np.all((ratios > 0.1) & (ratios < 10.0)), (key, ratios)


def test_glorot_relu_halves_the_variance_each_layer():
    # Glorot on square layers targets 1 / width; ReLU then halves E[h**2] per layer.
    r = nn.activation_statistics("glorot_normal", "relu", **KW)
    assert 1e-8 < r["activation_variance"][-1] / r["activation_variance"][0] < 1e-4


def test_run_and_plot(tmp_path):
    results = nn.run_init_experiment(
        initializers=("normal", "he_normal"), activations=("tanh", "relu"), depth=20, width=32, n=64
    )
    assert [(r["initializer"], r["activation"]) for r in results] == [
        ("normal", "tanh"), ("he_normal", "tanh"), ("normal", "relu"), ("he_normal", "relu"),
    ]
    path = nn.plot_init_experiment(results, tmp_path / "init.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
