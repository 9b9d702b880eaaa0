"""Finite-difference gradient checking: the test every hand-written backward pass must pass.

For a scalar function f of parameter arrays, the central difference for entry i is

    g_num[i] = (f(p + eps * e_i) - f(p - eps * e_i)) / (2 * eps)

with error O(eps**2) from truncation plus O(machine_eps * |f| / eps) from round-off;
in float64, eps = 1e-6 balances the two (about 1e-10 absolute error for |f| ~ 1).
We compare each array's analytic gradient g with g_num by the relative error

    rel = ||g - g_num|| / max(||g|| + ||g_num||, 1e-12)         (Euclidean norms)

and report the largest over the arrays. A norm (not entry by entry) keeps tiny entries,
whose finite differences are pure round-off, from dominating.

Threshold (float64, eps = 1e-6, smooth activations): rel < THRESHOLD = 1e-6 passes; a real
bug (a missing transpose, a forgotten sigma', a wrong 1/batch) gives 1e-2 or more.
With ReLU, a pre-activation within eps of 0 makes the difference straddle the kink:
re-draw the data or use a smooth activation if you see 1e-4 there.
"""

import numpy as np

from dlcourse.errors import DLCourseError

THRESHOLD = 1e-6


def numerical_gradient(f, params, eps=1e-6):
    """Central-difference gradients of `f()` with respect to each array in `params`.

    Args:
        f: a function of no arguments returning a float; it must read `params`, which
            are perturbed in place (and restored) one entry at a time.
        params: a list of float64 numpy arrays.
        eps: the step.

    Returns:
        A list of arrays shaped like `params`.
    """
    grads = []
    for p in params:
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            raise DLCourseError(
                "`params` must be float64 numpy arrays that `f` reads (perturbed in place). "
                f"Received: {type(p).__name__} of dtype {getattr(p, 'dtype', None)}"
            )
        g = np.zeros_like(p)
        flat, g_flat = p.reshape(-1), g.reshape(-1)  # views: writing flat[i] writes p
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            f_plus = f()
            flat[i] = old - eps
            f_minus = f()
            flat[i] = old
            g_flat[i] = (f_plus - f_minus) / (2.0 * eps)
        grads.append(g)
    return grads


def relative_error(a, b):
    """||a - b|| / max(||a|| + ||b||, 1e-12) for two arrays (Euclidean norms)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def gradient_check(f, params, analytic_grads, eps=1e-6):
    """The largest relative error between `analytic_grads` and central differences of `f`.

    Args:
        f: a function of no arguments returning the loss for the current `params`.
        params: the float64 arrays `f` reads.
        analytic_grads: gradients from your backward pass, one per array.
        eps: the finite-difference step.

    Returns:
        A float; below `THRESHOLD` (1e-6) the backward pass is right.
    """
    if len(params) != len(analytic_grads):
        raise DLCourseError(
            "Pass one analytic gradient per parameter array. "
            f"Received: {len(params)} params, {len(analytic_grads)} gradients"
        )
    numeric = numerical_gradient(f, params, eps=eps)
    return max(relative_error(g, n) for g, n in zip(analytic_grads, numeric))
