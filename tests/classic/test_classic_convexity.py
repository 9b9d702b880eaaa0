"""Convexity checked numerically: Hessian eigenvalues on a grid, chords, stationary points."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.classic import convexity
from dlcourse.errors import DLCourseError


def test_batched_hessians_equal_the_tape_hessian_point_by_point():
    fun = classic.Rosenbrock()
    points = np.array([[0.0, 1.0], [-1.2, 1.0], [1.0, 1.0]])
    batched = convexity.batched_hessians(fun, points)
    for point, hessian in zip(points, batched):
        np.testing.assert_allclose(hessian, fun.hessian(point), rtol=1e-12)
    # By hand at (0, 1): [[2 - 400 y + 1200 x^2, -400 x], [-400 x, 200]].
    np.testing.assert_allclose(batched[0], [[-398.0, 0.0], [0.0, 200.0]])


def test_min_eigenvalue_of_the_quadratic_is_its_smallest_curvature():
    _, eigen = classic.min_hessian_eigenvalues(classic.Quadratic(10.0), -1.0, 1.0, grid=5)
    np.testing.assert_allclose(eigen, 1.0)  # A = diag(1, 10) everywhere
    _, eigen = classic.min_hessian_eigenvalues(classic.Saddle(), -1.0, 1.0, grid=5)
    np.testing.assert_allclose(eigen, -2.0)


def test_chord_gap_of_a_quadratic_is_half_theta_one_minus_theta_times_the_curvature():
    fun, pairs, seed = classic.Quadratic(10.0), 50, 3
    gaps = classic.chord_gaps(fun, -2.0, 2.0, pairs=pairs, seed=seed)
    rng = np.random.default_rng(seed)  # The same draws as chord_gaps makes.
    x, y = rng.uniform(-2.0, 2.0, (2, pairs, 2))
    theta = rng.uniform(0.0, 1.0, pairs)
    d = x - y
    expected = 0.5 * theta * (1 - theta) * np.einsum("ki,ij,kj->k", d, fun.A, d)
    np.testing.assert_allclose(gaps, expected, rtol=1e-9, atol=1e-12)
    assert gaps.min() >= 0


def test_check_convexity_finds_the_convex_ones(tmp_path):
    out = classic.check_convexity(grid=9, pairs=200, path=tmp_path / "convexity.png")
    convex = {name for name, row in out.items() if name != "figure" and row["convex"]}
    assert convex == {"quadratic", "logistic loss"}
    assert out["saddle"]["hessian_negative"] == 1.0 and out["saddle"]["chord_violations"] > 0.3
    assert out["rosenbrock"]["min_eigenvalue"] < -100  # the valley floor bends down
    assert out["logistic loss"]["min_eigenvalue"] > 0
    assert (tmp_path / "convexity.png").stat().st_size > 1000


def test_stationary_point_of_a_convex_function_is_the_global_minimum():
    fun = classic.Quadratic(10.0, b=[1.0, 2.0])
    out = classic.stationary_points_are_global(fun, -2.0, 2.0, starts=4)
    assert [p["kind"] for p in out["points"]] == ["minimum"]
    np.testing.assert_allclose(out["points"][0]["x"], [1.0, 0.2], atol=1e-12)  # A^-1 b
    assert out["all_global"] and out["points"][0]["fun"] <= out["sample_min"]


def test_himmelblau_has_stationary_points_that_are_no_minimum():
    out = classic.stationary_points_are_global(classic.Himmelblau(), -5.0, 5.0, starts=16)
    kinds = {p["kind"] for p in out["points"]}
    assert {"minimum", "saddle", "maximum"} <= kinds and not out["all_global"]
    maximum = next(p for p in out["points"] if p["kind"] == "maximum")
    np.testing.assert_allclose(maximum["x"], [-0.270845, -0.923039], atol=1e-5)
    assert maximum["fun"] == pytest.approx(181.617, abs=1e-3)


def test_an_empty_box_is_refused():
    with pytest.raises(DLCourseError, match="high > low"):
        classic.chord_gaps(classic.Saddle(), 1.0, 1.0)
