"""Gradients and Hessians by automatic differentiation (`tf.GradientTape`, float64).

For a scalar function `f` of a vector `x` (a 1-D float64 tensor):

    g = df/dx                     one tape:    tape.gradient(f, x)
    H = d(df/dx)/dx               nested tapes: outer.jacobian(inner.gradient(f, x), x)

`Oracle(fun)` compiles these once with `tf.function`, so an optimiser loop pays one
graph call per iteration; it takes and returns numpy arrays.

Example:

    oracle = Oracle(lambda x: tf.reduce_sum(x ** 2))
    f, g, H = oracle.value_gradient_hessian(np.array([1.0, 2.0]))   # 5, [2, 4], 2 I
"""

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError


def _scalar(fun, x):
    """`fun(x)` as a float64 scalar tensor, or a clear error if it is not a scalar."""
    value = tf.convert_to_tensor(fun(x))
    if value.shape.rank is not None and value.shape.num_elements() != 1:
        raise DLCourseError(
            f"`fun` must return a scalar tensor. Received: a tensor of shape {value.shape}; "
            "reduce it, e.g. with tf.reduce_sum."
        )
    return tf.reshape(tf.cast(value, tf.float64), [])


def value_and_gradient(fun, x):
    """`(f(x), df/dx)` for a 1-D float64 tensor `x`, by one gradient tape."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = _scalar(fun, x)
    grad = tape.gradient(value, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return value, grad


def value_gradient_hessian(fun, x, use_pfor=True):
    """`(f(x), df/dx, d2f/dx2)` for a 1-D float64 tensor `x`, by two nested tapes.

    `use_pfor=False` differentiates the gradient one entry at a time (cheaper eagerly).
    """
    with tf.GradientTape(persistent=not use_pfor) as outer:
        outer.watch(x)
        value, grad = value_and_gradient(fun, x)
    hess = outer.jacobian(
        grad, x, unconnected_gradients=tf.UnconnectedGradients.ZERO, experimental_use_pfor=use_pfor
    )
    return value, grad, hess


def as_point(x, name="x0"):
    """`x` as a 1-D finite float64 numpy array, or a one-line error saying what is wrong."""
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise DLCourseError(f"`{name}` must be a 1-D array of numbers. Received: {x!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise DLCourseError(
            f"`{name}` must be a non-empty 1-D array, e.g. [-1.2, 1.0]. "
            f"Received: shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise DLCourseError(f"`{name}` must be finite. Received: {array.tolist()}")
    return array


_GRAPH_AFTER = 3
_XLA_AFTER = 500


class Oracle:
    """Compiled value, gradient and Hessian of `fun`, called on and returning numpy.

    Three tiers, per quantity and input size, so that each call costs what it should:
    the first `_GRAPH_AFTER` calls run eagerly (no tracing: one-off evaluations stay
    cheap); then a concrete graph function is traced once; a value or gradient asked
    for `_XLA_AFTER` times (a long gradient-descent run) is recompiled with XLA, which
    halves the cost of a call (to about 0.1 ms here) for a fraction of a second of
    compiling.

    Args:
        fun: a Python callable taking a 1-D float64 tensor and returning a scalar tensor.
    """

    def __init__(self, fun):
        if not callable(fun):
            raise DLCourseError(f"`fun` must be callable. Received: {type(fun).__name__}")
        self.fun = fun
        self._graphs = {}
        self._counts = {}
        self.calls = {"value": 0, "gradient": 0, "hessian": 0}

    def _run(self, kind, x):
        key = (kind, x.shape[0])
        count = self._counts.get(key, 0)
        self._counts[key] = count + 1
        self.calls[kind] += 1
        if count < _GRAPH_AFTER:  # A few calls: eager is cheaper than tracing.
            return self._bodies(eager=True)[kind](tf.constant(x, tf.float64))
        if count == _GRAPH_AFTER or (count == _XLA_AFTER and kind != "hessian"):
            self._graphs[key] = self._compile(kind, x.shape[0], xla=count == _XLA_AFTER)
        return self._graphs[key](tf.constant(x, tf.float64))

    def _bodies(self, eager=False):
        fun = self.fun
        return {
            "value": lambda x: _scalar(fun, x),
            "gradient": lambda x: value_and_gradient(fun, x),
            "hessian": lambda x: value_gradient_hessian(fun, x, use_pfor=not eager),
        }

    def _compile(self, kind, n, xla=False):
        body = self._bodies()[kind]
        spec = tf.TensorSpec([n], tf.float64)
        plain = tf.function(body, autograph=False).get_concrete_function
        if not xla:
            return plain(spec)
        try:
            graph = tf.function(body, jit_compile=True, autograph=False).get_concrete_function(spec)
            graph(tf.zeros([n], tf.float64))  # XLA compiles on the first call.
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
            graph = plain(spec)
        return graph

    def value(self, x):
        """f(x) as a float."""
        return float(self._run("value", x))

    def value_and_gradient(self, x):
        """(f(x), gradient) as (float, array of shape (n,))."""
        value, grad = self._run("gradient", x)
        return float(value), grad.numpy()

    def value_gradient_hessian(self, x):
        """(f(x), gradient, Hessian) as (float, (n,), (n, n))."""
        value, grad, hess = self._run("hessian", x)
        return float(value), grad.numpy(), hess.numpy()


def oracle_for(fun):
    """The `Oracle` of `fun`, compiled once and kept on the function object when it can be."""
    oracle = getattr(fun, "_dlcourse_oracle", None)
    if oracle is None:
        oracle = Oracle(fun)
        try:
            fun._dlcourse_oracle = oracle
        except (AttributeError, TypeError):  # Builtins and bound methods: compile afresh.
            pass
    return oracle


def gradient(fun, x):
    """The gradient of `fun` at `x` (numpy, float64), by `tf.GradientTape`."""
    return oracle_for(fun).value_and_gradient(as_point(x, "x"))[1]


def hessian(fun, x):
    """The Hessian of `fun` at `x` (numpy (n, n), float64), by nested gradient tapes."""
    return oracle_for(fun).value_gradient_hessian(as_point(x, "x"))[2]
