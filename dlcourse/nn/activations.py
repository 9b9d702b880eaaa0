"""Activation functions with their derivatives written out. Mirrors `keras.activations`.

Each activation is a small object with two methods, both plain numpy (float64 in,
float64 out), so a student can read every line of the forward and backward pass:

    value(x)        the activation, applied elementwise
    derivative(x)   d value / d x, elementwise
    vjp(x, g)       the vector-Jacobian product g * derivative(x) that backprop needs

The formulas, with s(x) = 1 / (1 + exp(-x)):

    linear(x)      = x                         derivative = 1
    sigmoid(x)     = s(x)                      derivative = s(x) * (1 - s(x))
    tanh(x)        = tanh(x)                   derivative = 1 - tanh(x)**2
    relu(x)        = max(0, x)                 derivative = 1 if x > 0 else 0
    leaky_relu(x)  = x if x > 0 else a * x     derivative = 1 if x > 0 else a
    elu(x)         = x if x > 0 else a * (exp(x) - 1)
                                               derivative = 1 if x > 0 else a * exp(x)
    swish(x)       = x * s(x)                  derivative = s(x) + x * s(x) * (1 - s(x))

At the kinks (x == 0) we take the derivative from the left, as TensorFlow's gradients
do. Softmax is not elementwise; it lives in `softmax.py` with its Jacobian.
`leaky_relu` uses `negative_slope=0.2` and `elu` uses `alpha=1.0`, the defaults of
`keras.activations.leaky_relu` and `keras.activations.elu`.

Example:

    act = activations.get("tanh")
    act.value(np.array([0.5])), act.derivative(np.array([0.5]))
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.nn.softmax import Softmax


def _sigmoid(x):
    # Two branches so exp never overflows: exp(-x) for x >= 0, exp(x) for x < 0.
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    out[~positive] = exp_x / (1.0 + exp_x)
    return out


class _Elementwise:
    """Shared plumbing: float64 conversion and the elementwise vjp."""

    name = "elementwise"

    def __call__(self, x):
        return self.value(x)

    def vjp(self, x, upstream):
        """Backprop through the activation: upstream * derivative(x)."""
        return np.asarray(upstream, dtype=np.float64) * self.derivative(x)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(_Elementwise):
    """linear(x) = x. Mirrors `keras.activations.linear`."""

    name = "linear"

    def value(self, x):
        return np.array(x, dtype=np.float64)

    def derivative(self, x):
        return np.ones_like(np.asarray(x, dtype=np.float64))


class Sigmoid(_Elementwise):
    """sigmoid(x) = 1 / (1 + exp(-x)). Mirrors `keras.activations.sigmoid`."""

    name = "sigmoid"

    def value(self, x):
        return _sigmoid(np.asarray(x, dtype=np.float64))

    def derivative(self, x):
        s = self.value(x)
        return s * (1.0 - s)


class Tanh(_Elementwise):
    """tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)). Mirrors `keras.activations.tanh`."""

    name = "tanh"

    def value(self, x):
        return np.tanh(np.asarray(x, dtype=np.float64))

    def derivative(self, x):
        t = self.value(x)
        return 1.0 - t * t


class ReLU(_Elementwise):
    """relu(x) = max(0, x). Mirrors `keras.activations.relu`."""

    name = "relu"

    def value(self, x):
        return np.maximum(np.asarray(x, dtype=np.float64), 0.0)

    def derivative(self, x):
        return (np.asarray(x, dtype=np.float64) > 0).astype(np.float64)


class LeakyReLU(_Elementwise):
    """leaky_relu(x) = x if x > 0 else negative_slope * x. Mirrors `keras.activations.leaky_relu`.

    The lecture writes max(0.01 x, x): the same function for a slope below 1, with a
    slope of 0.01 instead of Keras's 0.2, i.e. `LeakyReLU(negative_slope=0.01)`.
    (`keras.layers.LeakyReLU`'s default slope is 0.3.)

    Args:
        negative_slope: the slope for x <= 0 (Keras' default 0.2).
    """

    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        self.negative_slope = float(negative_slope)

    def value(self, x):
        x = np.asarray(x, dtype=np.float64)
        return np.where(x > 0, x, self.negative_slope * x)

    def derivative(self, x):
        return np.where(np.asarray(x, dtype=np.float64) > 0, 1.0, self.negative_slope)

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class ELU(_Elementwise):
    """elu(x) = x if x > 0 else alpha * (exp(x) - 1). Mirrors `keras.activations.elu`.

    Args:
        alpha: the negative saturation value is -alpha (Keras' default 1.0).
    """

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def value(self, x):
        x = np.asarray(x, dtype=np.float64)
        # expm1 keeps precision near 0; min() keeps exp from overflowing on the unused branch.
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def derivative(self, x):
        x = np.asarray(x, dtype=np.float64)
        return np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0)))

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"


class Swish(_Elementwise):
    """swish(x) = x * sigmoid(x). Mirrors `keras.activations.silu` (alias `swish`)."""

    name = "swish"

    def value(self, x):
        x = np.asarray(x, dtype=np.float64)
        return x * _sigmoid(x)

    def derivative(self, x):
        x = np.asarray(x, dtype=np.float64)
        s = _sigmoid(x)
        return s + x * s * (1.0 - s)


_REGISTRY = {
    "linear": Linear,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "swish": Swish,
    "silu": Swish,
    "softmax": Softmax,
}

ALL_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softmax")


def get(identifier):
    """The activation object for a name such as `"relu"` (an activation object passes through).

    Args:
        identifier: a name from `ALL_ACTIVATIONS` (or `"silu"`), or an activation object.

    Returns:
        An object with `value(x)`, `derivative(x)` and `vjp(x, upstream)`.
    """
    if hasattr(identifier, "value") and hasattr(identifier, "vjp"):
        return identifier
    key = str(identifier).lower()
    if key not in _REGISTRY:
        raise DLCourseError(
            f"Unknown activation {identifier!r}: use one of {', '.join(ALL_ACTIVATIONS)}. "
            f"Received: identifier={identifier!r}"
        )
    return _REGISTRY[key]()
