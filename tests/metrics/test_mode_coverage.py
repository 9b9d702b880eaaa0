"""Mode coverage on the ring of 8 Gaussians, on hand-made samples."""

import numpy as np
import pytest

from dlcourse import metrics
from dlcourse.errors import DLCourseError


def test_the_data_itself_covers_every_mode():
    points = metrics.ring_of_gaussians(2000, seed=0)
    assert points.shape == (2000, 2) and points.dtype == np.float32
    result = metrics.mode_coverage(points)
    assert result["modes_covered"] == 8 and result["high_quality"] > 0.99
    assert sum(result["counts"]) == pytest.approx(2000 * result["high_quality"])


def test_a_collapsed_generator_covers_one_mode():
    centre = metrics.ring_centers()[3]
    points = centre + np.random.default_rng(1).normal(0, 0.02, size=(1000, 2))
    result = metrics.mode_coverage(points)
    assert result["modes_covered"] == 1 and result["counts"][3] > 970  # 98.9 % lie within 3 std in 2-D


def test_half_the_modes_and_off_ring_samples():
    centres = metrics.ring_centers()[[0, 2, 4, 6]]
    on_ring = np.repeat(centres, 100, axis=0)                     # 400 perfect samples
    between = np.zeros((400, 2))                                  # 400 at the origin: bad
    result = metrics.mode_coverage(np.concatenate([on_ring, between]))
    assert result["modes_covered"] == 4
    assert result["high_quality"] == 0.5
    assert result["counts"] == [100, 0, 100, 0, 100, 0, 100, 0]


def test_a_mode_with_a_few_samples_is_not_covered():
    # 1 sample out of 800 is under a tenth of the fair share (100): not covered.
    centres = metrics.ring_centers()
    points = np.concatenate([np.repeat(centres[:7], [114, 114, 114, 114, 114, 114, 115], axis=0), centres[7:]])
    assert metrics.mode_coverage(points)["modes_covered"] == 7


def test_bad_input_raises():
    with pytest.raises(DLCourseError, match="samples"):
        metrics.mode_coverage(np.zeros((10, 3)))
    with pytest.raises(DLCourseError, match="n"):
        metrics.ring_of_gaussians(0)
