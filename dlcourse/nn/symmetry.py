"""Why constant initialisation fails: hidden units that start equal stay equal.

If every hidden unit j of a layer has the same incoming weights W[:, j], bias b[j] and
outgoing weights V[j, :], then for every input

    h_j        = sigma(x . W[:, j] + b[j])               the same for all j
    dl/dh_j    = sum_k delta_k * V[j, k]                  the same for all j
    dl/dW[:,j] = x * sigma'(...) * dl/dh_j                the same for all j

so gradient descent moves them identically and the layer behaves like one unit,
however wide it is: the symmetry is never broken. Any random initialiser breaks it.
`symmetry_experiment` trains a small `MLP` and measures how different the hidden
units of its first hidden layer are at the end:

    max_unit_difference = max over units j, and over W[:, j], b[j], V[j, :],
                          of |unit j's weight - unit 0's weight|

Example:

    symmetry_experiment("constant")["max_unit_difference"]      # 0.0
    symmetry_experiment("glorot_uniform")["max_unit_difference"]  # ~1
"""

import numpy as np

from dlcourse.nn import initializers as _initializers
from dlcourse.nn.mlp import MLP


def _toy_data(n, features, classes, rng):
    # Labels from a random linear teacher, so there is something to learn.
    x = rng.standard_normal((n, features))
    y = np.argmax(x @ rng.standard_normal((features, classes)), axis=1)
    return x, y


def max_unit_difference(net, layer=0):
    """How far apart the hidden units of hidden layer `layer` (0 = first) are."""
    incoming = np.vstack([net.kernels[layer], net.biases[layer][None, :]])  # (inputs + 1, units)
    outgoing = net.kernels[layer + 1].T  # (next units, units)
    unit_weights = np.vstack([incoming, outgoing])  # one column per unit
    return float(np.max(np.abs(unit_weights - unit_weights[:, :1])))


def symmetry_experiment(
    initializer="constant",
    activation="tanh",
    hidden_units=16,
    steps=50,
    learning_rate=0.5,
    seed=0,
    **init_kwargs,
):
    """Train a 8-hidden_units-hidden_units-3 MLP for `steps` SGD steps; report unit symmetry.

    Args:
        initializer: kernel initialiser name or function (e.g. "constant", "glorot_uniform").
        activation: hidden activation name.
        hidden_units: width of both hidden layers.
        steps: full-batch SGD steps on 256 toy samples.
        learning_rate: SGD step size.
        seed: seeds data and weights.
        **init_kwargs: passed to the initialiser (e.g. `value=0.5` for "constant").

    Returns:
        A dict: "initializer", "max_unit_difference" (first hidden layer, after
        training), "initial_loss", "final_loss", "accuracy".
    """
    if initializer == "constant" and not init_kwargs:
        init_kwargs = {"value": 0.5}
    rng = np.random.default_rng(seed)
    x, y = _toy_data(256, 8, 3, rng)
    net = MLP(
        [8, hidden_units, hidden_units, 3],
        activation=activation,
        initializer=_initializers.get(initializer, **init_kwargs),
        seed=seed,
    )
    initial_loss = net.loss(x, y)
    for _ in range(steps):
        _, grads = net.gradients(x, y)
        net.sgd_step(grads, learning_rate)
    return {
        "initializer": getattr(initializer, "__name__", str(initializer)),
        "max_unit_difference": max_unit_difference(net, layer=0),
        "initial_loss": initial_loss,
        "final_loss": net.loss(x, y),
        "accuracy": net.accuracy(x, y),
    }
