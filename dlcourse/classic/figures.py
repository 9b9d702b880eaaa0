"""Figures for practical 1: contours with trajectories, log-scale convergence, boundaries.

All build on `dlcourse.plots.figure` / `save_figure` (atomic PNG writes, shown inline
in a notebook). Functions that draw on an existing axis take `ax`; the `plot_*` ones
write a file and return its path. `plot_trajectories` is the package's one picture of
iterates on a contour plot (practical 1's methods and lecture 3's optimisers alike).
"""

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError


def evaluate_grid(fun, xlim, ylim, num=120):
    """f on a num x num grid: returns (X, Y, Z), each (num, num); one vectorised call."""
    xs, ys = np.linspace(*xlim, num), np.linspace(*ylim, num)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = tf.constant(np.c_[grid_x.ravel(), grid_y.ravel()], tf.float64)
    # One fresh graph per call (vectorized_map run eagerly retraces and warns). Each
    # function traces once by design, so TensorFlow's "frequent retracing" warning is noise.
    batched = tf.function(lambda p: tf.vectorized_map(lambda q: tf.cast(fun(q), tf.float64), p))
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")
    try:
        values = batched(points)
    finally:
        logger.setLevel(level)
    return grid_x, grid_y, np.reshape(values.numpy(), grid_x.shape)


def draw_contour(ax, fun, xlim, ylim, levels=30, log=True, num=120):
    """Contour lines of `fun` (of log(1 + f - min f) when `log`, to show valleys), with its
    known minimisers (stars) and saddles (crosses). `log=None`: log when f >= 0 on the view."""
    grid_x, grid_y, z = evaluate_grid(fun, xlim, ylim, num)
    if log is None:
        log = bool(z.min() >= 0)
    shown = np.log1p(z - z.min()) if log else z
    ax.contour(grid_x, grid_y, shown, levels=levels, cmap="viridis", linewidths=0.7)
    for special, marker in (("minimizers", "k*"), ("saddles", "kx")):
        points = np.asarray(getattr(fun, special, np.zeros((0, 2))))
        if len(points) and points.shape[1] == 2:
            ax.plot(points[:, 0], points[:, 1], marker, markersize=10, label=special[:-1])
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")


def draw_trajectory(ax, xs, label, max_points=400, **kwargs):
    """Iterates `xs` (k, 2) as a line with markers (subsampled past `max_points`)."""
    xs = np.asarray(xs)
    xs = xs[np.all(np.isfinite(xs), axis=1)]
    if len(xs) > max_points:
        xs = xs[np.linspace(0, len(xs) - 1, max_points).astype(int)]
    ax.plot(xs[:, 0], xs[:, 1], ".-", markersize=3, linewidth=1, label=label, **kwargs)
    ax.plot(xs[0, 0], xs[0, 1], "ko", markersize=4)


def plot_trajectories(fun, trajectories, path, xlim=None, ylim=None, title=None, log=None):
    """Contour of `fun` with one trajectory per entry of `trajectories`, written to `path`.

    Args:
        fun: a 2-D test function (a callable on a float64 tensor of 2 coordinates).
        trajectories: `{name: array (k, 2)}` of iterates; non-finite rows (a diverged
            run) are left out.
        path: where to write the PNG.
        xlim, ylim: the view; default: the finite iterates' extent, padded by 10 %.
        title: the figure title; default: the function's class name.
        log: contours of log(1 + f - min f) (for valleys); None: when f >= 0 on the view.

    Returns:
        The `pathlib.Path` written.
    """
    from dlcourse import plots

    if not trajectories:
        raise DLCourseError("`trajectories` is empty. Pass `{name: array (k, 2)}` of iterates.")
    xlim, ylim = _view(trajectories, xlim, ylim)
    fig, ax = plots.figure(size=(6.0, 4.8))
    draw_contour(ax, fun, xlim, ylim, log=log)
    for name, xs in trajectories.items():
        draw_trajectory(ax, xs, name)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(title or type(fun).__name__)
    return plots.save_figure(fig, path)


def _view(trajectories, xlim, ylim):
    """The given limits, or the finite points' extent padded by 10 % on each side."""
    points = np.concatenate([np.asarray(p, dtype="float64").reshape(-1, 2) for p in trajectories.values()])
    points = points[np.all(np.isfinite(points), axis=1)]
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum(0.1 * (high - low), 0.1)
    return (tuple(xlim) if xlim else (low[0] - pad[0], high[0] + pad[0]),
            tuple(ylim) if ylim else (low[1] - pad[1], high[1] + pad[1]))


def draw_convergence(ax, curves, xlabel="iteration", ylabel="error", xs=None):
    """Log-scale curves: `curves` maps a name to y values (x values from `xs[name]`)."""
    for name, ys in curves.items():
        ys = np.asarray(ys, dtype=np.float64)
        x = np.arange(len(ys)) if xs is None else np.asarray(xs[name])
        keep = ys > 0
        ax.semilogy(x[keep], ys[keep], label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)


def plot_convergence(curves, path, xlabel="iteration", ylabel="error", title=None, xs=None):
    """`draw_convergence` on a new figure, written to `path`."""
    from dlcourse import plots

    fig, ax = plots.figure()
    draw_convergence(ax, curves, xlabel, ylabel, xs)
    if title:
        ax.set_title(title)
    return plots.save_figure(fig, path)


def draw_decision_boundary(ax, classifier, x, y, title=None, num=200):
    """Data points coloured by class, and the region where `classifier.predict` says 1."""
    x, y = np.asarray(x), np.asarray(y)
    pad = 0.5
    xs = np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, num)
    ys = np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, num)
    grid_x, grid_y = np.meshgrid(xs, ys)
    scores = classifier.decision_function(np.c_[grid_x.ravel(), grid_y.ravel()])
    scores = scores.reshape(grid_x.shape)
    regions = (scores > 0).astype(float)
    ax.contourf(grid_x, grid_y, regions, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    ax.contour(grid_x, grid_y, scores, levels=[0.0], colors="k", linewidths=1)
    ax.scatter(x[y == 0, 0], x[y == 0, 1], s=8, c="tab:blue", label="class 0")
    ax.scatter(x[y == 1, 0], x[y == 1, 1], s=8, c="tab:orange", label="class 1")
    if title:
        ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
