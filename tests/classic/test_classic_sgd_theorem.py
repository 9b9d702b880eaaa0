"""SGD's theorem for a convex problem: the averaged iterate stays under the lecture's bound."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.data import toy
from dlcourse.errors import DLCourseError


def test_sgd_bound_by_hand():
    # t = 3, c = 2, D = 1, C = 0.5: (1/2 + 2 * sqrt(4/3) * 0.25) / sqrt(3)
    expected = (0.5 + 2 * np.sqrt(4 / 3) * 0.25) / np.sqrt(3)
    assert classic.sgd_bound(3, 2.0, 1.0, 0.5) == pytest.approx(expected, rel=1e-14)


def test_averaged_sgd_stays_under_the_bound_and_gd_under_its_own(tmp_path):
    x, y = toy.make_blobs(60, distance=2.0, noise=1.0, seed=1)
    out = classic.sgd_theorem(x, y, c=1.0, epochs=4, path=tmp_path / "sgd.png")
    assert len(out["updates"]) > 10 and out["updates"][-1] == 4 * 60
    assert out["bound_holds"]
    assert np.all(np.array(out["gd"]) <= np.array(out["gd_bound"]) + 1e-12)
    # Both make progress; the averaged iterate falls at least like 1 / sqrt(t).
    assert out["sgd_average"][-1] < out["sgd_average"][0] / 10
    assert out["slopes"]["sgd_average"] < -0.5
    # Per epoch SGD (60 updates) is ahead of GD (1 update) at the start.
    assert out["per_epoch"]["sgd"][0] < out["per_epoch"]["gd"][0]
    # Per update, GD is ahead.
    assert out["gd"][-1] < out["sgd_average"][-1]
    assert (tmp_path / "sgd.png").stat().st_size > 1000


def test_bad_step_constant_is_refused():
    with pytest.raises(DLCourseError, match="`c` must be positive"):
        classic.sgd_theorem(c=0.0, epochs=1)
