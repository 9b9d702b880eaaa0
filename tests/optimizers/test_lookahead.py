"""Lookahead against the paper's Algorithm 1, written out in numpy."""

import keras
import numpy as np
import pytest

from _optimizer_problem import QUAD_START, quadratic_gradient, run_quadratic
from dlcourse.errors import DLCourseError
from dlcourse.optimizers import SGD, Adam, Lookahead

RTOL, ATOL = 1e-5, 1e-6


def lookahead_sgd_reference(steps, learning_rate, momentum, k, alpha):
    """Algorithm 1 with inner SGD momentum (Keras form m = gamma*m - lr*g; w += m)."""
    w = QUAD_START.astype("float64")
    slow = w.copy()
    m = np.zeros_like(w)
    history = []
    for t in range(1, steps + 1):
        m = momentum * m - learning_rate * quadratic_gradient(w)
        w = w + m
        if t % k == 0:
            slow = slow + alpha * (w - slow)
            w = slow.copy()
        history.append(w.copy())
    return np.array(history)


@pytest.mark.parametrize("inner", [SGD, keras.optimizers.SGD], ids=["ours", "keras"])
def test_matches_paper_algorithm_with_any_inner_optimizer(inner):
    expected = lookahead_sgd_reference(14, 0.05, 0.5, k=3, alpha=0.5)
    optimizer = Lookahead(inner(0.05, momentum=0.5), sync_period=3, slow_step_size=0.5)
    np.testing.assert_allclose(run_quadratic(optimizer, 14), expected, rtol=RTOL, atol=ATOL)


def test_alpha_one_is_the_inner_optimizer():
    plain = run_quadratic(Adam(0.05), 10)
    wrapped = run_quadratic(Lookahead(Adam(0.05), sync_period=2, slow_step_size=1.0), 10)
    np.testing.assert_allclose(wrapped, plain, rtol=1e-6, atol=1e-7)


def test_learning_rate_is_the_inner_one():
    inner = keras.optimizers.Adam(0.01)
    optimizer = Lookahead(inner)
    optimizer.learning_rate = 0.002
    assert float(inner.learning_rate) == pytest.approx(0.002)
    assert float(optimizer.learning_rate) == pytest.approx(0.002)


def test_bad_arguments_raise():
    with pytest.raises(DLCourseError, match="set it on the inner optimizer"):
        Lookahead(Adam(), clipnorm=1.0)
    with pytest.raises(DLCourseError, match="sync_period"):
        Lookahead(Adam(), sync_period=0)
    with pytest.raises(DLCourseError, match="slow_step_size"):
        Lookahead(Adam(), slow_step_size=1.5)
    with pytest.raises(DLCourseError, match="keras.optimizers.Optimizer"):
        Lookahead("adam")


@pytest.mark.parametrize("name", ["lookahead", "ranger"])
def test_fit_under_xla_equals_fit_without(name):
    """Built while `fit` traces (and under XLA), the slow weights still start at w_0."""
    from dlcourse import optimizers

    rng = np.random.default_rng(0)
    x, y = rng.random((64, 4), dtype=np.float32), rng.random((64, 1), dtype=np.float32)
    weights = {}
    for jit in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer=optimizers.get(name, learning_rate=0.05), loss="mse",
                      jit_compile=jit, steps_per_execution=4)
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        weights[jit] = model.get_weights()[0]
    np.testing.assert_allclose(weights[True], weights[False], rtol=1e-5, atol=1e-6)
    # Sixteen steps with sync_period 6: the slow weights moved away from zero.
    assert np.abs(model.optimizer._slow_weights[0].numpy()).max() > 0.01
