"""Figures for practical 1: contours with trajectories, log-scale convergence, boundaries.

All build on `dlcourse.plots.figure` / `save_figure` (headless, atomic PNG writes).
Functions that draw on an existing axis take `ax`; the `plot_*` ones write a file and
return its path.
"""

import numpy as np
import tensorflow as tf

from dlcourse.plots import figure, save_figure


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
    """Contour lines of `fun` (of log(1 + f - min f) when `log`, to show valleys)."""
    grid_x, grid_y, z = evaluate_grid(fun, xlim, ylim, num)
    shown = np.log1p(z - z.min()) if log else z
    ax.contour(grid_x, grid_y, shown, levels=levels, cmap="viridis", linewidths=0.7)
    minimizers = getattr(fun, "minimizers", np.zeros((0, 2)))
    if len(minimizers) and minimizers.shape[1] == 2:
        ax.plot(minimizers[:, 0], minimizers[:, 1], "k*", markersize=10, label="minimisers")
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


def plot_trajectories(fun, trajectories, path, xlim, ylim, title=None, log=True):
    """Contour of `fun` with one trajectory per entry of `trajectories` (name -> (k, 2))."""
    fig, ax = figure(size=(5.5, 4.5))
    draw_contour(ax, fun, xlim, ylim, log=log)
    for name, xs in trajectories.items():
        draw_trajectory(ax, xs, name)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save_figure(fig, path)


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
    fig, ax = figure()
    draw_convergence(ax, curves, xlabel, ylabel, xs)
    if title:
        ax.set_title(title)
    return save_figure(fig, path)


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
