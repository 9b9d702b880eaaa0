"""The regularised empirical risk: mean loss plus L1 and L2 penalties on the weights.

For per-sample losses l_i and weight arrays W_1 ... W_K:

    risk     = mean_i(l_i) + l1 * sum_k sum(|W_k|) + l2 * sum_k sum(W_k**2)
    d penalty / d W = l1 * sign(W) + 2 * l2 * W

The penalty is exactly what `keras.regularizers.L1L2(l1=l1, l2=l2)` adds to the loss
for each kernel it is attached to (note: no factor 1/2 in front of the L2 term, so its
gradient carries the 2). Biases are conventionally left out: pass only kernels.
L2 pulls every weight towards zero in proportion to its size (weight decay); L1 pulls
by a constant amount and so drives small weights to exactly zero (sparsity).

Example:

    risk = regularized_risk(losses, [w1, w2], l1=0.0, l2=1e-4)
"""

import numpy as np

from dlcourse.errors import DLCourseError


def _check_strengths(l1, l2):
    if l1 < 0 or l2 < 0:
        raise DLCourseError(
            f"Penalty strengths must be >= 0 (use 0 to switch one off). Received: l1={l1}, l2={l2}"
        )


def penalty(weights, l1=0.0, l2=0.0):
    """l1 * sum(|W|) + l2 * sum(W**2), summed over every array in `weights`.

    Args:
        weights: a list of arrays (kernels).
        l1: L1 strength, >= 0.
        l2: L2 strength, >= 0.

    Returns:
        A float.
    """
    _check_strengths(l1, l2)
    total = 0.0
    for w in weights:
        w = np.asarray(w, dtype=np.float64)
        total += l1 * np.sum(np.abs(w)) + l2 * np.sum(w * w)
    return float(total)


def penalty_gradient(weights, l1=0.0, l2=0.0):
    """d penalty / d W = l1 * sign(W) + 2 * l2 * W for each array (sign(0) = 0)."""
    _check_strengths(l1, l2)
    return [
        l1 * np.sign(np.asarray(w, dtype=np.float64)) + 2.0 * l2 * np.asarray(w, dtype=np.float64)
        for w in weights
    ]


def regularized_risk(losses, weights, l1=0.0, l2=0.0):
    """mean(losses) + penalty(weights, l1, l2): the quantity training minimises.

    Args:
        losses: per-sample losses, shape (batch,) (e.g. from `categorical_crossentropy`).
        weights: a list of weight arrays to penalise.
        l1: L1 strength, >= 0.
        l2: L2 strength, >= 0.

    Returns:
        A float.
    """
    losses = np.asarray(losses, dtype=np.float64)
    if losses.size == 0:
        raise DLCourseError("`losses` is empty: pass one loss per sample. Received: losses.size=0")
    return float(np.mean(losses)) + penalty(weights, l1=l1, l2=l2)
