"""Non-convex landscapes: saddle points and basins of attraction; numbers and a figure.

    saddle_escape      on f = x^2 - y^2 from just off the x axis: pure Newton jumps to
                       the saddle (0, 0) in one step (it solves grad m = 0, whatever the
                       curvature); GD grows y by (1 + 2 * learning_rate) per step and
                       modified Newton by 2 per step: both escape.
    himmelblau_basins  from a grid of starts, which of Himmelblau's four minima each
                       start reaches: the basins of attraction of a non-convex function.

Pass `path` (a .png) to also write the figure; its path is then returned under "figure".
"""

import numpy as np

from dlcourse.classic.figures import draw_contour, draw_trajectory
from dlcourse.classic.functions import Himmelblau, Saddle
from dlcourse.classic.minimize import minimize


def saddle_escape(x0=(1.0, 1e-3), iterations=40, learning_rate=0.1, path=None):
    """Newton, GD and modified Newton on x^2 - y^2 from `x0`.

    Returns:
        dict with, per method, the final distance to the saddle and f, and "escaped"
        (distance > 1 and f below 0, i.e. the iterates left the saddle downhill).
    """
    fun = Saddle()
    runs = {
        "newton": minimize(fun, x0, "newton", maxiter=iterations),
        "gd": minimize(fun, x0, "gd", maxiter=iterations, learning_rate=learning_rate),
        "modified-newton": minimize(fun, x0, "modified-newton", maxiter=iterations),
    }
    numbers = {}
    for name, result in runs.items():
        distance = float(np.linalg.norm(result.x - fun.saddles[0]))
        numbers[name] = {
            "distance_to_saddle": distance,
            "fun": float(result.fun),
            "nit": int(result.nit),
            "escaped": bool(distance > 1 and result.fun < 0),
        }
    if path is not None:
        from dlcourse import plots

        fig, ax = plots.figure(size=(5.5, 4.5))
        draw_contour(ax, fun, (-1.5, 1.5), (-1.5, 1.5), log=False)
        for name, result in runs.items():
            draw_trajectory(ax, result.trace["x"], name)
        ax.plot(0, 0, "rx", markersize=10, label="saddle")
        ax.set_xlim(-1.5, 1.5)
        ax.set_ylim(-1.5, 1.5)
        ax.legend(fontsize=8)
        ax.set_title("f = x^2 - y^2: Newton is attracted, GD escapes")
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers


def himmelblau_basins(grid=15, limit=5.0, method="armijo", maxiter=300, path=None):
    """Run `method` from a grid x grid of starts in [-limit, limit]^2 on Himmelblau.

    Returns:
        dict: "counts" (4,) how many starts reached each minimiser (in the order of
        `Himmelblau.minimizers`), "unconverged" how many reached none, "labels"
        (grid, grid) the index reached from each start (-1 for none).
    """
    fun = Himmelblau()
    axis = np.linspace(-limit, limit, int(grid))
    labels = np.full((len(axis), len(axis)), -1)
    paths = []
    for i, y in enumerate(axis):
        for j, x in enumerate(axis):
            result = minimize(fun, [x, y], method, maxiter=maxiter, tol=1e-8)
            distances = np.linalg.norm(fun.minimizers - result.x, axis=1)
            if result.success and distances.min() < 1e-4:
                labels[i, j] = int(np.argmin(distances))
            if (i + j) % max(1, grid // 2) == 0 and len(paths) < 6:
                paths.append(result.trace["x"])
    numbers = {
        "counts": [int(np.sum(labels == k)) for k in range(len(fun.minimizers))],
        "unconverged": int(np.sum(labels < 0)),
        "labels": labels.tolist(),
    }
    if path is not None:
        from dlcourse import plots

        fig, ax = plots.figure(size=(5.5, 4.5))
        draw_contour(ax, fun, (-limit - 0.5, limit + 0.5), (-limit - 0.5, limit + 0.5))
        grid_x, grid_y = np.meshgrid(axis, axis)
        colours = np.array(["tab:red", "tab:blue", "tab:green", "tab:purple", "gray"])
        ax.scatter(grid_x, grid_y, c=colours[labels.ravel()], s=14, alpha=0.7)
        for xs in paths:
            draw_trajectory(ax, xs, None, color="k", alpha=0.6)
        ax.set_title(f"Himmelblau: basin of each start ({method})")
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers
