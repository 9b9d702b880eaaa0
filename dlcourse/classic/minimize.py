"""`minimize(fun, x0, method, **options)`: the front door, shaped like `scipy.optimize.minimize`.

The loop every method shares (the lesson is the loop, so it is written out):

    f, g = f(x0), grad f(x0)
    repeat:
        stop if f or g is not finite                   ("diverged")
        stop if |g| <= tol                             (success)
        stop if nit == maxiter                         (budget)
        x_new = method.step(x, f, g);  nit += 1
        f, g = f(x_new), grad f(x_new)
        stop if |x_new - x| <= xtol                    (step size)

Example:

    from dlcourse import classic
    result = classic.minimize(classic.Rosenbrock(), [-1.2, 1.0], method="damped-newton")
    result.x, result.nit, result.message, result.trace["grad_norm"]
"""

import dataclasses

import numpy as np

from dlcourse.classic import first_order, newton
from dlcourse.classic.derivatives import as_point, oracle_for
from dlcourse.classic.line_search import LineSearchError
from dlcourse.errors import DLCourseError

METHODS = {
    cls.name: cls
    for cls in (
        first_order.GradientDescent,
        first_order.ArmijoDescent,
        first_order.ExactLineSearch,
        first_order.Momentum,
        first_order.Nesterov,
        newton.Newton,
        newton.DampedNewton,
        newton.ModifiedNewton,
    )
}


@dataclasses.dataclass
class OptimizeResult:
    """What `minimize` returns.

    Attributes:
        x: the last iterate (n,).  fun: f(x).  jac: the gradient at x.
        nit: number of iterations (updates) made.
        success: True when the gradient norm fell below `tol`.
        message: why the loop stopped.
        method: the method's name.
        trace: dict of arrays: "x" (nit + 1, n), "fun" (nit + 1,), "grad_norm" (nit + 1,),
            "step" (nit,) = |x_{k+1} - x_k|, "alpha" (nit,) the step length used.
    """

    x: np.ndarray
    fun: float
    jac: np.ndarray
    nit: int
    success: bool
    message: str
    method: str
    trace: dict

    def __repr__(self):
        return (
            f"OptimizeResult(method={self.method!r}, success={self.success}, nit={self.nit}, "
            f"fun={self.fun:.6g}, x={np.array2string(self.x, precision=6)}, message={self.message!r})"
        )


def _make_method(method, oracle, options):
    if method not in METHODS:
        raise DLCourseError(
            f"Unknown method {method!r}. Valid methods: {', '.join(sorted(METHODS))}"
        )
    cls = METHODS[method]
    unknown = sorted(set(options) - set(cls.defaults))
    if unknown:
        valid = ", ".join(["maxiter", "tol", "xtol", *cls.defaults]) 
        raise DLCourseError(f"Unknown option(s) {unknown} for method {method!r}. Valid: {valid}")
    return cls(oracle, **options)


def _check_point(fun, x):
    dim = getattr(fun, "dim", None)
    if dim is not None and x.shape != (dim,):
        raise DLCourseError(
            f"`x0` must have shape ({dim},) for {fun!r}. Received: shape {x.shape}"
        )


def minimize(fun, x0, method="gd", maxiter=1000, tol=1e-8, xtol=1e-12, **options):
    """Minimise `fun` from `x0` with one of `METHODS`; return an `OptimizeResult`.

    Args:
        fun: callable, 1-D float64 tensor -> scalar tensor (e.g. `classic.Rosenbrock()`).
        x0: starting point, a 1-D array.
        method: "gd", "armijo", "exact", "momentum", "nesterov", "newton",
            "damped-newton" or "modified-newton".
        maxiter: iteration budget.
        tol: stop with success when the gradient norm is <= tol.
        xtol: stop when the step |x_{k+1} - x_k| is <= xtol.
        **options: the method's own options (`learning_rate`, `momentum`, `delta`, `c`, `shrink`).

    Returns:
        `OptimizeResult` with x, fun, jac, nit, success, message, method and trace.
    """
    x = as_point(x0, "x0")
    _check_point(fun, x)
    if int(maxiter) != maxiter or maxiter < 0:
        raise DLCourseError(f"`maxiter` must be an integer >= 0. Received: maxiter={maxiter}")
    oracle = oracle_for(fun)
    stepper = _make_method(method, oracle, options)
    fx, g = oracle.value_and_gradient(x)
    with np.errstate(over="ignore", invalid="ignore"):  # A diverging run ends with inf.
        return _loop(oracle, stepper, x, fx, g, maxiter, tol, xtol, method)


def _loop(oracle, stepper, x, fx, g, maxiter, tol, xtol, method):
    """The shared loop (see the module docstring); returns an `OptimizeResult`."""
    xs, fs, norms, steps, alphas = [x], [fx], [float(np.linalg.norm(g))], [], []
    success, nit = False, 0
    while True:
        if not (np.isfinite(fx) and np.all(np.isfinite(g))):
            message = f"Diverged: non-finite value or gradient after {nit} iterations."
            break
        if norms[-1] <= tol:
            success, message = True, f"Converged: gradient norm {norms[-1]:.3g} <= tol={tol:g}."
            break
        if nit >= maxiter:
            message = f"Stopped: reached maxiter={maxiter} (gradient norm {norms[-1]:.3g})."
            break
        try:
            x_new, alpha = stepper.step(x, fx, g)
        except LineSearchError as error:
            message = f"Stopped: {error}"
            break
        step = float(np.linalg.norm(x_new - x))
        x, nit = x_new, nit + 1
        fx, g = oracle.value_and_gradient(x)
        xs.append(x), fs.append(fx), norms.append(float(np.linalg.norm(g)))
        steps.append(step), alphas.append(alpha)
        if step <= xtol:
            message = f"Stopped: step {step:.3g} <= xtol={xtol:g} (gradient norm {norms[-1]:.3g})."
            success = norms[-1] <= tol
            break
    trace = {
        "x": np.array(xs),
        "fun": np.array(fs),
        "grad_norm": np.array(norms),
        "step": np.array(steps),
        "alpha": np.array(alphas),
    }
    return OptimizeResult(x, fx, g, nit, success, message, method, trace)
