"""The lecture's demonstration: 100 products of 4x4 random matrices vanish or explode.

    M = I;  repeat 100 times:  M = M @ W,   W a 4x4 matrix with entries N(0, std**2)
    std = 0.5:  the entries of M are about 1e-6   (vanishing)
    std = 1:    the entries of M are about 1e22   (exploding)

Here "N(0, 0.5)" means a standard deviation of 0.5: that reproduces the lecture's 1e-6.
Read as a variance of 0.5 (std 0.71) the product explodes instead (about 1e9). Measured
over 200 seeds (log10 of the largest |entry| of M, median and 10-90 % range):

    std 0.5:   -5.6  (-7.7 .. -3.4)
    std 0.71:  +9.4  (+7.3 .. +11.7)
    std 1:    +24.5 (+22.4 .. +26.8)     the lecture's 1e22 is one draw in this range

Why: |M v| grows per factor by exp(lambda) with the top Lyapunov exponent of 4x4
Gaussian matrices, lambda = log(std) + (log 2 + digamma(2)) / 2 = log(std) + 0.558, so
100 factors give 10 ** (100 * lambda / ln 10): -5.9 decades for std 0.5, +24.2 for std 1.
The scaled form (std = sigma / sqrt(dim)) is `dlcourse.classic.random_matrix_products`.

Reference: Newman, "The distribution of Lyapunov exponents: exact results for random
matrices", Commun. Math. Phys. 1986 (the exponents of Gaussian products).
"""

import numpy as np
from scipy.special import digamma

from dlcourse.errors import DLCourseError


def gaussian_product(std, factors=100, dim=4, seed=0):
    """M = W_1 @ ... @ W_factors with entries N(0, std**2): the (dim, dim) product."""
    if not std > 0 or int(factors) < 1 or int(dim) < 1:
        raise DLCourseError(
            f"`std` must be positive, `factors` and `dim` at least 1. "
            f"Received: std={std}, factors={factors}, dim={dim}"
        )
    rng = np.random.default_rng(seed)
    product = np.eye(int(dim))
    for _ in range(int(factors)):
        product = product @ rng.normal(0.0, std, size=(int(dim), int(dim)))
    return product


def predicted_log10(std, factors=100, dim=4):
    """factors * lambda / ln 10 with the top Lyapunov exponent of dim x dim Gaussian
    matrices: lambda = log(std) + (log 2 + digamma(dim / 2)) / 2."""
    return float(factors * (np.log(std) + 0.5 * (np.log(2.0) + digamma(dim / 2.0))) / np.log(10.0))


def lecture_matrix_products(stds=(0.5, 0.5**0.5, 1.0), factors=100, dim=4, trials=200, seed=0, path=None):
    """log10 of the largest |entry| of the product, for each std, over `trials` seeds.

    Returns:
        dict std (str) -> {"median", "low" (10 %), "high" (90 %), "first" (seed `seed`),
        "predicted"}; "figure" when `path` is given (histogram per std).
    """
    logs = {
        std: np.array([np.log10(np.abs(gaussian_product(std, factors, dim, seed + k)).max())
                       for k in range(int(trials))])
        for std in stds
    }
    numbers = {
        f"{std:.3g}": {
            "median": float(np.median(v)),
            "low": float(np.percentile(v, 10)),
            "high": float(np.percentile(v, 90)),
            "first": float(v[0]),
            "predicted": predicted_log10(std, factors, dim),
        }
        for std, v in logs.items()
    }
    if path is not None:
        from dlcourse import plots

        fig, ax = plots.figure(size=(6.0, 3.6))
        for std, v in logs.items():
            ax.hist(v, bins=30, alpha=0.6, label=f"std {std:.2g}")
            ax.axvline(predicted_log10(std, factors, dim), color="k", linewidth=0.8)
        ax.set_xlabel(f"log10 max |entry| of {factors} products of {dim}x{dim} N(0, std^2)")
        ax.set_ylabel("seeds")
        ax.legend()
        numbers["figure"] = str(plots.save_figure(fig, path))
    return numbers
