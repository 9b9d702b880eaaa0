"""Experiments on step sizes and convergence rates; each returns numbers (and a figure).

    step_size_bound     along -g the quadratic model m(alpha) - f = -alpha g^T g
                        + 0.5 alpha^2 g^T H g decreases for alpha < alpha* = g^T g / g^T H g,
                        increases past it, and is above f for alpha > 2 alpha*
    zigzag_rate         GD on 0.5 (x^2 + kappa y^2) with alpha = 2 / (L + mu): the error
                        shrinks by (kappa - 1) / (kappa + 1) per step, y flips sign each step;
                        exact line search from (kappa, 1): f shrinks by ((kappa-1)/(kappa+1))^2
    estimate_order      q in e_{k+1} = C e_k^q: slope of log e_{k+1} against log e_k
                        (q = 1 linear, q = 2 quadratic)
    convergence_orders  Newton vs GD on Rosenbrock from (-1.2, 1) and near (1, 1);
                        Newton's one step on a quadratic

Pass `path` (a .png) to also write the figure; its path is then returned under "figure".
"""

import numpy as np

from dlcourse.classic.figures import draw_contour, draw_convergence, draw_trajectory
from dlcourse.classic.functions import Quadratic, Rosenbrock
from dlcourse.classic.line_search import quadratic_model_change
from dlcourse.classic.minimize import minimize


def step_size_bound(condition_number=100.0, x0=(1.0, 1.0), path=None):
    """The step-size bound on `Quadratic(condition_number)` at `x0`."""
    fun = Quadratic(condition_number)
    g, H = fun.gradient(x0), fun.hessian(x0)
    alpha_star = float(g @ g / (g @ H @ g))
    ratios = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    model = quadratic_model_change(ratios * alpha_star, g, H)
    actual = [fun.value(np.asarray(x0) - a * g) - fun.value(x0) for a in ratios * alpha_star]
    numbers = {
        "alpha_star": alpha_star,
        "alpha_ratios": ratios.tolist(),
        "model_change": model.tolist(),
        "actual_change": list(map(float, actual)),
        # Slope of the model along the ray: negative below alpha*, positive above.
        "slope_below": float(-g @ g + 0.5 * alpha_star * (g @ H @ g)),
        "slope_above": float(-g @ g + 1.5 * alpha_star * (g @ H @ g)),
    }
    if path is not None:
        from dlcourse import plots

        fig, ax = plots.figure()
        grid = np.linspace(0, 2.6, 200) * alpha_star
        ax.plot(grid / alpha_star, quadratic_model_change(grid, g, H), label="m(alpha) - f(x)")
        ax.axhline(0, color="k", linewidth=0.5)
        for r, style in ((1, "--"), (2, ":")):
            ax.axvline(r, color="gray", linestyle=style, label=f"alpha = {r} alpha*")
        ax.set_xlabel("alpha / alpha*   (alpha* = g^T g / g^T H g)")
        ax.set_ylabel("change of the quadratic model")
        ax.legend(fontsize=8)
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers


def zigzag_rate(condition_number=100.0, iterations=100, path=None):
    """Measured vs predicted linear rates of GD on an ill-conditioned quadratic."""
    kappa = float(condition_number)
    fun = Quadratic(kappa)
    fixed = minimize(fun, [1.0, 1.0], "gd", maxiter=iterations, tol=0, learning_rate=2 / (1 + kappa))
    exact = minimize(fun, [kappa, 1.0], "exact", maxiter=iterations, tol=0)
    errors = np.linalg.norm(fixed.trace["x"], axis=1)
    values = exact.trace["fun"]
    theory = (kappa - 1) / (kappa + 1)
    y = fixed.trace["x"][:, 1]
    numbers = {
        "condition_number": kappa,
        "theory_rate": theory,
        "gd_rate": float((errors[-1] / errors[0]) ** (1 / fixed.nit)),
        "exact_rate_f": float((values[exact.nit] / values[0]) ** (1 / exact.nit)),
        "theory_rate_f": theory**2,
        "sign_flips": int(np.sum(np.sign(y[1:]) != np.sign(y[:-1]))),
        "iterations": int(fixed.nit),
    }
    if path is not None:
        from dlcourse import plots

        fig, axes = plots.figure(ncols=2)
        lim = (-1.1 * kappa, 1.1 * kappa)
        draw_contour(axes[0], fun, lim, (-1.5, 1.5), log=False)
        draw_trajectory(axes[0], exact.trace["x"][:40], "exact line search")
        axes[0].set_title(f"zig-zag, kappa = {kappa:g}")
        axes[0].legend(fontsize=8)
        draw_convergence(axes[1], {"GD |x - x*|": errors, "exact line search f - f*": values})
        steps = np.arange(len(errors))
        axes[1].semilogy(steps, errors[0] * theory**steps, "k--", label="theory: r^k, r^2k")
        axes[1].semilogy(steps, values[0] * theory ** (2 * steps), "k--")
        axes[1].legend(fontsize=8)
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers


def estimate_order(errors, floor=1e-13, pairs=3):
    """The order q in e_{k+1} ~ C e_k^q: least-squares slope of log e_{k+1} on log e_k.

    Uses the last `pairs` consecutive pairs of errors above `floor` (round-off level);
    NaN if there are fewer than two such pairs.
    """
    e = np.asarray(errors, dtype=np.float64)
    e = e[: np.argmax(e <= floor)] if np.any(e <= floor) else e
    if len(e) < 3:
        return float("nan")
    a, b = np.log(e[:-1])[-pairs:], np.log(e[1:])[-pairs:]
    return float(np.polyfit(a, b, 1)[0])


def _iterations_to(errors, target):
    """First k with errors[k] <= target, or None."""
    hits = np.flatnonzero(np.asarray(errors) <= target)
    return int(hits[0]) if len(hits) else None


def convergence_orders(gd_maxiter=60000, learning_rate=1e-3, target=1e-8, path=None):
    """Newton (quadratic) vs gradient descent (linear) on Rosenbrock from (-1.2, 1).

    If GD has not reached `target` within `gd_maxiter`, the iterations it would need are
    extrapolated from its measured linear rate (flag "gd_extrapolated").
    """
    fun, x0 = Rosenbrock(), [-1.2, 1.0]
    x_star = fun.minimizers[0]
    damped = minimize(fun, x0, "damped-newton", maxiter=100, tol=1e-12)
    near = minimize(fun, [1.2, 1.2], "newton", maxiter=100, tol=1e-12)
    gd = minimize(fun, x0, "gd", maxiter=gd_maxiter, tol=1e-12, learning_rate=learning_rate)
    e_newton = np.linalg.norm(damped.trace["x"] - x_star, axis=1)
    e_gd = np.linalg.norm(gd.trace["x"] - x_star, axis=1)
    gd_steps = _iterations_to(e_gd, target)
    tail = e_gd[-min(1000, len(e_gd) - 1) :]
    gd_rate = float((tail[-1] / tail[0]) ** (1 / (len(tail) - 1)))
    if gd_steps is None:
        gd_steps = int(len(e_gd) - 1 + np.log(target / e_gd[-1]) / np.log(gd_rate))
    quadratic = Quadratic(1000.0, dim=5, b=np.ones(5))
    one_step = minimize(quadratic, np.full(5, 3.0), "newton", maxiter=5)
    numbers = {
        "newton_order": estimate_order(np.linalg.norm(near.trace["x"] - x_star, axis=1)),
        "newton_order_from_start": estimate_order(e_newton),
        "gd_order": estimate_order(e_gd),
        "gd_rate": gd_rate,
        "newton_iterations": _iterations_to(e_newton, target),
        "gd_iterations": gd_steps,
        "gd_extrapolated": bool(_iterations_to(e_gd, target) is None),
        "newton_error": float(e_newton[-1]),
        "quadratic_newton_iterations": int(one_step.nit),
        "quadratic_newton_error": float(np.linalg.norm(one_step.x - quadratic.minimizers[0])),
    }
    if path is not None:
        from dlcourse import plots

        fig, axes = plots.figure(ncols=2)
        draw_contour(axes[0], fun, (-1.5, 1.5), (-0.5, 1.5))
        draw_trajectory(axes[0], damped.trace["x"], "damped Newton")
        draw_trajectory(axes[0], gd.trace["x"], "GD")
        axes[0].legend(fontsize=8)
        draw_convergence(axes[1], {"damped Newton": e_newton, "GD": e_gd}, ylabel="|x - x*|")
        axes[1].set_xscale("symlog", linthresh=10)
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers
