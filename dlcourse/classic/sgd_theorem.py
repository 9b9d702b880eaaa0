"""SGD's convergence theorem for a convex problem, measured; GD's rate beside it.

The lecture's theorem: for a convex f, SGD with steps eta_t = c / sqrt(t) from w_1, the
averaged iterate w_avg_t = (w_1 + ... + w_t) / t satisfies

    E[f(w_avg_t)] - f* <= (D**2 / c + c * sqrt((t + 1) / t) * C**2) / sqrt(t)

where D bounds the distance of the iterates to a minimiser w* and C bounds the norm of
the stochastic gradients: O(1 / sqrt(t)) in the number of updates t. Gradient descent
with step 1 / L on an L-smooth convex f satisfies

    f(w_k) - f* <= L * |w_0 - w*|**2 / (2 * k)                       O(1 / k) in updates k

`sgd_theorem` runs both on logistic regression (convex) with one example per SGD update,
takes D and C as the largest distance and gradient norm seen on the run (so the run is
an instance of the theorem's assumptions), and reports the suboptimality against each
bound, per update and per epoch (an epoch is m SGD updates but one GD update).

Bounds are worst cases: on this smooth, locally strongly convex loss both methods beat
them. Measured (the defaults: 200 overlapping blobs, c = 1, 30 epochs = 6,000 updates):
the averaged SGD iterate ends 2e5 times below its bound (log-log slope -1.3, the last
iterate -0.9), GD with step 1 / L reaches round-off after about 100 updates (linear, far
below L D0^2 / 2k). Per update GD is ahead; per epoch SGD is ahead for about 20 epochs
(after one: 1.3e-3 against 3.8e-2), then GD's linear rate overtakes it.

Reference: Nemirovski, Juditsky, Lan & Shapiro, "Robust stochastic approximation
approach to stochastic programming", SIAM J. Optim. 2009, Sec. 2.2; GD: Nesterov,
"Introductory Lectures on Convex Optimization", 2004, Thm. 2.1.14.
"""

import numpy as np

from dlcourse.classic.logistic import LogisticLoss, check_dataset, mean_logistic_gradient, mean_logistic_loss
from dlcourse.classic.minimize import minimize
from dlcourse.errors import DLCourseError


def sgd_bound(t, c, distance, gradient_bound):
    """The lecture's bound (D**2 / c + c * sqrt((t + 1) / t) * C**2) / sqrt(t), for t >= 1."""
    t = np.asarray(t, dtype=np.float64)
    return (distance**2 / c + c * np.sqrt((t + 1) / t) * gradient_bound**2) / np.sqrt(t)


def _checkpoints(total, count=40):
    """About `count` log-spaced update numbers in [1, total], always with 1 and total."""
    return np.unique(np.geomspace(1, total, count).astype(int))


def _run_sgd(x, y, c, epochs, l2, w_star, seed):
    """SGD (one example per update, eta_t = c / sqrt(t)); the iterates at the checkpoints."""
    m = len(y)
    rng = np.random.default_rng(seed)
    keep = set(_checkpoints(epochs * m).tolist()) | {e * m for e in range(1, epochs + 1)}
    w, total = np.zeros(x.shape[1] + 1), np.zeros(x.shape[1] + 1)
    t, distance, gradient_bound, saved = 0, 0.0, 0.0, {}
    for _ in range(epochs):
        for i in rng.permutation(m):
            t += 1
            g = mean_logistic_gradient(w, x[i : i + 1], y[i : i + 1], l2)
            gradient_bound = max(gradient_bound, float(np.linalg.norm(g)))
            w = w - c / np.sqrt(t) * g
            total += w
            distance = max(distance, float(np.linalg.norm(w - w_star)))
            if t in keep:
                saved[t] = (total / t, w.copy())
    return saved, distance, gradient_bound


def sgd_theorem(x=None, y=None, c=1.0, epochs=30, l2=0.0, seed=0, path=None):
    """Averaged SGD against the lecture's bound, and GD (step 1 / L) against L D0^2 / 2k.

    Args:
        x, y: features (m, d) and 0/1 labels; default 200 overlapping Gaussian blobs.
        c: SGD's step constant, eta_t = c / sqrt(t).
        epochs: passes over the data (SGD: epochs * m updates; GD: as many updates).
        l2: ridge penalty of the logistic loss.
        path: a .png to draw suboptimality per update and per epoch.

    Returns:
        dict: "updates" (checkpoints t), "sgd_average", "sgd_last", "bound" (the
        theorem's right-hand side at t), "distance" D, "gradient_bound" C,
        "bound_holds", "gd" and "gd_bound" (at the same update counts),
        "per_epoch" {"sgd", "gd"}, "slopes" (log-log slopes over the run),
        and "figure" when `path` is given.
    """
    if x is None:
        from dlcourse.data import toy

        x, y = toy.make_blobs(200, distance=2.0, noise=1.0, seed=seed)
    x, y = check_dataset(x, y)
    if not c > 0 or int(epochs) < 1:
        raise DLCourseError(f"`c` must be positive and `epochs` at least 1. Received: c={c}, epochs={epochs}")
    m, epochs = len(y), int(epochs)
    optimum = minimize(LogisticLoss(x, y, l2), np.zeros(x.shape[1] + 1), "newton", maxiter=100, tol=1e-12)
    w_star, f_star = optimum.x, float(optimum.fun)
    saved, distance, gradient_bound = _run_sgd(x, y, c, epochs, l2, w_star, seed)
    updates = _checkpoints(epochs * m)
    gap = lambda w: max(mean_logistic_loss(w, x, y, l2) - f_star, 0.0)
    gd, smoothness = _run_gd(x, y, l2, epochs * m, gap)
    numbers = {
        "updates": updates.tolist(),
        "sgd_average": [gap(saved[t][0]) for t in updates],
        "sgd_last": [gap(saved[t][1]) for t in updates],
        "bound": sgd_bound(updates, c, distance, gradient_bound).tolist(),
        "distance": distance,
        "gradient_bound": gradient_bound,
        "gd": [gd[t - 1] for t in updates],
        "gd_bound": (smoothness * np.sum(w_star**2) / (2 * updates)).tolist(),
        "per_epoch": {"sgd": [gap(saved[e * m][0]) for e in range(1, epochs + 1)],
                      "gd": gd[:epochs]},
    }
    numbers["bound_holds"] = bool(np.all(np.array(numbers["sgd_average"]) <= numbers["bound"]))
    numbers["slopes"] = {k: _slope(updates, numbers[k]) for k in ("sgd_average", "sgd_last", "gd")}
    if path is not None:
        numbers["figure"] = str(_plot(numbers, m, path))
    return numbers


def _run_gd(x, y, l2, steps, gap):
    """GD with step 1 / L, L = largest eigenvalue of X1^T X1 / (4 m) + l2 (the logistic
    loss's smoothness); suboptimality after each of `steps` updates, and L."""
    x1 = np.c_[x, np.ones(len(x))]
    smoothness = float(np.linalg.eigvalsh(x1.T @ x1)[-1] / (4 * len(x)) + l2)
    w, gaps = np.zeros(x1.shape[1]), []
    for _ in range(steps):
        w = w - mean_logistic_gradient(w, x, y, l2) / smoothness
        gaps.append(gap(w))
    return gaps, smoothness


def _slope(updates, values):
    """Least-squares slope of log(value) on log(t), over the points above round-off."""
    values = np.asarray(values)
    ok = values > 1e-13
    if ok.sum() < 3:
        return float("nan")
    return float(np.polyfit(np.log(np.asarray(updates)[ok]), np.log(values[ok]), 1)[0])


def _plot(numbers, m, path):
    from dlcourse import plots

    t = np.asarray(numbers["updates"])
    fig, (ax, ax_epoch) = plots.figure(ncols=2, size=(5.0, 4.0))
    floor = lambda v: np.maximum(v, 1e-16)
    ax.loglog(t, floor(numbers["sgd_average"]), label="SGD, averaged iterate")
    ax.loglog(t, floor(numbers["sgd_last"]), alpha=0.6, label="SGD, last iterate")
    ax.loglog(t, numbers["bound"], "--", label="bound (D^2/c + c sqrt((t+1)/t) C^2)/sqrt(t)")
    ax.loglog(t, floor(numbers["gd"]), label="GD, step 1/L")
    ax.loglog(t, numbers["gd_bound"], ":", label="bound L D0^2 / 2k")
    ax.set_xlabel("updates")
    ax.set_ylabel("f - f*")
    ax.legend(fontsize=7)
    epochs = np.arange(1, len(numbers["per_epoch"]["gd"]) + 1)
    ax_epoch.semilogy(epochs, floor(numbers["per_epoch"]["sgd"]), "o-", label=f"SGD averaged ({m} updates/epoch)")
    ax_epoch.semilogy(epochs, floor(numbers["per_epoch"]["gd"]), "s-", label="GD (1 update/epoch)")
    ax_epoch.set_xlabel("epochs")
    ax_epoch.legend(fontsize=7)
    for a in (ax, ax_epoch):
        a.grid(alpha=0.3)
    return plots.save_figure(fig, path)
