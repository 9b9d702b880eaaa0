"""Neural networks from first principles: every box opened and checked against Keras.

    from dlcourse import nn
    nn.activations.get("tanh").derivative(x)          # activations with derivatives
    nn.categorical_crossentropy(y, logits, from_logits=True)
    net = nn.MLP([784, 64, 32, 10], activation="relu", seed=0)   # hand-written backprop
    nn.gradient_check(lambda: net.loss(x, y), net.params, net.gradients(x, y)[1])
    nn.initializers.get("he_normal")((64, 32), rng)
    nn.plot_init_experiment(nn.run_init_experiment(depth=20), "init.png")
    nn.symmetry_experiment("constant")

Everything here is numpy float64, so each line of a forward or backward pass can be
read and printed; the tests compare it with `keras.activations`, `keras.losses`,
`keras.initializers` and `tf.GradientTape`.
"""

from dlcourse.nn import activations, initializers
from dlcourse.nn.activations import ELU, LeakyReLU, Linear, ReLU, Sigmoid, Swish, Tanh
from dlcourse.nn.gradcheck import THRESHOLD, gradient_check, numerical_gradient, relative_error
from dlcourse.nn.init_experiment import activation_statistics, plot_init_experiment, run_init_experiment
from dlcourse.nn.losses import (
    categorical_crossentropy,
    mean_squared_error,
    mean_squared_error_gradient,
    negative_log_likelihood,
    softmax_crossentropy_gradient,
    sparse_categorical_crossentropy,
    zero_one_loss,
)
from dlcourse.nn.margin_losses import (
    margin_logistic_loss,
    margin_logistic_loss_gradient,
    perceptron_loss,
    perceptron_loss_gradient,
)
from dlcourse.nn.mlp import MLP
from dlcourse.nn.regularization import penalty, penalty_gradient, regularized_risk
from dlcourse.nn.softmax import Softmax
from dlcourse.nn.symmetry import max_unit_difference, symmetry_experiment

__all__ = [
    "activations",
    "initializers",
    "Linear",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Swish",
    "Softmax",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "softmax_crossentropy_gradient",
    "negative_log_likelihood",
    "mean_squared_error",
    "mean_squared_error_gradient",
    "zero_one_loss",
    "perceptron_loss",
    "perceptron_loss_gradient",
    "margin_logistic_loss",
    "margin_logistic_loss_gradient",
    "penalty",
    "penalty_gradient",
    "regularized_risk",
    "MLP",
    "numerical_gradient",
    "gradient_check",
    "relative_error",
    "THRESHOLD",
    "activation_statistics",
    "run_init_experiment",
    "plot_init_experiment",
    "symmetry_experiment",
    "max_unit_difference",
]
