"""First-order methods: one update from `x` (value `fx`, gradient `g`) per `step` call.

    gd         x = x - learning_rate * g
    armijo     x = x - alpha * g,  alpha by backtracking from min(learning_rate, 2 * last alpha)
    exact      x = x - alpha * g,  alpha = g^T g / g^T H g   (exact on quadratics)
    momentum   v = momentum * v - learning_rate * g;          x = x + v   (heavy ball)
    nesterov   v = momentum * v - learning_rate * g(x + momentum * v);  x = x + v

Each class lists its options and their defaults in `defaults`; `minimize` builds it
with the options the user gave and calls `step(x, fx, g) -> (x_new, alpha)`.
"""

import numpy as np

from dlcourse.classic.line_search import backtracking, exact_quadratic
from dlcourse.errors import DLCourseError


class Method:
    """One iterative method: `defaults` names its options; `step` makes one update."""

    name = "method"
    defaults = {}

    def __init__(self, oracle, **options):
        self.oracle = oracle
        for key, default in self.defaults.items():
            setattr(self, key, float(options.get(key, default)))
        if "learning_rate" in self.defaults and not self.learning_rate > 0:
            raise DLCourseError(
                f"`learning_rate` must be positive. Received: learning_rate={self.learning_rate}"
            )
        if "momentum" in self.defaults and not 0 <= self.momentum < 1:
            raise DLCourseError(f"`momentum` must be in [0, 1). Received: momentum={self.momentum}")


class GradientDescent(Method):
    """Fixed step: x = x - learning_rate * g."""

    name = "gd"
    defaults = {"learning_rate": 1e-3}

    def step(self, x, fx, g):
        return x - self.learning_rate * g, self.learning_rate


class ArmijoDescent(Method):
    """Steepest descent with Armijo backtracking (shrink by `shrink`).

    The first trial step is `learning_rate`, later ones twice the last accepted step
    (capped at `learning_rate`): the step can grow back, and few halvings are needed.
    """

    name = "armijo"
    defaults = {"learning_rate": 1.0, "c": 1e-4, "shrink": 0.5}

    def __init__(self, oracle, **options):
        super().__init__(oracle, **options)
        self.last_alpha = self.learning_rate

    def step(self, x, fx, g):
        initial = min(self.learning_rate, 2.0 * self.last_alpha)
        alpha, _ = backtracking(
            self.oracle.value, x, fx, g, -g, initial=initial, c=self.c, shrink=self.shrink
        )
        self.last_alpha = alpha
        return x - alpha * g, alpha


class ExactLineSearch(Method):
    """Steepest descent with alpha = g^T g / g^T H g (the exact minimiser on a quadratic)."""

    name = "exact"
    defaults = {}

    def step(self, x, fx, g):
        _, _, hess = self.oracle.value_gradient_hessian(x)
        alpha = exact_quadratic(g, hess)
        return x - alpha * g, alpha


class Momentum(Method):
    """Polyak's heavy ball: v = momentum * v - learning_rate * g; x = x + v."""

    name = "momentum"
    defaults = {"learning_rate": 1e-3, "momentum": 0.9}

    def __init__(self, oracle, **options):
        super().__init__(oracle, **options)
        self.velocity = None

    def step(self, x, fx, g):
        if self.velocity is None:
            self.velocity = np.zeros_like(x)
        self.velocity = self.momentum * self.velocity - self.learning_rate * g
        return x + self.velocity, self.learning_rate


class Nesterov(Momentum):
    """Nesterov: the gradient is taken at the look-ahead point x + momentum * v."""

    name = "nesterov"

    def step(self, x, fx, g):
        if self.velocity is None:
            self.velocity = np.zeros_like(x)
        _, g_ahead = self.oracle.value_and_gradient(x + self.momentum * self.velocity)
        self.velocity = self.momentum * self.velocity - self.learning_rate * g_ahead
        return x + self.velocity, self.learning_rate
