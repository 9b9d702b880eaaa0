"""`minimize`: each method on cases with known answers, the trace, stopping and errors."""

import numpy as np
import pytest
import tensorflow as tf

from dlcourse import classic
from dlcourse.errors import DLCourseError

QUAD = classic.Quadratic(condition_number=10.0, dim=3, b=[1.0, 2.0, 3.0])
X_STAR = QUAD.minimizers[0]  # A^-1 b with A = diag(1, 5.5, 10)

# (method, options) that all reach the quadratic's minimiser from (5, 5, 5).
CONVERGING = [
    ("gd", {"learning_rate": 0.15}),
    ("armijo", {"tol": 1e-7}),  # Value comparisons stall near |g| ~ sqrt(eps).
    ("exact", {}),
    ("momentum", {"learning_rate": 0.05, "momentum": 0.5}),
    ("nesterov", {"learning_rate": 0.05, "momentum": 0.5}),
    ("newton", {}),
    ("damped-newton", {}),
    ("modified-newton", {}),
]


@pytest.mark.parametrize("method, options", CONVERGING, ids=[m for m, _ in CONVERGING])
def test_every_method_finds_the_minimiser_of_a_quadratic(method, options):
    options = {"tol": 1e-9, **options}
    result = classic.minimize(QUAD, np.full(3, 5.0), method=method, maxiter=2000, **options)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, X_STAR, atol=100 * options["tol"])
    assert result.fun == pytest.approx(-0.5 * QUAD.b @ X_STAR, abs=1e-12)
    trace = result.trace
    assert trace["x"].shape == (result.nit + 1, 3)
    assert trace["fun"].shape == trace["grad_norm"].shape == (result.nit + 1,)
    assert trace["step"].shape == trace["alpha"].shape == (result.nit,)
    np.testing.assert_allclose(trace["step"], np.linalg.norm(np.diff(trace["x"], axis=0), axis=1))
    assert "Converged" in result.message


def test_gd_follows_the_hand_computed_update():
    result = classic.minimize(QUAD, [1.0, 1.0, 1.0], "gd", maxiter=3, tol=0, learning_rate=0.1)
    a = np.diag([1.0, 5.5, 10.0])
    x = np.ones(3)
    for k in range(1, 4):
        x = x - 0.1 * (a @ x - QUAD.b)
        np.testing.assert_allclose(result.trace["x"][k], x, rtol=1e-14)


def test_momentum_and_nesterov_follow_their_formulas():
    a, b, lr, beta = np.diag([1.0, 5.5, 10.0]), QUAD.b, 0.05, 0.9
    for method in ("momentum", "nesterov"):
        result = classic.minimize(QUAD, np.ones(3), method, maxiter=4, tol=0, learning_rate=lr, momentum=beta)
        x, v = np.ones(3), np.zeros(3)
        for k in range(1, 5):
            at = x + beta * v if method == "nesterov" else x
            v = beta * v - lr * (a @ at - b)
            x = x + v
            np.testing.assert_allclose(result.trace["x"][k], x, rtol=1e-13)


def test_newton_solves_a_quadratic_in_one_step():
    q = classic.Quadratic(condition_number=1e4, dim=6, b=np.arange(6.0))
    result = classic.minimize(q, np.full(6, -7.0), "newton")
    assert result.nit == 1 and result.success
    np.testing.assert_allclose(result.x, q.minimizers[0], atol=1e-12)


def test_exact_line_search_uses_gtg_over_gthg():
    x0 = np.array([2.0, -1.0, 0.5])
    result = classic.minimize(QUAD, x0, "exact", maxiter=1, tol=0)
    g = QUAD.A @ x0 - QUAD.b
    assert result.trace["alpha"][0] == pytest.approx(g @ g / (g @ QUAD.A @ g), rel=1e-13)


def test_damped_newton_solves_rosenbrock_and_gd_is_still_far():
    fun = classic.Rosenbrock()
    newton = classic.minimize(fun, [-1.2, 1.0], "damped-newton", maxiter=100, tol=1e-10)
    assert newton.success and newton.nit < 40
    np.testing.assert_allclose(newton.x, [1.0, 1.0], atol=1e-8)
    gd = classic.minimize(fun, [-1.2, 1.0], "gd", maxiter=500, learning_rate=1e-3)
    assert not gd.success and "maxiter=500" in gd.message
    assert np.linalg.norm(gd.x - 1.0) > 0.1


def test_a_plain_python_callable_works():
    result = classic.minimize(lambda x: tf.reduce_sum((x - 3.0) ** 2), [0.0, 0.0], "newton")
    np.testing.assert_allclose(result.x, [3.0, 3.0], atol=1e-12)


def test_stopping_reasons():
    fun = classic.Quadratic(condition_number=10.0)
    diverged = classic.minimize(fun, [1.0, 1.0], "gd", maxiter=5000, learning_rate=0.3)
    assert not diverged.success and "Diverged" in diverged.message  # 0.3 > 2 / L = 0.2
    small = classic.minimize(fun, [1.0, 1.0], "gd", maxiter=1000, tol=0, xtol=1e-3, learning_rate=0.01)
    assert "xtol" in small.message and small.trace["step"][-1] <= 1e-3 < small.trace["step"][-2]
    singular = classic.minimize(lambda x: x[0] ** 2, [1.0, 2.0], "newton")
    assert not singular.success and "singular" in singular.message
    at_min = classic.minimize(fun, [0.0, 0.0], "gd")
    assert at_min.success and at_min.nit == 0


def test_unknown_method_and_options_and_bad_x0_raise_one_line_errors():
    fun = classic.Rosenbrock()
    with pytest.raises(DLCourseError, match="Valid methods: armijo, damped-newton") as info:
        classic.minimize(fun, [0.0, 0.0], method="bfgs")
    assert "\n" not in str(info.value)
    with pytest.raises(DLCourseError, match="Unknown option"):
        classic.minimize(fun, [0.0, 0.0], method="newton", learning_rate=0.1)
    with pytest.raises(DLCourseError, match="1-D"):
        classic.minimize(fun, [[0.0, 0.0]])
    with pytest.raises(DLCourseError, match=r"shape \(2,\)"):
        classic.minimize(fun, [0.0, 0.0, 0.0])
    with pytest.raises(DLCourseError, match="finite"):
        classic.minimize(fun, [np.nan, 0.0])
    with pytest.raises(DLCourseError, match="learning_rate"):
        classic.minimize(fun, [0.0, 0.0], "gd", learning_rate=-1.0)
