"""Synthetic 2-D classification sets for practical 1: seeded, small, numpy.

Every maker returns `(x, y)`: `x` float64 of shape (n_samples, 2), `y` int32 class
indices in {0, 1}, shuffled. The same `seed` gives the same arrays.

    make_blobs      two Gaussian clouds (linearly separable when far apart)
    make_separable  uniform points labelled by a line, with an empty margin around it
    make_xor        four clouds at (+-1, +-1), label = sign(x0) xor sign(x1)
    make_moons      two interleaving half circles
    make_circles    a small circle inside a large one

Example:

    from dlcourse.data import toy
    x, y = toy.make_xor(200, noise=0.3, seed=0)
"""

import numpy as np

from dlcourse.errors import DLCourseError


def _check(n_samples, noise):
    if int(n_samples) != n_samples or n_samples < 2:
        raise DLCourseError(f"`n_samples` must be an integer >= 2. Received: n_samples={n_samples}")
    if not np.isfinite(noise) or noise < 0:
        raise DLCourseError(f"`noise` must be a finite number >= 0. Received: noise={noise}")
    return int(n_samples)


def _shuffle(x, y, rng):
    order = rng.permutation(len(y))
    return x[order].astype(np.float64), y[order].astype(np.int32)


def _split(n_samples):
    """Class sizes: half and half (the first class gets the odd one)."""
    return n_samples - n_samples // 2, n_samples // 2


def make_blobs(n_samples=200, distance=3.0, noise=0.6, seed=0):
    """Two isotropic Gaussian clouds with std `noise`, centres `distance` apart on a diagonal."""
    n_samples = _check(n_samples, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    half = distance / (2 * np.sqrt(2.0))
    x0 = rng.normal(-half, noise, size=(n0, 2))
    x1 = rng.normal(half, noise, size=(n1, 2))
    y = np.r_[np.zeros(n0), np.ones(n1)]
    return _shuffle(np.r_[x0, x1], y, rng)


def make_separable(n_samples=200, margin=0.3, seed=0):
    """Uniform points in [-2, 2]^2 labelled by a random line, none closer than `margin` to it.

    Linearly separable by construction: the perceptron reaches zero training errors.
    """
    n_samples = _check(n_samples, 0.0)
    if not 0 <= margin < 1:
        raise DLCourseError(f"`margin` must be in [0, 1). Received: margin={margin}")
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.5, 0.5)
    n0, n1 = _split(n_samples)
    x0, x1 = [], []
    # Rejection sampling: draw in blocks until both classes are full.
    while len(x0) < n0 or len(x1) < n1:
        points = rng.uniform(-2, 2, size=(4 * n_samples, 2))
        signed = points @ normal + offset
        x0.extend(points[signed < -margin][: n0 - len(x0)])
        x1.extend(points[signed > margin][: n1 - len(x1)])
    y = np.r_[np.zeros(n0), np.ones(n1)]
    return _shuffle(np.r_[np.array(x0), np.array(x1)], y, rng)


def make_xor(n_samples=200, noise=0.3, seed=0):
    """Four clouds at (+-1, +-1); class 1 where exactly one coordinate is positive."""
    n_samples = _check(n_samples, noise)
    rng = np.random.default_rng(seed)
    corners = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype=np.float64)
    which = np.arange(n_samples) % 4
    x = corners[which] + rng.normal(0, noise, size=(n_samples, 2))
    y = (which >= 2).astype(np.int32)
    return _shuffle(x, y, rng)


def make_moons(n_samples=200, noise=0.1, seed=0):
    """Two interleaving half circles (the classic "moons"), Gaussian noise of std `noise`."""
    n_samples = _check(n_samples, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    x0 = np.c_[np.cos(t0), np.sin(t0)]
    x1 = np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]
    x = np.r_[x0, x1] + rng.normal(0, noise, size=(n_samples, 2))
    y = np.r_[np.zeros(n0), np.ones(n1)]
    return _shuffle(x, y, rng)


def make_circles(n_samples=200, noise=0.05, factor=0.5, seed=0):
    """A circle of radius `factor` (class 1) inside the unit circle (class 0)."""
    n_samples = _check(n_samples, noise)
    if not 0 < factor < 1:
        raise DLCourseError(f"`factor` must be in (0, 1). Received: factor={factor}")
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    t0 = rng.uniform(0, 2 * np.pi, n0)
    t1 = rng.uniform(0, 2 * np.pi, n1)
    x = np.r_[np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]]
    x = x + rng.normal(0, noise, size=(n_samples, 2))
    y = np.r_[np.zeros(n0), np.ones(n1)]
    return _shuffle(x, y, rng)
