"""Convexity checked numerically: the Hessian test, the chord inequality, stationary points.

A function f is convex when every chord lies on or above the graph:

    f(theta * x + (1 - theta) * y) <= theta * f(x) + (1 - theta) * f(y)
    for all x, y and theta in [0, 1]                               (the definition)

and, when f is twice differentiable, exactly when its Hessian is positive semi-definite
everywhere:

    min eigenvalue of hessian(f)(x) >= 0   for all x               (the second-order test)

Neither can be checked everywhere: `check_convexity` looks at the Hessian on a grid and
at the chord on random pairs and thetas in a box. One violation proves f is not convex;
none is only evidence. For a convex f a stationary point x* (gradient 0) is a global
minimum, because the tangent plane lies below the graph:

    f(y) >= f(x*) + gradient(x*) . (y - x*) = f(x*)   for every y

`stationary_points` finds stationary points with pure Newton (which converges to any
nearby one, minimum or not) and names each by its Hessian: minimum, maximum or saddle.

Reference: Boyd & Vandenberghe, "Convex Optimization", 2004, Sec. 3.1.3-3.1.4.
"""

import numpy as np
import tensorflow as tf

from dlcourse.classic.derivatives import as_point
from dlcourse.classic.functions import Himmelblau, Plateau, Quadratic, Rosenbrock, Saddle
from dlcourse.classic.logistic import LogisticLoss
from dlcourse.classic.minimize import minimize
from dlcourse.errors import DLCourseError

# Absolute slack for float64 round-off: a chord gap above -TOLERANCE * (1 + |f|) counts as kept.
TOLERANCE = 1e-9


def _quiet_graph(body):
    """`tf.function(body)` called once with TensorFlow's retracing warning silenced
    (each call builds a fresh graph on purpose: the function differs per call)."""
    def run(*args):
        logger = tf.get_logger()
        level = logger.level
        logger.setLevel("ERROR")
        try:
            return tf.function(body)(*args).numpy()
        finally:
            logger.setLevel(level)
    return run


def batched_values(fun, points):
    """f at each row of `points` (k, n), in one vectorised call: shape (k,)."""
    values = lambda p: tf.vectorized_map(lambda q: tf.cast(fun(q), tf.float64), p)
    return _quiet_graph(values)(tf.constant(points, tf.float64))


def batched_hessians(fun, points):
    """The Hessian at each row of `points` (k, n), in one call: shape (k, n, n).

    Each value depends on its own row only, so the gradient of the sum holds every
    row's gradient, and `batch_jacobian` of those gradients every row's Hessian.
    """
    def hessians(p):
        with tf.GradientTape() as outer:
            outer.watch(p)
            with tf.GradientTape() as inner:
                inner.watch(p)
                values = tf.vectorized_map(lambda q: tf.cast(fun(q), tf.float64), p)
            grads = inner.gradient(values, p)
        return outer.batch_jacobian(grads, p)

    return _quiet_graph(hessians)(tf.constant(points, tf.float64))


def _box(low, high, dim):
    low, high = np.broadcast_to(low, (dim,)).astype(float), np.broadcast_to(high, (dim,)).astype(float)
    if not np.all(high > low):
        raise DLCourseError(f"The box must have high > low in every coordinate. Received: low={low}, high={high}")
    return low, high


def min_hessian_eigenvalues(fun, low, high, grid=21):
    """Smallest Hessian eigenvalue at each point of a grid (grid points per axis) in the box.

    Returns:
        (points (grid**n, n), eigenvalues (grid**n,)).
    """
    low, high = _box(low, high, fun.dim)
    axes = [np.linspace(a, b, int(grid)) for a, b in zip(low, high)]
    points = np.stack([g.ravel() for g in np.meshgrid(*axes)], axis=1)
    return points, np.linalg.eigvalsh(batched_hessians(fun, points))[:, 0]


def chord_gaps(fun, low, high, pairs=500, seed=0):
    """theta * f(x) + (1 - theta) * f(y) - f(theta * x + (1 - theta) * y) for random x, y
    uniform in the box and theta uniform in [0, 1]: all >= 0 for a convex f. Shape (pairs,)."""
    return _chords(fun, low, high, pairs, seed)[0]


def _chords(fun, low, high, pairs, seed):
    """The chord gaps, and the largest |f| met (round-off grows with it)."""
    low, high = _box(low, high, fun.dim)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(low, high, (2, int(pairs), fun.dim))
    theta = rng.uniform(0.0, 1.0, (int(pairs), 1))
    # One call for the three sets of points: each call traces a graph, the costly part.
    values = batched_values(fun, np.concatenate([x, y, theta * x + (1 - theta) * y]))
    fx, fy, fm = np.split(values, 3)
    return theta[:, 0] * fx + (1 - theta[:, 0]) * fy - fm, float(np.abs(values).max())


def lecture_functions(seed=0):
    """The test functions with the box each is checked on: name -> (fun, low, high)."""
    rng = np.random.default_rng(seed)
    # One feature: the loss is a function of (weight, bias), which a grid can cover.
    features = rng.normal(size=(100, 1))
    labels = (features[:, 0] + rng.normal(scale=1.0, size=100) > 0).astype(np.int32)
    return {
        "quadratic": (Quadratic(10.0), -2.0, 2.0),
        "logistic loss": (LogisticLoss(features, labels), -4.0, 4.0),
        "rosenbrock": (Rosenbrock(), (-2.0, -1.0), (2.0, 3.0)),
        "himmelblau": (Himmelblau(), -5.0, 5.0),
        "saddle": (Saddle(), -2.0, 2.0),
        "plateau": (Plateau(), -3.0, 3.0),
    }


def check_convexity(functions=None, grid=21, pairs=500, seed=0, path=None):
    """Both convexity tests on each function; a figure of the Hessian test when `path`.

    Args:
        functions: name -> (fun, low, high); default `lecture_functions()`.
        grid: grid points per axis for the Hessian test.
        pairs: random (x, y, theta) triples for the chord test.

    Returns:
        dict name -> {"min_eigenvalue", "hessian_negative" (fraction of grid points
        with a negative eigenvalue), "chord_violations" (fraction of broken chords),
        "convex" (neither test found a violation)}; "figure" when `path` is given.
    """
    functions = lecture_functions(seed) if functions is None else functions
    numbers, maps = {}, {}
    for name, (fun, low, high) in functions.items():
        points, eigen = min_hessian_eigenvalues(fun, low, high, grid)
        gaps, largest = _chords(fun, low, high, pairs, seed)
        scale = 1.0 + largest
        negative, broken = eigen < -TOLERANCE * scale, gaps < -TOLERANCE * scale
        numbers[name] = {
            "min_eigenvalue": float(eigen.min()),
            "hessian_negative": float(negative.mean()),
            "chord_violations": float(broken.mean()),
            "convex": bool(not negative.any() and not broken.any()),
        }
        maps[name] = (points, eigen)
    if path is not None:
        numbers["figure"] = str(_plot(maps, numbers, grid, path))
    return numbers


def _plot(maps, numbers, grid, path):
    from dlcourse import plots

    fig, axes = plots.figure(ncols=len(maps), size=(3.0, 2.9))
    for ax, (name, (points, eigen)) in zip(np.atleast_1d(axes), maps.items()):
        shape = (int(grid), int(grid))
        image = np.sign(eigen).reshape(shape)
        ax.pcolormesh(points[:, 0].reshape(shape), points[:, 1].reshape(shape), image,
                      cmap="coolwarm_r", vmin=-1, vmax=1, shading="auto")
        verdict = "convex" if numbers[name]["convex"] else "not convex"
        ax.set_title(f"{name}: {verdict}", fontsize=9)
    fig.suptitle("sign of the smallest Hessian eigenvalue (blue >= 0, red < 0)", fontsize=10)
    return plots.save_figure(fig, path)


def stationary_points(fun, starts, maxiter=60, tol=1e-8):
    """Pure Newton from each start; the distinct stationary points reached, named.

    Returns:
        list of {"x", "fun", "kind"} ("minimum", "maximum" or "saddle" by the signs of
        the Hessian's eigenvalues), sorted by f.
    """
    found = []
    for start in np.atleast_2d(starts):
        result = minimize(fun, as_point(start, "start"), "newton", maxiter=maxiter, tol=tol)
        if result.success and not any(np.allclose(result.x, p["x"], atol=1e-6) for p in found):
            eigen = np.linalg.eigvalsh(fun.hessian(result.x))
            kind = "minimum" if eigen.min() > 0 else "maximum" if eigen.max() < 0 else "saddle"
            found.append({"x": result.x.tolist(), "fun": float(result.fun), "kind": kind})
    return sorted(found, key=lambda p: p["fun"])


def stationary_points_are_global(fun, low, high, starts=16, samples=2000, seed=0):
    """Are all stationary points found in the box global minima (f at most the lowest
    f over `samples` random points)? True for a convex function, not in general.

    Returns:
        dict: "points" (from `stationary_points`), "sample_min", "all_global".
    """
    low, high = _box(low, high, fun.dim)
    rng = np.random.default_rng(seed)
    points = stationary_points(fun, rng.uniform(low, high, (int(starts), fun.dim)))
    sample_min = float(batched_values(fun, rng.uniform(low, high, (int(samples), fun.dim))).min())
    all_global = bool(points) and all(p["fun"] <= sample_min + TOLERANCE for p in points)
    return {"points": points, "sample_min": sample_min, "all_global": all_global}
