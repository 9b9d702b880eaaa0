"""Warm-up: 0 at step 0, the inner value from the end of warm-up on, linear before."""

import keras
import numpy as np
import pytest

from dlcourse import schedules
from dlcourse.errors import DLCourseError


def _run(schedule, steps):
    return np.array([float(schedule(int(t))) for t in steps])


def test_warmup_on_cosine_values():
    inner = schedules.CosineDecay(0.1, decay_steps=100)
    schedule = schedules.Warmup(inner, warmup_steps=20)
    steps = np.arange(0, 121)
    values, inner_values = _run(schedule, steps), _run(inner, steps)
    assert values[0] == 0.0
    assert values[10] == pytest.approx(0.5 * inner_values[10], rel=1e-6)
    assert values[20] == pytest.approx(inner_values[20], rel=1e-6)  # end of warm-up
    np.testing.assert_allclose(values[20:], inner_values[20:], rtol=1e-6)
    assert values[100] == pytest.approx(0.0, abs=1e-9)  # the inner clock is not shifted
    np.testing.assert_allclose(
        values[:20], np.minimum(1.0, steps[:20] / 20) * inner_values[:20], rtol=1e-6
    )
    assert np.all(np.diff(values[:21]) > 0) and np.all(np.diff(values[20:101]) < 0)


def test_warmup_of_a_float_and_of_a_keras_schedule():
    flat = schedules.Warmup(0.2, warmup_steps=4)
    assert isinstance(flat.inner, schedules.Constant)
    np.testing.assert_allclose(_run(flat, range(7)), [0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2], rtol=1e-6)
    keras_inner = keras.optimizers.schedules.PiecewiseConstantDecay([10], [0.1, 0.01])
    wrapped = schedules.Warmup(keras_inner, warmup_steps=5)
    np.testing.assert_allclose(_run(wrapped, [0, 5, 10, 11]), [0, 0.1, 0.1, 0.01], rtol=1e-6)
    restored = schedules.Warmup.from_config(wrapped.get_config())
    np.testing.assert_allclose(_run(restored, range(15)), _run(wrapped, range(15)), rtol=1e-7)


def test_warmup_bad_arguments():
    with pytest.raises(DLCourseError, match=r"`warmup_steps` must be smaller than `decay_steps`. "
                       r"Received: warmup_steps=500, decay_steps=100"):
        schedules.Warmup(schedules.LinearDecay(0.1, 100), warmup_steps=500)
    with pytest.raises(DLCourseError, match="warmup_steps"):
        schedules.Warmup(schedules.LinearDecay(0.1, 100), warmup_steps=100)
    with pytest.raises(DLCourseError, match="warmup_steps"):
        schedules.Warmup(schedules.Constant(0.1), warmup_steps=0)
    with pytest.raises(DLCourseError, match="inner"):
        schedules.Warmup("cosine", warmup_steps=10)
