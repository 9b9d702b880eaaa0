"""Step lengths along a descent direction `d` from `x` (with gradient `g`, `g . d < 0`).

Backtracking (Armijo): start at `alpha = initial`, shrink until sufficient decrease:

    while f(x + alpha * d) > f(x) + c * alpha * (g . d):
        alpha = shrink * alpha

Exact line search on a quadratic (Hessian `H`): minimise the second-order model

    m(alpha) = f(x) + alpha * (g . d) + 0.5 * alpha^2 * (d^T H d)
    alpha*   = -(g . d) / (d^T H d)        for d = -g:  alpha* = g^T g / g^T H g

which is exact when f is quadratic. (Backtracking compares values of f, so it stalls
once the decrease it asks for, about alpha |g|^2, falls below the round-off of f:
expect |g| no smaller than about sqrt(machine epsilon * |f| * L).)

The same formula gives the step-size bound of the lecture: along -g the model
decreases for alpha < alpha*, and f itself rises above f(x) for alpha > 2 * alpha*
on a quadratic.
"""

import numpy as np


class LineSearchError(ArithmeticError):
    """No acceptable step: the direction is not a descent direction, or no curvature."""


def backtracking(value, x, fx, g, d, initial=1.0, c=1e-4, shrink=0.5, max_halvings=60):
    """Armijo backtracking; returns `(alpha, f(x + alpha * d))`.

    Args:
        value: callable, numpy point -> float.
        x, fx, g: the current point, its value and gradient.
        d: a descent direction (g . d < 0).
        initial, c, shrink: first trial step, sufficient-decrease constant, shrink factor.
        max_halvings: how many shrinks before giving up.
    """
    slope = float(g @ d)
    if not slope < 0:
        raise LineSearchError(f"Not a descent direction: g . d = {slope:.3g} >= 0")
    alpha = float(initial)
    for _ in range(max_halvings + 1):
        f_new = value(x + alpha * d)
        if np.isfinite(f_new) and f_new <= fx + c * alpha * slope:
            return alpha, f_new
        alpha *= shrink
    raise LineSearchError(f"No sufficient decrease after {max_halvings} halvings (alpha={alpha:.3g})")


def exact_quadratic(g, H, d=None):
    """The minimiser of the quadratic model along `d` (default `-g`): -(g . d) / (d^T H d)."""
    d = -g if d is None else d
    curvature = float(d @ H @ d)
    if not curvature > 0:
        raise LineSearchError(
            f"Exact line search needs positive curvature d^T H d; got {curvature:.3g}. "
            "Use method='armijo' on non-convex functions."
        )
    return -float(g @ d) / curvature


def quadratic_model_change(alpha, g, H):
    """m(alpha) - f(x) along -g: -alpha * g^T g + 0.5 * alpha^2 * g^T H g (array-friendly)."""
    alpha = np.asarray(alpha, dtype=np.float64)
    return -alpha * float(g @ g) + 0.5 * alpha**2 * float(g @ H @ g)
