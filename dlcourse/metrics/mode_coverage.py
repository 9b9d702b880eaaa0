"""Mode collapse, measured: eight Gaussians on a ring, and how many of them a generator covers.

    points = ring_of_gaussians(1000, seed=0)          # the training data, (1000, 2)
    mode_coverage(generated_points)                   # {"modes_covered", "high_quality", ...}

A sample is high quality if it lies within 3 standard deviations of the nearest mode's
centre; a mode is covered if it holds at least `min_share` of its fair share (n / modes)
of the high-quality samples. A collapsed generator puts everything on one or two modes.
"""

import numpy as np

from dlcourse.errors import DLCourseError

MODES, RADIUS, STD = 8, 2.0, 0.02  # The ring of the unrolled-GAN and VEEGAN papers.


def ring_centers(modes=MODES, radius=RADIUS):
    """The `modes` centres, evenly spaced on a circle of `radius`: (modes, 2) float64."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_of_gaussians(n, modes=MODES, radius=RADIUS, std=STD, seed=0):
    """`n` points (float32, (n, 2)): a uniformly chosen centre plus N(0, std**2 I) noise."""
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise DLCourseError(f"`n` must be a positive integer. Received: n={n!r}")
    rng = np.random.default_rng(seed)
    centers = ring_centers(modes, radius)[rng.integers(0, modes, size=int(n))]
    return (centers + rng.normal(0.0, std, size=(int(n), 2))).astype(np.float32)


def mode_coverage(samples, modes=MODES, radius=RADIUS, std=STD, min_share=0.1):
    """How many ring modes `samples` cover, and how many samples are good.

    Args:
        samples: (n, 2) generated points.
        modes, radius, std: the ring the generator was trained on.
        min_share: a mode is covered if it holds >= min_share * n / modes high-quality samples.

    Returns:
        `{"modes_covered": int, "high_quality": fraction within 3 std of a centre,
          "counts": high-quality samples per mode (list)}`.

    Reference: Srivastava et al., "VEEGAN", NeurIPS 2017, Sec. 5.1 (the metrics);
    Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017 (the ring).
    """
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise DLCourseError(f"`samples` must be an (n, 2) array of points. Received shape {samples.shape}.")
    distances = np.linalg.norm(samples[:, None, :] - ring_centers(modes, radius)[None], axis=-1)  # (n, modes)
    nearest = np.argmin(distances, axis=1)
    good = distances[np.arange(len(samples)), nearest] < 3 * std
    counts = np.bincount(nearest[good], minlength=modes)
    covered = int(np.sum(counts >= min_share * len(samples) / modes))
    return {"modes_covered": covered, "high_quality": float(good.mean()), "counts": counts.tolist()}
