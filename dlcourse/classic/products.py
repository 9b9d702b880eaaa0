"""Vanishing and exploding products of random matrices (why deep networks need care).

A deep linear network multiplies its input by one matrix per layer. With factors W_l
of size dim x dim, entries drawn from N(0, sigma^2 / dim) (the variance scaling of
initialisers), and a unit vector v:

    h_0 = v;    h_l = W_l h_{l-1};    norm_l = |h_l|
    log |h_L| ~ L * log(sigma)  + fluctuations:   sigma = 0.5: |h_100| ~ 0.5^100 ~ 1e-30
                                                  sigma = 1:   |h_100| stays near 1
                                                  sigma = 2:   |h_100| ~ 2^100  ~ 1e+30

Gradients in back-propagation are products of the same kind, hence vanishing and
exploding gradients.
"""

import numpy as np

from dlcourse.errors import DLCourseError


def product_norms(sigma, factors=100, dim=32, trials=20, seed=0):
    """log10 |W_l ... W_1 v| for l = 0 .. factors, one row per trial: shape (trials, factors + 1)."""
    if not sigma > 0:
        raise DLCourseError(f"`sigma` must be positive. Received: sigma={sigma}")
    rng = np.random.default_rng(seed)
    logs = np.zeros((trials, factors + 1))
    for trial in range(trials):
        h = rng.normal(size=dim)
        h /= np.linalg.norm(h)
        log_norm = 0.0
        for layer in range(1, factors + 1):
            h = rng.normal(0.0, sigma / np.sqrt(dim), size=(dim, dim)) @ h
            # Renormalise and keep the log: no overflow even when the product explodes.
            norm = np.linalg.norm(h)
            log_norm += np.log10(norm)
            h /= norm
            logs[trial, layer] = log_norm
    return logs


def random_matrix_products(sigmas=(0.5, 1.0, 2.0), factors=100, dim=32, trials=20, seed=0, path=None):
    """Median log10 of the product's norm after `factors` matrices, for each sigma.

    Returns:
        dict: "log10_norm" {sigma: median log10 |h_L|}, "predicted" {sigma: L * log10(sigma)},
        and "figure" when `path` is given (log10 |h_l| against l, median and spread).
    """
    curves = {s: product_norms(s, factors, dim, trials, seed) for s in sigmas}
    numbers = {
        "factors": int(factors),
        "log10_norm": {str(s): float(np.median(c[:, -1])) for s, c in curves.items()},
        "predicted": {str(s): float(factors * np.log10(s)) for s in sigmas},
    }
    if path is not None:
        from dlcourse import plots

        fig, ax = plots.figure()
        layers = np.arange(factors + 1)
        for s, c in curves.items():
            line = ax.plot(layers, np.median(c, axis=0), label=f"sigma = {s:g}")[0]
            low, high = np.percentile(c, [10, 90], axis=0)
            ax.fill_between(layers, low, high, color=line.get_color(), alpha=0.2)
        ax.set_xlabel("number of factors l")
        ax.set_ylabel("log10 |W_l ... W_1 v|")
        ax.grid(alpha=0.3)
        ax.legend()
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers
