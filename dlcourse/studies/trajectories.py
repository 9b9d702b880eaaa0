"""Optimiser trajectories on 2-D test functions: the classic contour picture of lecture 3.

Each optimiser from `dlcourse.optimizers.get` steps a single float32 `keras.Variable`
of two coordinates, fed the exact gradient of a test function from
`dlcourse.classic.functions` (float64, by `tf.GradientTape`, cast to float32):

    w = x0
    repeat steps times:
        g = grad f(w)
        optimizer.apply([g], [w])        # the very same update a network's weights get
    path = [x0, w_1, ..., w_steps]

    from dlcourse import classic, studies
    paths = studies.optimizer_trajectories(classic.Rosenbrock(), [-1.5, 2.0], ("sgd", "adam"),
                                           steps=300, learning_rates={"sgd": 1e-3})
    classic.plot_trajectories(classic.Rosenbrock(), paths, "rosenbrock.png")

`TRAJECTORY_PROBLEMS` holds three ready-made pictures (a starting point, a run length
and learning rates per optimiser that show each method at its typical behaviour):
`rosenbrock` (a curved valley), `saddle` (x^2 - y^2, started next to the saddle) and
`valley` (a quadratic with condition number 100). `plot_problem(name, path)` draws one
with `dlcourse.classic.plot_trajectories`, the package's one contour-and-iterates picture.
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from dlcourse.classic.derivatives import oracle_for
from dlcourse.classic.figures import plot_trajectories
from dlcourse.classic.functions import Quadratic, Rosenbrock, Saddle
from dlcourse.errors import DLCourseError
from dlcourse.optimizers import OPTIMIZER_NAMES, get
from dlcourse.studies import _choices

_FLOAT32_MAX = float(np.finfo("float32").max)

TRAJECTORY_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                         "radam", "ranger")

# Step sizes for functions whose curvature is of order 1-10 (the saddle, the valley).
# Adaptive methods move about `learning_rate` per step whatever the gradient's size.
DEFAULT_TRAJECTORY_LEARNING_RATES = {
    "sgd": 0.05, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5, "rmsprop": 0.05,
    "adam": 0.1, "adamw": 0.1, "radam": 0.1, "lookahead": 0.1, "ranger": 0.1,
}


@dataclasses.dataclass(frozen=True)
class TrajectoryProblem:
    """One ready-made picture: a function, a start, a run length, rates and the view."""

    function: object
    x0: tuple
    steps: int
    learning_rates: dict
    xlim: tuple
    ylim: tuple
    title: str


TRAJECTORY_PROBLEMS = {
    # Curvature across the valley is ~1,900 at the start: plain SGD needs lr ~ 1e-3.
    "rosenbrock": TrajectoryProblem(
        Rosenbrock(), (-1.5, 2.0), 500,
        # RAdam's first five steps are momentum steps: 0.05 would throw it out of the valley.
        {"sgd": 1e-3, "momentum": 8e-4, "nesterov": 8e-4, "adagrad": 1.0, "rmsprop": 0.02,
         "adam": 0.05, "adamw": 0.05, "radam": 0.01, "lookahead": 0.05, "ranger": 0.01},
        (-2.0, 2.0), (-1.0, 3.0), "Rosenbrock (a - x)^2 + b (y - x^2)^2"),
    "saddle": TrajectoryProblem(
        Saddle(), (-1.5, 1e-3), 60, dict(DEFAULT_TRAJECTORY_LEARNING_RATES),
        (-2.0, 2.0), (-2.0, 2.0), "saddle x^2 - y^2, started 0.001 off the ridge"),
    # Curvatures 1 and 100: SGD needs lr < 2 / 100 and then crawls along the flat axis
    # (1 - lr per step); momentum 0.9 contracts by ~sqrt(0.9) per step at the same lr.
    # RAdam's first steps are momentum steps, so it too needs lr < 2 / 100 here.
    "valley": TrajectoryProblem(
        Quadratic(condition_number=100.0), (-4.0, 1.0), 100,
        {**DEFAULT_TRAJECTORY_LEARNING_RATES, "sgd": 0.012, "momentum": 0.012, "nesterov": 0.012,
         "radam": 0.018, "ranger": 0.018},
        (-4.5, 1.0), (-1.2, 1.2), "ill-conditioned quadratic (condition number 100)"),
}


def optimizer_trajectories(function, x0, optimizers=TRAJECTORY_OPTIMIZERS, steps=100,
                           learning_rates=None):
    """The iterates of each optimiser started at `x0` on `function`.

    Args:
        function: a callable on a 1-D float64 tensor of 2 coordinates returning a scalar
            tensor, e.g. `dlcourse.classic.functions.Rosenbrock()`.
        x0: the starting point, 2 numbers.
        optimizers: names from `dlcourse.optimizers.OPTIMIZER_NAMES` (a sequence, or
            one comma-separated string).
        steps: int >= 1, optimiser steps per path.
        learning_rates: None (use `DEFAULT_TRAJECTORY_LEARNING_RATES`), one float for
            all, or a dict `{name: rate}` overriding some of the defaults.

    Returns:
        `{name: array (steps + 1, 2)}`, float64; row 0 is `x0`. If a path diverges (a
        non-finite point or gradient) its remaining rows are NaN.
    """
    x0 = _check_point(x0)
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise DLCourseError(f"`steps` must be an integer >= 1. Received: steps={steps!r}")
    optimizers = _choices.names(optimizers, OPTIMIZER_NAMES, "optimizers")
    rates = _choices.learning_rates(optimizers, learning_rates, DEFAULT_TRAJECTORY_LEARNING_RATES)
    oracle = oracle_for(function)
    return {name: _path(oracle, x0, name, rates[name], int(steps)) for name in optimizers}


def _path(oracle, x0, name, learning_rate, steps):
    w = keras.Variable(np.asarray(x0, dtype="float32"), dtype="float32", name="w")
    optimizer = get(name, learning_rate=learning_rate)
    # Build before tracing, so the optimiser's variables are created once, outside the graph.
    optimizer.build([w])
    # One traced update per optimiser: an eager `apply` costs ~10 ms, the graph ~0.5 ms.
    apply = tf.function(lambda g: optimizer.apply([g], [w]), autograph=False)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = x0
    for t in range(1, steps + 1):
        _, grad = oracle.value_and_gradient(path[t - 1])
        if not np.all(np.abs(grad) < _FLOAT32_MAX):  # Diverged: leave the rest NaN.
            break
        apply(tf.constant(grad, dtype=tf.float32))
        point = np.asarray(keras.ops.convert_to_numpy(w), dtype="float64")
        if not np.all(np.isfinite(point)):
            break
        path[t] = point
    return path


def plot_problem(name, path, optimizers=TRAJECTORY_OPTIMIZERS, steps=None):
    """Run every optimiser on `TRAJECTORY_PROBLEMS[name]` and draw the picture.

    Returns:
        `(paths, png_path)`: the trajectories and the `pathlib.Path` written.
    """
    if name not in TRAJECTORY_PROBLEMS:
        raise DLCourseError(f"Unknown problem {name!r}. Use one of: {', '.join(TRAJECTORY_PROBLEMS)}.")
    problem = TRAJECTORY_PROBLEMS[name]
    paths = optimizer_trajectories(problem.function, problem.x0, optimizers, steps or problem.steps,
                                   problem.learning_rates)
    png = plot_trajectories(problem.function, paths, path, problem.xlim, problem.ylim, problem.title)
    return paths, png


def _check_point(x0):
    point = np.asarray(x0, dtype="float64")
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise DLCourseError(f"`x0` must be 2 finite numbers, e.g. (-1.5, 2.0). Received: {x0!r}")
    return point
