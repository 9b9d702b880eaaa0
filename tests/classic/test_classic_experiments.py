"""The practical's experiments: the numbers they return agree with the theory."""

import numpy as np
import pytest

from dlcourse import classic


def test_step_size_bound_numbers_and_figure(tmp_path):
    out = classic.step_size_bound(condition_number=100.0, x0=(1.0, 1.0), path=tmp_path / "bound.png")
    g, h = np.array([1.0, 100.0]), np.diag([1.0, 100.0])
    assert out["alpha_star"] == pytest.approx(g @ g / (g @ h @ g), rel=1e-12)
    change = np.array(out["model_change"])  # at 0.5, 1, 1.5, 2, 2.5 alpha*
    assert change[0] < 0 and change[1] == min(change) and change[4] > 0
    assert out["slope_below"] < 0 < out["slope_above"]
    np.testing.assert_allclose(out["actual_change"], change, atol=1e-9)  # exact on a quadratic
    assert (tmp_path / "bound.png").stat().st_size > 0


def test_zigzag_rate_matches_kappa_minus_one_over_kappa_plus_one():
    out = classic.zigzag_rate(condition_number=100.0, iterations=50)
    assert out["gd_rate"] == pytest.approx(99 / 101, rel=1e-10)
    assert out["exact_rate_f"] == pytest.approx((99 / 101) ** 2, rel=1e-6)
    assert out["sign_flips"] == 50  # y changes sign at every step: the zig-zag


def test_estimate_order_on_known_sequences():
    linear = 0.5 ** np.arange(30)
    quadratic = np.array([1e-1, 1e-2, 1e-4, 1e-8, 1e-16])
    assert classic.estimate_order(linear) == pytest.approx(1.0, abs=1e-12)
    assert classic.estimate_order(quadratic) == pytest.approx(2.0, abs=1e-12)
    assert np.isnan(classic.estimate_order([1.0, 0.1]))


def test_convergence_orders_newton_quadratic_gd_linear(tmp_path):
    out = classic.convergence_orders(gd_maxiter=300, path=tmp_path / "orders.png")
    assert 1.8 <= out["newton_order"] <= 2.2
    assert out["gd_order"] == pytest.approx(1.0, abs=0.05)
    assert out["newton_iterations"] < 40 and out["newton_error"] < 1e-8
    assert out["gd_extrapolated"] and out["gd_iterations"] > 1000
    assert out["quadratic_newton_iterations"] == 1 and out["quadratic_newton_error"] < 1e-12
    assert (tmp_path / "orders.png").exists()


def test_saddle_attracts_newton_and_not_gd_or_modified_newton():
    out = classic.saddle_escape(iterations=40)
    assert out["newton"]["distance_to_saddle"] < 1e-12 and not out["newton"]["escaped"]
    assert out["gd"]["escaped"] and out["modified-newton"]["escaped"]
    # GD multiplies y by (1 + 2 * 0.1) per step: 1e-3 * 1.2^40.
    assert out["gd"]["distance_to_saddle"] == pytest.approx(1e-3 * 1.2**40, rel=1e-3)


def test_himmelblau_basins_reach_known_minima():
    out = classic.himmelblau_basins(grid=4, maxiter=200)
    labels = np.array(out["labels"])
    assert sum(out["counts"]) + out["unconverged"] == 16
    assert len(set(labels[labels >= 0].tolist())) >= 3  # a non-convex function: several answers
    assert out["counts"] == [int(np.sum(labels == k)) for k in range(4)]
    # Each label is where minimize itself ends from that start.
    axis = np.linspace(-5, 5, 4)
    end = classic.minimize(classic.Himmelblau(), [axis[1], axis[2]], "armijo", maxiter=200).x
    np.testing.assert_allclose(end, classic.Himmelblau.minimizers[labels[2, 1]], atol=1e-6)


def test_random_matrix_products_vanish_and_explode():
    out = classic.random_matrix_products(sigmas=(0.5, 1.0, 2.0), factors=100, dim=16, trials=5)
    logs = out["log10_norm"]
    assert logs["0.5"] < -25 and logs["2.0"] > 25 and abs(logs["1.0"]) < 5
    assert out["predicted"]["0.5"] == pytest.approx(-100 * np.log10(2))


def test_compare_classifiers_xor_needs_non_linear_features():
    out = classic.compare_classifiers(n_samples=80, epochs=150)
    assert out["separable"]["perceptron"] == 1.0
    assert out["xor"]["logistic"] < 0.75
    assert out["xor"]["logistic + poly(3)"] > 0.95 and out["xor"]["logistic + RBF"] > 0.95
