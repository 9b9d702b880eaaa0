"""Newton's method and two safeguarded variants.

The Newton step minimises the second-order model m(d) = f + g . d + 0.5 d^T H d:

    newton           solve H d = -g;  x = x + d                       (alpha = 1)
    damped-newton    same d (or -g if d is not a descent direction);
                     x = x + alpha * d, alpha by Armijo backtracking from 1
    modified-newton  H = Q diag(lam) Q^T;  lam' = max(|lam|, delta);
                     d = -Q diag(1 / lam') Q^T g;  x = x + alpha * d (backtracking)

Pure Newton jumps to the stationary point of the model, whatever its kind: on
x^2 - y^2 it lands on the saddle in one step. The modified Hessian is positive
definite, so d is always a descent direction, and along negative-curvature directions
it points downhill: the iterates leave the saddle.
"""

import numpy as np

from dlcourse.classic.first_order import Method
from dlcourse.classic.line_search import LineSearchError, backtracking


def newton_direction(g, hess):
    """d solving H d = -g; `LineSearchError` if H is singular."""
    try:
        d = np.linalg.solve(hess, -g)
    except np.linalg.LinAlgError:
        raise LineSearchError("The Hessian is singular: no Newton step.") from None
    if not np.all(np.isfinite(d)):
        raise LineSearchError("The Hessian is singular: no Newton step.")
    return d


def modified_newton_direction(g, hess, delta=1e-8):
    """d = -|H|^-1 g with eigenvalues of H replaced by max(|lam|, delta)."""
    lam, q = np.linalg.eigh(0.5 * (hess + hess.T))
    lam = np.maximum(np.abs(lam), delta)
    return -q @ ((q.T @ g) / lam)


class Newton(Method):
    """Pure Newton: x = x - H^-1 g, unit step."""

    name = "newton"
    defaults = {}

    def step(self, x, fx, g):
        _, _, hess = self.oracle.value_gradient_hessian(x)
        return x + newton_direction(g, hess), 1.0


class DampedNewton(Method):
    """Newton direction (steepest descent if it points uphill) with Armijo backtracking."""

    name = "damped-newton"
    defaults = {"c": 1e-4, "shrink": 0.5}

    def step(self, x, fx, g):
        _, _, hess = self.oracle.value_gradient_hessian(x)
        try:
            d = newton_direction(g, hess)
        except LineSearchError:
            d = -g
        if not g @ d < 0:
            d = -g
        alpha, _ = backtracking(self.oracle.value, x, fx, g, d, c=self.c, shrink=self.shrink)
        return x + alpha * d, alpha


class ModifiedNewton(Method):
    """Newton with |eigenvalues| floored at `delta`, then Armijo backtracking."""

    name = "modified-newton"
    defaults = {"delta": 1e-8, "c": 1e-4, "shrink": 0.5}

    def step(self, x, fx, g):
        _, _, hess = self.oracle.value_gradient_hessian(x)
        d = modified_newton_direction(g, hess, self.delta)
        alpha, _ = backtracking(self.oracle.value, x, fx, g, d, c=self.c, shrink=self.shrink)
        return x + alpha * d, alpha
