"""Shared problem for the optimiser contract tests: a tiny MLP least-squares fit."""

import numpy as np

import keras
import tensorflow as tf

_RNG = np.random.default_rng(0)
X = _RNG.normal(size=(32, 5)).astype("float32")
Y = (np.sin(X @ _RNG.normal(size=(5, 1))) + 0.1 * _RNG.normal(size=(32, 1))).astype("float32")


def initial_weights(seed=0):
    """Numpy weights of a 5-8-1 tanh MLP, identical for every call with the same seed."""
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=0.5, size=(5, 8)).astype("float32"),
            rng.normal(scale=0.1, size=(8,)).astype("float32"),
            rng.normal(scale=0.5, size=(8, 1)).astype("float32"),
            np.zeros((1,), "float32")]


def mlp_loss(variables):
    w1, b1, w2, b2 = variables
    hidden = keras.ops.tanh(keras.ops.matmul(X, w1) + b1)
    return keras.ops.mean(keras.ops.square(keras.ops.matmul(hidden, w2) + b2 - Y))


def run_trajectory(optimizer, steps, weights=None, loss_fn=mlp_loss):
    """Apply `steps` updates from `weights`; return the weights after each step."""
    weights = initial_weights() if weights is None else weights
    variables = [keras.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.build(variables)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(variables)
        optimizer.apply(tape.gradient(loss, variables), variables)
        return [v.value for v in variables]

    return [[w.numpy() for w in step()] for _ in range(steps)]




# A separable quadratic 0.5 * sum(a * (w - c)**2) with a numpy gradient, for the
# hand-computed (paper-formula) checks of the optimisers that have no Keras twin.
QUAD_A = np.array([0.5, 1.0, 2.0, 4.0], "float64")
QUAD_C = np.array([1.0, -2.0, 0.5, 3.0], "float64")
QUAD_START = np.array([0.3, 0.1, -0.4, 0.2], "float32")


def quadratic_loss(variables):
    (w,) = variables
    return 0.5 * keras.ops.sum(QUAD_A.astype("float32") * keras.ops.square(w - QUAD_C.astype("float32")))


def quadratic_gradient(w):
    return QUAD_A * (w - QUAD_C)


def run_quadratic(optimizer, steps):
    """Weights (float64 array, one row per step) of `optimizer` on the quadratic."""
    history = run_trajectory(optimizer, steps, weights=[QUAD_START.copy()], loss_fn=quadratic_loss)
    return np.array([step[0] for step in history], "float64")


def radam_reference_step(w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, threshold=5.0):
    """Step `t` (from 1) of RAdam, Liu et al. 2019, Algorithm 2, in float64 numpy (epsilon
    added to the corrected sqrt(v), as PyTorch). Returns `(w, m, v, rectified)`."""
    rho_inf = 2.0 / (1.0 - beta_2) - 1.0
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1**t)
    rho_t = rho_inf - 2 * t * beta_2**t / (1 - beta_2**t)
    if rho_t > threshold:
        v_hat = np.sqrt(v / (1 - beta_2**t))
        r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return w - learning_rate * r * m_hat / (v_hat + epsilon), m, v, True
    return w - learning_rate * m_hat, m, v, False
