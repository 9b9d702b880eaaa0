"""Capacity: small MLPs underfit, large ones memorise; test loss falls with data as a power law."""

import numpy as np
import pytest

from dlcourse import studies
from dlcourse.errors import DLCourseError


def test_fit_power_law_recovers_an_exact_law():
    n = np.array([100, 200, 400, 800, 1600])
    out = studies.fit_power_law(n, 3.0 * n ** -0.4)
    assert out["a"] == pytest.approx(3.0, rel=1e-9) and out["alpha"] == pytest.approx(0.4, rel=1e-9)
    assert out["r2"] == pytest.approx(1.0)
    with pytest.raises(DLCourseError, match="power law"):
        studies.fit_power_law([1, 2], [1.0, -1.0])


def test_capacity_sweep_shows_under_and_overfitting(tmp_path):
    out = studies.capacity_sweep("digits", train_size=200, widths=(2, 64), depths=(1,), epochs=40,
                                 batch_size=32, path=tmp_path / "capacity.png")
    small, large = out["rows"]
    assert (small["width"], large["width"]) == (2, 64) and small["epochs"] == large["epochs"] == 40
    # Measured: width 2 train loss 1.98 (accuracy 0.29); width 64 0.34 (0.96), test 0.55.
    assert small["train_loss"] > 1.0 and small["train_accuracy"] < 0.6  # underfits
    assert large["train_loss"] < 0.5 and large["train_accuracy"] > 0.93  # fits the training set
    assert large["gap"] > 2 * small["gap"] and large["test_loss"] > 1.3 * large["train_loss"]
    assert (tmp_path / "capacity.png").stat().st_size > 1000


def test_scaling_law_test_loss_falls_with_data(tmp_path):
    out = studies.scaling_law("digits", sizes=(100, 800), widths=(32,), steps=300, batch_size=32,
                              path=tmp_path / "scaling.png")
    losses = out["test_loss"]["32"]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert out["fits"]["32"]["alpha"] > 0.05 and out["model_fit"] is None
    assert (tmp_path / "scaling.png").stat().st_size > 1000


def test_subset_larger_than_the_split_is_refused():
    with pytest.raises(DLCourseError, match="subset size"):
        studies.capacity_sweep("digits", train_size=10**6, widths=(2,), depths=(1,), epochs=1)
