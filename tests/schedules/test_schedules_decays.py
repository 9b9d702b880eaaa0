"""Values of the lecture's decays at step 0, in the middle and at the end, hand-computed
and against the Keras built-in each coincides with; monotone; bad arguments raise.
(The twins `CosineDecay` and `ExponentialDecay` are in test_schedules_keras_twins.py.)"""

import math

import keras
import numpy as np
import pytest

from dlcourse import schedules
from dlcourse.errors import DLCourseError

RTOL = 1e-6  # float32 arithmetic
T = 100
STEPS = np.arange(0, 151)


def _run(schedule, steps=STEPS):
    return np.array([float(schedule(int(t))) for t in steps])


def test_constant():
    np.testing.assert_allclose(_run(schedules.Constant(0.05)), 0.05, rtol=RTOL)


def test_step_decay_values_and_keras_staircase():
    schedule = schedules.StepDecay(0.1, step_size=30, factor=0.5)
    values = _run(schedule)
    assert values[0] == pytest.approx(0.1, rel=RTOL)
    assert values[29] == pytest.approx(0.1, rel=RTOL)
    assert values[30] == pytest.approx(0.05, rel=RTOL)
    assert values[150] == pytest.approx(0.1 * 0.5**5, rel=RTOL)
    assert np.all(np.diff(values) <= 0)
    twin = keras.optimizers.schedules.ExponentialDecay(0.1, 30, 0.5, staircase=True)
    np.testing.assert_allclose(values, _run(twin), rtol=RTOL)


def test_inverse_decay_values_and_keras_inverse_time():
    schedule = schedules.InverseDecay(0.1, decay_rate=0.09)
    values = _run(schedule)
    assert values[0] == pytest.approx(0.1, rel=RTOL)
    assert values[T] == pytest.approx(0.1 / (1 + 0.09 * T), rel=RTOL)  # 0.01
    assert np.all(np.diff(values) < 0)
    twin = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.09)
    np.testing.assert_allclose(values, _run(twin), rtol=RTOL)


@pytest.mark.parametrize("keras_decay_steps", [1, 10, 100])
def test_continuous_exponential_decay_values_and_keras_where_they_coincide(keras_decay_steps):
    epsilon = math.log(100.0) / T
    schedule = schedules.ContinuousExponentialDecay(0.1, decay_rate=epsilon)
    values = _run(schedule)
    assert values[0] == pytest.approx(0.1, rel=RTOL)
    assert values[T] == pytest.approx(0.001, rel=1e-5)  # 1 % of eta_0 at t = ln(100)/eps
    np.testing.assert_allclose(values, 0.1 * np.exp(-epsilon * STEPS), rtol=1e-5)
    assert np.all(np.diff(values) < 0)
    factor = math.exp(-epsilon * keras_decay_steps)  # Keras's decay_rate is a factor
    twin = keras.optimizers.schedules.ExponentialDecay(0.1, keras_decay_steps, factor)
    np.testing.assert_allclose(values, _run(twin), rtol=1e-5)


def test_continuous_exponential_decay_is_not_keras_with_the_same_numbers():
    ours = schedules.ContinuousExponentialDecay(0.1, decay_rate=0.96)
    keras_one = keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.96)
    assert float(ours(10)) < 0.01 * float(keras_one(10))


def test_linear_decay_values_and_keras_polynomial():
    schedule = schedules.LinearDecay(0.1, decay_steps=T)
    values = _run(schedule)
    assert values[0] == pytest.approx(0.1, rel=RTOL)
    assert values[T // 2] == pytest.approx(0.05, rel=RTOL)
    assert values[T] == 0.0 and values[-1] == 0.0  # clipped after T
    assert np.all(np.diff(values[: T + 1]) < 0)
    twin = keras.optimizers.schedules.PolynomialDecay(0.1, T, end_learning_rate=0.0, power=1.0)
    np.testing.assert_allclose(values, _run(twin), rtol=RTOL, atol=1e-9)


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_quarter_cosine_decay_values_and_relation_to_keras(alpha):
    lr = 0.1
    schedule = schedules.QuarterCosineDecay(lr, decay_steps=T, alpha=alpha)
    values = _run(schedule)
    assert values[0] == pytest.approx(lr, rel=RTOL)
    assert values[T // 2] == pytest.approx(
        lr * (alpha + (1 - alpha) * math.cos(math.pi / 4)), rel=RTOL
    )
    assert values[T] == pytest.approx(alpha * lr, abs=1e-9)
    assert values[-1] == pytest.approx(alpha * lr, abs=1e-9)  # stays at the floor
    assert np.all(np.diff(values[: T + 1]) < 0)
    twin = _run(keras.optimizers.schedules.CosineDecay(lr, T, alpha=alpha))
    # Same endpoints; in between our quarter cosine is the square root of Keras's
    # half cosine, once both are mapped to [0, 1] between floor and peak.
    assert twin[0] == pytest.approx(values[0], rel=RTOL)
    assert twin[T] == pytest.approx(values[T], abs=1e-8)
    ours_c = (values / lr - alpha) / (1 - alpha)
    keras_c = (twin / lr - alpha) / (1 - alpha)
    np.testing.assert_allclose(ours_c**2, keras_c, atol=2e-6)
    assert np.all(values[1:T] > twin[1:T])


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: schedules.Constant(0.0), "initial_learning_rate"),
        (lambda: schedules.Constant(-1.0), "initial_learning_rate"),
        (lambda: schedules.StepDecay(0.1, step_size=0), "step_size"),
        (lambda: schedules.StepDecay(0.1, step_size=10, factor=1.5), "factor"),
        (lambda: schedules.StepDecay(0.1, step_size=2.5), "step_size"),
        (lambda: schedules.InverseDecay(0.1, decay_rate=-0.1), "decay_rate"),
        (lambda: schedules.ContinuousExponentialDecay(0.1, decay_rate=-1.0), "decay_rate"),
        (lambda: schedules.LinearDecay(0.1, decay_steps=-5), "decay_steps"),
        (lambda: schedules.QuarterCosineDecay(0.1, decay_steps=0), "decay_steps"),
        (lambda: schedules.QuarterCosineDecay(0.1, decay_steps=10, alpha=2.0), "alpha"),
    ],
)
def test_bad_arguments_raise_one_line(build, message):
    with pytest.raises(DLCourseError, match=message) as info:
        build()
    assert "\n" not in str(info.value) and "Received" in str(info.value)
