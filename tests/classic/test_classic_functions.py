"""Tape gradients and Hessians of the test functions against hand-derived formulas."""

import numpy as np
import pytest
import tensorflow as tf

from dlcourse import classic
from dlcourse.errors import DLCourseError

POINTS = [np.array([-1.2, 1.0]), np.array([0.3, -2.5]), np.array([2.0, 0.7])]


def rosenbrock_analytic(p, a=1.0, b=100.0):
    x, y = p
    f = (a - x) ** 2 + b * (y - x**2) ** 2
    g = np.array([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)])
    h = np.array([[2 - 4 * b * y + 12 * b * x**2, -4 * b * x], [-4 * b * x, 2 * b]])
    return f, g, h


def himmelblau_analytic(p):
    x, y = p
    u, v = x**2 + y - 11, x + y**2 - 7
    g = np.array([4 * x * u + 2 * v, 2 * u + 4 * y * v])
    h = np.array([[12 * x**2 + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 4 * x + 12 * y**2 - 26]])
    return u**2 + v**2, g, h


def saddle_analytic(p):
    x, y = p
    return x**2 - y**2, np.array([2 * x, -2 * y]), np.diag([2.0, -2.0])


def plateau_analytic(p, width=1.0):
    e = np.exp(-(p @ p) / (2 * width**2))
    g = p * e / width**2
    h = e / width**2 * (np.eye(2) - np.outer(p, p) / width**2)
    return 1 - e, g, h


CASES = [
    (classic.Rosenbrock(), rosenbrock_analytic),
    (classic.Himmelblau(), himmelblau_analytic),
    (classic.Saddle(), saddle_analytic),
    (classic.Plateau(), plateau_analytic),
]


@pytest.mark.parametrize("fun, analytic", CASES, ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("point", POINTS, ids=["p0", "p1", "p2"])
def test_value_gradient_hessian_match_the_formulas(fun, analytic, point):
    f, g, h = analytic(point)
    np.testing.assert_allclose(fun.value(point), f, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fun.gradient(point), g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fun.hessian(point), h, rtol=1e-12, atol=1e-12)


def test_quadratic_gradient_hessian_and_minimiser():
    q = classic.Quadratic(condition_number=50.0, dim=4, b=[1.0, -2.0, 0.5, 3.0])
    a = np.diag(np.linspace(1, 50, 4))
    x = np.array([0.3, -1.0, 2.0, 0.1])
    np.testing.assert_allclose(q.value(x), 0.5 * x @ a @ x - q.b @ x, rtol=1e-13)
    np.testing.assert_allclose(q.gradient(x), a @ x - q.b, rtol=1e-13)
    np.testing.assert_allclose(q.hessian(x), a, atol=1e-13)
    np.testing.assert_allclose(q.minimizers[0], np.linalg.solve(a, q.b), rtol=1e-13)
    eig = np.linalg.eigvalsh(q.hessian(x))
    assert eig.max() / eig.min() == pytest.approx(50.0, rel=1e-12)


@pytest.mark.parametrize("fun", [classic.Rosenbrock(), classic.Himmelblau(), classic.Plateau()], ids=repr)
def test_known_minimisers_are_stationary_minima(fun):
    for x in fun.minimizers:
        assert np.linalg.norm(fun.gradient(x)) < 1e-9
        assert np.all(np.linalg.eigvalsh(fun.hessian(x)) > 0)
    assert fun.value(fun.minimizers[0]) == pytest.approx(0.0, abs=1e-20)


def test_saddle_has_a_saddle_and_no_minimiser():
    s = classic.Saddle()
    assert len(s.minimizers) == 0
    eig = np.linalg.eigvalsh(s.hessian(s.saddles[0]))
    assert eig.min() < 0 < eig.max()


def test_logistic_loss_matches_closed_form_value_gradient_hessian():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (rng.uniform(size=40) < 0.5).astype(int)
    w = rng.normal(size=4)
    loss = classic.LogisticLoss(x, y, l2=0.1)
    z = x @ w[:3] + w[3]
    p = 1 / (1 + np.exp(-z))
    f = np.mean(np.log1p(np.exp(z)) - y * z) + 0.05 * np.sum(w[:3] ** 2)
    x1 = np.c_[x, np.ones(40)]
    g = x1.T @ (p - y) / 40 + 0.1 * np.r_[w[:3], 0.0]
    h = x1.T @ (x1 * (p * (1 - p))[:, None]) / 40 + np.diag([0.1, 0.1, 0.1, 0.0])
    np.testing.assert_allclose(loss.value(w), f, rtol=1e-12)
    np.testing.assert_allclose(loss.gradient(w), g, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(loss.hessian(w), h, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(classic.mean_logistic_gradient(w, x, y.astype(float), l2=0.1), g, rtol=1e-12)
    assert classic.mean_logistic_loss(w, x, y.astype(float), l2=0.1) == pytest.approx(f, rel=1e-12)


def test_functions_are_tensor_callables_and_derivatives_work_on_lambdas():
    value = classic.Rosenbrock()(tf.constant([1.0, 1.0], tf.float64))
    assert value.shape == () and value.dtype == tf.float64
    cubic = lambda x: tf.reduce_sum(x**3)  # noqa: E731
    np.testing.assert_allclose(classic.gradient(cubic, [1.0, -2.0, 3.0]), [3.0, 12.0, 27.0])
    np.testing.assert_allclose(classic.hessian(cubic, [1.0, -2.0, 3.0]), np.diag([6.0, -12.0, 18.0]))


def test_wrong_shapes_and_non_scalar_functions_raise_clear_errors():
    with pytest.raises(DLCourseError, match=r"shape \(2,\)"):
        classic.Rosenbrock().gradient([1.0, 2.0, 3.0])
    with pytest.raises(DLCourseError, match="scalar"):
        classic.gradient(lambda x: x * 2.0, [1.0, 2.0])
    with pytest.raises(DLCourseError, match="condition_number"):
        classic.Quadratic(condition_number=0.5)


def test_eager_graph_and_xla_tiers_agree():
    # The oracle runs eagerly for 3 calls, then as a graph, then (after 500) under XLA.
    fun = classic.Himmelblau()
    x = np.array([0.7, -1.3])
    _, g_ref, h_ref = himmelblau_analytic(x)
    oracle = classic.Oracle(fun)
    grads = [oracle.value_and_gradient(x)[1] for _ in range(505)]
    hessians = [oracle.value_gradient_hessian(x)[2] for _ in range(5)]
    np.testing.assert_allclose(np.array(grads), np.broadcast_to(g_ref, (505, 2)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.array(hessians), np.broadcast_to(h_ref, (5, 2, 2)), rtol=1e-12, atol=1e-12)
    assert oracle.calls == {"value": 0, "gradient": 505, "hessian": 5}
