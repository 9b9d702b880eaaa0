"""SGD with a momentum schedule (MomentumWarmup), checked by hand."""

import numpy as np
import pytest

from _optimizer_problem import QUAD_START, quadratic_gradient, run_quadratic
from dlcourse.errors import DLCourseError
from dlcourse.optimizers import SGD, MomentumWarmup


def test_warmup_values():
    schedule = MomentumWarmup(0.5, 0.9, warmup_steps=4)
    got = [float(schedule(step)) for step in (0, 1, 2, 4, 100)]
    np.testing.assert_allclose(got, [0.5, 0.6, 0.7, 0.9, 0.9], rtol=1e-6)
    assert MomentumWarmup.from_config(schedule.get_config()).get_config() == schedule.get_config()


@pytest.mark.parametrize("nesterov", [False, True])
def test_scheduled_momentum_steps_by_hand(nesterov):
    learning_rate, steps, warmup = 0.05, 12, 8
    w = QUAD_START.astype("float64")
    m = np.zeros_like(w)
    expected = []
    for iteration in range(steps):  # the optimiser's iteration counter starts at 0
        gamma = 0.5 + 0.4 * min(iteration / warmup, 1.0)
        g = quadratic_gradient(w)
        m = gamma * m - learning_rate * g
        w = w + (gamma * m - learning_rate * g if nesterov else m)
        expected.append(w.copy())
    optimizer = SGD(learning_rate, momentum=MomentumWarmup(0.5, 0.9, warmup), nesterov=nesterov)
    np.testing.assert_allclose(run_quadratic(optimizer, steps), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [1.5, -0.1, "0.9"])
def test_bad_momentum_raises(bad):
    with pytest.raises(DLCourseError, match="`momentum` must be"):
        SGD(0.1, momentum=bad)


def test_bad_warmup_raises():
    with pytest.raises(DLCourseError, match="warmup_steps"):
        MomentumWarmup(warmup_steps=0)
    with pytest.raises(DLCourseError, match="final_momentum"):
        MomentumWarmup(final_momentum=1.2)
