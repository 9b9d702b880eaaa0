"""`CosineDecay` and `ExponentialDecay` equal their `keras.optimizers.schedules` twins over a
whole run, for every constructor argument; the lecture's variants have their own names.

Measured: equal to the last bit (the same float32 operations in the same order), so the
tolerance below only guards against a different operation order in a future Keras.
"""

import keras
import numpy as np
import pytest

from dlcourse import schedules
from dlcourse.errors import DLCourseError

K = keras.optimizers.schedules
RTOL, ATOL = 1e-6, 1e-9

COSINE_ARGS = [
    dict(initial_learning_rate=0.1, decay_steps=100),
    dict(initial_learning_rate=0.1, decay_steps=100, alpha=0.2),
    dict(initial_learning_rate=0.3, decay_steps=7, alpha=1.0),
    dict(initial_learning_rate=0.0, decay_steps=80, warmup_target=0.1, warmup_steps=20),
    dict(initial_learning_rate=0.01, decay_steps=80, alpha=0.1, warmup_target=0.5, warmup_steps=33),
    dict(initial_learning_rate=0.2, decay_steps=50, warmup_target=0.05, warmup_steps=10),  # warm "down"
    dict(initial_learning_rate=0.1, decay_steps=60, warmup_target=0.1, warmup_steps=0),
    dict(initial_learning_rate=0.1, decay_steps=60, name="my_cosine"),
]
EXPONENTIAL_ARGS = [
    dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    dict(initial_learning_rate=1.0, decay_steps=1, decay_rate=0.96),
    dict(initial_learning_rate=0.05, decay_steps=33, decay_rate=0.01, staircase=True),
    dict(initial_learning_rate=0.05, decay_steps=7, decay_rate=1.5, name="growth"),
]


def _run(schedule, total):
    """The rate at every step of a run of `total` steps and beyond, one call per step."""
    return np.array([float(schedule(t)) for t in range(total + 20)])


def _total(args):
    return args["decay_steps"] + args.get("warmup_steps", 0) + 10


@pytest.mark.parametrize("args", COSINE_ARGS, ids=str)
def test_cosine_decay_equals_keras_over_a_run(args):
    ours, twin = schedules.CosineDecay(**args), K.CosineDecay(**args)
    np.testing.assert_allclose(_run(ours, _total(args)), _run(twin, _total(args)), rtol=RTOL, atol=ATOL)
    assert ours.get_config() == twin.get_config()


@pytest.mark.parametrize("args", EXPONENTIAL_ARGS, ids=str)
def test_exponential_decay_equals_keras_over_a_run(args):
    ours, twin = schedules.ExponentialDecay(**args), K.ExponentialDecay(**args)
    total = 5 * args["decay_steps"]
    np.testing.assert_allclose(_run(ours, total), _run(twin, total), rtol=RTOL, atol=ATOL)
    assert ours.get_config() == twin.get_config()


def test_array_of_steps_gives_the_same_values():
    # `schedule_values` calls a schedule once on all steps; Keras's `cond` cannot do that.
    ours = schedules.CosineDecay(0.0, 80, warmup_target=0.1, warmup_steps=20)
    np.testing.assert_allclose(schedules.schedule_values(ours, 110), _run(ours, 90), rtol=RTOL)


def test_hand_computed_cosine_points():
    schedule = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.2)
    # Half way: c = 0.5 * (1 + cos(pi / 2)) = 0.5 -> 0.1 * (0.8 * 0.5 + 0.2) = 0.06.
    assert float(schedule(50)) == pytest.approx(0.06, rel=RTOL)
    assert float(schedule(100)) == pytest.approx(0.02, rel=RTOL)
    warm = schedules.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)
    assert float(warm(5)) == pytest.approx(0.05, rel=RTOL)  # half way up
    assert float(warm(60)) == pytest.approx(0.05, rel=RTOL)  # half way down, after the warm-up


def test_lecture_variants_differ_from_the_twins():
    steps = np.arange(1, 100)
    half = schedules.schedule_values(schedules.CosineDecay(0.1, 100), 100)[steps]
    quarter = schedules.schedule_values(schedules.QuarterCosineDecay(0.1, 100), 100)[steps]
    assert np.all(quarter > half)  # The quarter cosine stays higher for longer.
    smooth = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.01)
    continuous = schedules.ContinuousExponentialDecay(0.1, decay_rate=np.log(100.0) / 100)
    # The same curve in the two parametrisations.
    np.testing.assert_allclose(_run(smooth, 100), _run(continuous, 100), rtol=1e-5)


@pytest.mark.parametrize("build, message", [
    (lambda: schedules.CosineDecay(0.0, 100), "initial_learning_rate"),  # 0 needs a warm-up
    (lambda: schedules.CosineDecay(0.1, 0), "decay_steps"),
    (lambda: schedules.CosineDecay(0.1, 10, alpha=-0.1), "alpha"),
    (lambda: schedules.CosineDecay(0.0, 10, warmup_target=-1.0, warmup_steps=5), "warmup_target"),
    (lambda: schedules.CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=-5), "warmup_steps"),
    (lambda: schedules.CosineDecay(0.1, 10, name=3), "name"),
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.0), "decay_rate"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.5, staircase="yes"), "staircase"),
])
def test_bad_arguments_raise_one_line(build, message):
    with pytest.raises(DLCourseError, match=message) as info:
        build()
    assert "\n" not in str(info.value) and "Received" in str(info.value)
