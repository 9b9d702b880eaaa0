"""RAdam against the paper's Algorithm 2, written out in numpy (float64)."""

import numpy as np
import pytest

from _optimizer_problem import QUAD_START, quadratic_gradient, radam_reference_step, run_quadratic
from dlcourse.errors import DLCourseError
from dlcourse.optimizers import RAdam

# float32 optimiser vs float64 reference over 20 steps.
RTOL, ATOL = 1e-5, 1e-5


def radam_reference(steps, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                    threshold=5.0):
    """Liu et al. 2019, Algorithm 2 on the quadratic: the weights and `rectified` per step."""
    w = QUAD_START.astype("float64")
    m, v = np.zeros_like(w), np.zeros_like(w)
    history, rectified = [], []
    for t in range(1, steps + 1):
        w, m, v, adaptive = radam_reference_step(w, quadratic_gradient(w), m, v, t, learning_rate,
                                                 beta_1, beta_2, epsilon, threshold)
        history.append(w.copy())
        rectified.append(adaptive)
    return np.array(history), rectified


def test_matches_paper_algorithm_step_by_step():
    expected, rectified = radam_reference(20, learning_rate=0.01)
    # beta_2 = 0.999: rho_t ~ t, so steps 1-5 are momentum steps, 6-20 adaptive.
    assert rectified == [False] * 5 + [True] * 15
    np.testing.assert_allclose(run_quadratic(RAdam(0.01), 20), expected, rtol=RTOL, atol=ATOL)


def test_threshold_four_as_in_the_paper():
    expected, rectified = radam_reference(12, learning_rate=0.01, beta_2=0.99, threshold=4.0)
    assert rectified[4] and not rectified[3]
    got = run_quadratic(RAdam(0.01, beta_2=0.99, sma_threshold=4.0), 12)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_first_step_is_plain_momentum_step():
    # t = 1: m_hat = g, so w1 = w0 - learning_rate * g exactly.
    got = run_quadratic(RAdam(0.1), 1)[0]
    want = QUAD_START - 0.1 * quadratic_gradient(QUAD_START.astype("float64"))
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{"beta_2": 1.0}, {"beta_1": -0.1}, {"sma_threshold": 3.0}])
def test_bad_arguments_raise(kwargs):
    with pytest.raises(DLCourseError, match="must be"):
        RAdam(**kwargs)
