"""Finite differences: exact on known gradients, and they catch a broken backward pass."""

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.errors import DLCourseError


def test_numerical_gradient_of_known_functions():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=5)
    f = lambda: float(np.sum(a**2) + np.sum(np.sin(b)))  # noqa: E731
    num_a, num_b = nn.numerical_gradient(f, [a, b])
    # Central differences: error O(eps**2) + round-off ~1e-10 at eps = 1e-6.
    np.testing.assert_allclose(num_a, 2 * a, rtol=0, atol=1e-8)
    np.testing.assert_allclose(num_b, np.cos(b), rtol=0, atol=1e-8)
    assert nn.gradient_check(f, [a, b], [2 * a, np.cos(b)]) < nn.THRESHOLD


def test_params_are_restored_after_checking():
    a = np.arange(6.0).reshape(2, 3)
    copy = a.copy()
    nn.numerical_gradient(lambda: float(np.sum(a**3)), [a])
    np.testing.assert_array_equal(a, copy)


def test_a_broken_backward_pass_fails_the_check():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)
    net = nn.MLP([5, 4, 3], activation="tanh", seed=2)
    _, grads = net.gradients(x, y)
    # A classic bug: forgetting the 1/batch factor of the mean loss.
    wrong = [g * len(x) for g in grads]
    assert nn.gradient_check(lambda: net.loss(x, y), net.params, wrong) > 1e-2


def test_relative_error_hand_computed():
    assert nn.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert nn.relative_error([3.0, 4.0], [0.0, 0.0]) == pytest.approx(1.0)
    assert nn.relative_error([0.0], [0.0]) == 0.0


def test_float32_params_are_rejected():
    with pytest.raises(DLCourseError, match="float64"):
        nn.numerical_gradient(lambda: 0.0, [np.zeros(3, dtype=np.float32)])
