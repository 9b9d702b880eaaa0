"""Test functions for optimisation, each a callable on a 1-D float64 tensor.

Calling `f(x)` with a tensor gives a scalar tensor (what `minimize` and the tapes use);
`f.value(x)`, `f.gradient(x)`, `f.hessian(x)` take and return numpy, computed by
`tf.GradientTape` in float64. `f.minimizers` is an array (k, n) of the known global or
local minimisers (empty where there is none); `f.saddles` likewise.

    Quadratic     f = 0.5 * x^T A x - b^T x, A = diag(linspace(1, condition_number, dim))
    Rosenbrock    f = (a - x)^2 + b * (y - x^2)^2                   minimum (a, a^2)
    Himmelblau    f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2            four minima, f = 0
    Saddle        f = x^2 - y^2                                     saddle at 0, no minimum
    Plateau       f = 1 - exp(-(x^2 + y^2) / (2 * width^2))         flat far from 0
"""

import numpy as np
import tensorflow as tf

from dlcourse.classic.derivatives import as_point, oracle_for
from dlcourse.errors import DLCourseError


class TestFunction:
    """Numpy conveniences shared by the test functions (subclasses define `__call__`)."""

    __test__ = False  # Not a pytest class, despite the name.
    dim = 2
    minimizers = np.zeros((0, 2))
    saddles = np.zeros((0, 2))

    def _point(self, x):
        x = as_point(x, "x")
        if x.shape != (self.dim,):
            raise DLCourseError(
                f"{type(self).__name__} takes points of shape ({self.dim},). Received: shape {x.shape}"
            )
        return x

    def value(self, x):
        """f(x) as a float."""
        return oracle_for(self).value(self._point(x))

    def gradient(self, x):
        """The gradient at `x`, shape (dim,)."""
        return oracle_for(self).value_and_gradient(self._point(x))[1]

    def hessian(self, x):
        """The Hessian at `x`, shape (dim, dim)."""
        return oracle_for(self).value_gradient_hessian(self._point(x))[2]

    def __repr__(self):
        return f"{type(self).__name__}()"


class Quadratic(TestFunction):
    """An ill-conditioned quadratic: eigenvalues of A spread from 1 to `condition_number`.

        f(x) = 0.5 * x^T A x - b^T x,   A = diag(linspace(1, condition_number, dim))
        gradient = A x - b,  Hessian = A,  minimiser x* = A^-1 b

    Args:
        condition_number: kappa = largest / smallest eigenvalue of A, >= 1.
        dim: the dimension n.
        b: the linear term (default zeros, so x* = 0).
    """

    def __init__(self, condition_number=10.0, dim=2, b=None):
        if not np.isfinite(condition_number) or condition_number < 1:
            raise DLCourseError(
                f"`condition_number` must be >= 1. Received: condition_number={condition_number}"
            )
        self.condition_number = float(condition_number)
        self.dim = int(dim)
        self.eigenvalues = np.linspace(1.0, self.condition_number, self.dim)
        self.A = np.diag(self.eigenvalues)
        self.b = np.zeros(self.dim) if b is None else as_point(b, "b")
        self.minimizers = (self.b / self.eigenvalues)[None, :]
        self._A = tf.constant(self.A, tf.float64)
        self._b = tf.constant(self.b, tf.float64)

    def __call__(self, x):
        return 0.5 * tf.tensordot(x, tf.linalg.matvec(self._A, x), 1) - tf.tensordot(self._b, x, 1)

    def __repr__(self):
        return f"Quadratic(condition_number={self.condition_number:g}, dim={self.dim})"


class Rosenbrock(TestFunction):
    """Rosenbrock's banana valley: f = (a - x)^2 + b * (y - x^2)^2, minimum at (a, a^2)."""

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = float(a), float(b)
        self.minimizers = np.array([[self.a, self.a**2]])

    def __call__(self, x):
        return (self.a - x[0]) ** 2 + self.b * (x[1] - x[0] ** 2) ** 2


class Himmelblau(TestFunction):
    """Himmelblau: f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2, four minima where f = 0."""

    minimizers = np.array(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    )

    def __call__(self, x):
        return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


class Saddle(TestFunction):
    """The saddle f = x^2 - y^2: gradient zero at the origin, which is no minimum."""

    saddles = np.zeros((1, 2))

    def __call__(self, x):
        return x[0] ** 2 - x[1] ** 2


class Plateau(TestFunction):
    """A Gaussian well: f = 1 - exp(-(x^2 + y^2) / (2 * width^2)), minimum 0 at the origin.

    Far from the origin the gradient is almost zero: gradient methods crawl there.
    """

    minimizers = np.zeros((1, 2))

    def __init__(self, width=1.0):
        if not width > 0:
            raise DLCourseError(f"`width` must be positive. Received: width={width}")
        self.width = float(width)

    def __call__(self, x):
        return 1.0 - tf.exp(-tf.reduce_sum(x**2) / (2.0 * self.width**2))
