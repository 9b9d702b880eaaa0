"""Universal approximation: wider one-hidden-layer networks fit better; a network bends its boundary."""

import numpy as np
import pytest

from dlcourse import studies
from dlcourse.errors import DLCourseError


def test_shallow_network_is_c_sigma_ax_plus_b():
    model = studies.shallow_network(5, seed=0)
    assert model.count_params() == 3 * 5  # A, b, C: no output bias
    x = np.array([[0.3], [-1.0]], "float32")
    (a, b), (c,) = model.get_layer("A_b").get_weights(), model.get_layer("C").get_weights()
    expected = (1 / (1 + np.exp(-(x @ a + b)))) @ c
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5)
    with pytest.raises(DLCourseError, match="width"):
        studies.shallow_network(0)


def test_error_falls_with_width(tmp_path):
    out = studies.width_sweep(widths=(1, 16), steps=400, points=128, path=tmp_path / "widths.png")
    assert out["widths"] == [1, 16]
    assert out["rmse"][1] < 0.4 * out["rmse"][0]  # measured: 0.86 -> 0.07 at 600 steps
    assert out["max_error"][1] < out["max_error"][0]
    assert (tmp_path / "widths.png").stat().st_size > 1000


def test_small_network_separates_the_moons_a_line_cannot(tmp_path):
    out = studies.decision_boundary(steps=300, samples=200, path=tmp_path / "moons.png")
    assert out["accuracy"] > 0.95 and out["linear_accuracy"] < 0.92
    assert (tmp_path / "moons.png").stat().st_size > 1000
