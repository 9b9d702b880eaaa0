"""The lecture's 100 products of 4x4 N(0, std^2) matrices: 1e-6 at std 0.5, 1e22+ at std 1."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.classic import matrix_products
from dlcourse.errors import DLCourseError


def test_product_of_one_factor_is_that_factor():
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(classic.gaussian_product(0.5, 1, 4, seed=5), rng.normal(0, 0.5, (4, 4)))


def test_lecture_numbers_are_reproduced_with_std_half(tmp_path):
    out = classic.lecture_matrix_products(trials=40, path=tmp_path / "products.png")
    # std 0.5 -> about 1e-6; std 1 -> beyond 1e22; variance 0.5 (std 0.71) would grow instead.
    assert -8 < out["0.5"]["median"] < -4
    assert out["1"]["low"] > 21 and 22 < out["1"]["median"] < 27
    assert out["0.707"]["median"] > 5
    for row in (out["0.5"], out["0.707"], out["1"]):
        assert row["median"] == pytest.approx(row["predicted"], abs=1.0)  # Lyapunov exponent
    assert (tmp_path / "products.png").stat().st_size > 1000


def test_predicted_growth_by_hand():
    # lambda = log(1) + (log 2 + digamma(2)) / 2, digamma(2) = 1 - Euler's gamma.
    expected = 100 * 0.5 * (np.log(2) + 1 - np.euler_gamma) / np.log(10)
    assert matrix_products.predicted_log10(1.0) == pytest.approx(expected, rel=1e-12)


def test_bad_std_is_refused():
    with pytest.raises(DLCourseError, match="`std` must be positive"):
        classic.gaussian_product(0.0)
