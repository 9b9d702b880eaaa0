"""Armijo backtracking, the exact step on quadratics, and the quadratic model."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.classic.line_search import LineSearchError


def test_backtracking_returns_the_first_step_with_sufficient_decrease():
    value = lambda x: float(x @ x)  # noqa: E731
    x = np.array([1.0, 0.0])
    g = 2 * x
    alpha, f_new = classic.backtracking(value, x, value(x), g, -g, initial=4.0, c=0.5, shrink=0.5)
    # f(x - a g) = (1 - 2a)^2 must be <= 1 - 0.5 * a * 4: a = 4, 2 fail; a = 1 ... gives 1 <= -1 no;
    # a = 0.5 gives 0 <= 0 yes.
    assert alpha == 0.5 and f_new == 0.0


def test_backtracking_refuses_an_ascent_direction():
    with pytest.raises(LineSearchError, match="descent"):
        classic.backtracking(lambda x: float(x @ x), np.ones(2), 2.0, 2 * np.ones(2), np.ones(2))


def test_exact_step_minimises_the_quadratic_along_the_ray():
    h = np.array([[3.0, 1.0], [1.0, 2.0]])
    g = np.array([1.0, -2.0])
    alpha = classic.exact_quadratic(g, h)
    assert alpha == pytest.approx(g @ g / (g @ h @ g))
    grid = np.linspace(0, 3 * alpha, 301)
    assert grid[np.argmin(classic.quadratic_model_change(grid, g, h))] == pytest.approx(alpha, rel=0.01)
    with pytest.raises(LineSearchError, match="curvature"):
        classic.exact_quadratic(np.array([0.0, 1.0]), np.diag([1.0, -1.0]))


def test_model_change_is_zero_at_twice_the_exact_step():
    h, g = np.diag([1.0, 100.0]), np.array([1.0, 100.0])
    alpha = classic.exact_quadratic(g, h)
    change = classic.quadratic_model_change(np.array([0.5, 1, 2, 2.5]) * alpha, g, h)
    assert change[0] < 0 and change[1] < change[0] and change[3] > 0
    assert change[2] == pytest.approx(0.0, abs=1e-9)
