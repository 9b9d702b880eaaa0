"""Weight decay vs an L2 penalty: the same for SGD, different for Adam.

With the penalty `lam / 2 * ||w||**2` added to the loss (`L2(lam / 2)` in Keras
terms), the gradient gains `lam * w`. Plain SGD then takes

    w = w - learning_rate * (g + lam * w)
      = (1 - learning_rate * lam) * w - learning_rate * g

which is decoupled weight decay with per-step factor `learning_rate * lam`, i.e.
Keras `SGD(weight_decay=lam)` (Keras decays `w -= learning_rate * weight_decay * w`).
So the two trajectories coincide.

Adam divides the gradient by `sqrt(v)`, so the penalty's `lam * w` gets divided
too: weights with large gradients are barely regularised. AdamW (Loshchilov &
Hutter 2019) decays the weights outside the adaptive step,

    w = w - learning_rate * lam * w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

and the two trajectories part ways. `weight_decay_vs_l2` runs all four on a small
least-squares problem and returns how far apart they get.

Reference: I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization",
ICLR 2019, Sec. 2 (Propositions 1 and 2).
"""

import keras
import numpy as np
from keras import ops

from dlcourse.errors import DLCourseError


def weight_decay_vs_l2(l2=0.1, learning_rate=0.05, steps=50, seed=0):
    """Compare L2-penalised and weight-decayed training, for SGD and for Adam.

    Problem: least squares `loss(w) = mean((X @ w - y)**2) / 2` with X (64, 8),
    gradient `g = X.T @ (X @ w - y) / 64`, all four runs from the same `w0`.

    Args:
        l2: `lam`, the penalty `lam / 2 * ||w||**2` and the matched weight decay.
        learning_rate: step size shared by all four optimisers.
        steps: number of updates.
        seed: seed for the data and `w0`.

    Returns:
        A dict: `sgd_max_difference` (max |w_L2 - w_decay| over all steps and
        weights, SGD; ~0 up to float32 rounding), `adam_max_difference` (the
        same for Adam+L2 vs AdamW; clearly > 0), the four final weight vectors
        (`final_weights`), and the arguments.

    Example:
        >>> result = weight_decay_vs_l2()
        >>> result["sgd_max_difference"] < 1e-5 < result["adam_max_difference"]
        True
    """
    if l2 <= 0 or learning_rate <= 0 or int(steps) < 1:
        raise DLCourseError(
            "`l2`, `learning_rate` and `steps` must be positive. "
            f"Received: l2={l2}, learning_rate={learning_rate}, steps={steps}"
        )
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 8))
    # Features on very different scales make Adam's per-weight step sizes differ.
    x *= np.logspace(-1, 0.5, 8)
    y = x @ rng.normal(size=8) + 0.1 * rng.normal(size=64)
    w0 = rng.normal(size=8)

    runs = {
        "sgd_l2": (keras.optimizers.SGD(learning_rate), l2),
        "sgd_weight_decay": (keras.optimizers.SGD(learning_rate, weight_decay=l2), 0.0),
        "adam_l2": (keras.optimizers.Adam(learning_rate), l2),
        "adamw": (keras.optimizers.AdamW(learning_rate, weight_decay=l2), 0.0),
    }
    paths = {name: _trajectory(opt, penalty, x, y, w0, int(steps)) for name, (opt, penalty) in runs.items()}
    return {
        "sgd_max_difference": float(np.max(np.abs(paths["sgd_l2"] - paths["sgd_weight_decay"]))),
        "adam_max_difference": float(np.max(np.abs(paths["adam_l2"] - paths["adamw"]))),
        "final_weights": {name: path[-1].tolist() for name, path in paths.items()},
        "l2": float(l2),
        "learning_rate": float(learning_rate),
        "steps": int(steps),
    }


def _trajectory(optimizer, penalty, x, y, w0, steps):
    """Weights after each of `steps` updates; `penalty * w` is the L2 gradient term."""
    w = keras.Variable(w0.astype("float32"), name="w")
    path = []
    for _ in range(steps):
        current = ops.convert_to_numpy(w).astype("float64")
        grad = x.T @ (x @ current - y) / len(y) + penalty * current
        optimizer.apply([ops.convert_to_tensor(grad.astype("float32"))], [w])
        path.append(ops.convert_to_numpy(w).copy())
    return np.stack(path)  # (steps, 8)
