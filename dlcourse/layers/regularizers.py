"""L1, L2 and L1L2 weight penalties. Mirror `keras.regularizers.L1`, `L2`, `L1L2`.

A regulariser maps a weight tensor `w` to a scalar added to the training loss
(Keras collects them in `model.losses` and `fit` adds them):

    L1(l1)(w)      = l1 * sum(|w|)              # pushes weights to exactly 0 (sparsity)
    L2(l2)(w)      = l2 * sum(w**2)             # shrinks weights towards 0
    L1L2(l1, l2)(w) = L1(l1)(w) + L2(l2)(w)       # "elastic net"

Keras's L2 has no 1/2: its gradient is `2 * l2 * w`. The lecture's penalty
`lam / 2 * ||w||**2` (gradient `lam * w`) is `L2(lam / 2)`. See
`dlcourse.studies.weight_decay_vs_l2` for how an L2 penalty relates to weight decay.

Use: `Dense(64, kernel_regularizer=L2(1e-4))`.
"""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError


def _check(name, value):
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise DLCourseError(f"`{name}` must be a finite number >= 0. Received: {name}={value}")
    return value


@keras.saving.register_keras_serializable(package="dlcourse")
class L1(keras.regularizers.Regularizer):
    """L1 penalty `l1 * sum(|w|)`. Mirrors `keras.regularizers.L1`.

    Args:
        l1: penalty strength, >= 0.

    Returns (when called on `w`):
        A scalar tensor.
    """

    def __init__(self, l1=0.01):
        self.l1 = _check("l1", l1)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(x))

    def get_config(self):
        return {"l1": self.l1}


@keras.saving.register_keras_serializable(package="dlcourse")
class L2(keras.regularizers.Regularizer):
    """L2 penalty `l2 * sum(w**2)` (no 1/2). Mirrors `keras.regularizers.L2`.

    We follow Keras, not the lecture's `lam / 2 * sum(w**2)`: that one is `L2(lam / 2)`.

    Args:
        l2: penalty strength, >= 0.

    Returns (when called on `w`):
        A scalar tensor.
    """

    def __init__(self, l2=0.01):
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


@keras.saving.register_keras_serializable(package="dlcourse")
class L1L2(keras.regularizers.Regularizer):
    """Both penalties, `l1 * sum(|w|) + l2 * sum(w**2)`. Mirrors `keras.regularizers.L1L2`.

    Args:
        l1: L1 strength, >= 0.
        l2: L2 strength, >= 0.

    Returns (when called on `w`):
        A scalar tensor.
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check("l1", l1)
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        penalty = ops.convert_to_tensor(0.0, dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}
