"""`schedules.get` by name with defaults from `decay_steps`, and `plot_schedule`."""

import numpy as np
import pytest
from PIL import Image

from dlcourse import schedules
from dlcourse.errors import DLCourseError

T = 90
# What each named schedule reaches at t = decay_steps, as a fraction of the peak.
# `step_epochs` with 3 steps per epoch: cut by 10 at step 30, again at 60 and at 90.
AT_END = {"constant": 1.0, "step": 0.125, "step_epochs": 0.001, "inverse": 0.1, "exponential": 0.01,
          "continuous_exponential": 0.01, "linear": 0.0, "cosine": 0.0, "cosine_floor": 0.1, "quarter_cosine": 0.0}
TYPES = {"exponential": schedules.ExponentialDecay, "continuous_exponential": schedules.ContinuousExponentialDecay,
         "cosine": schedules.CosineDecay, "cosine_floor": schedules.CosineDecay,
         "quarter_cosine": schedules.QuarterCosineDecay}


def test_names():
    assert set(schedules.SCHEDULE_NAMES) == set(AT_END)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_keras_names_build_the_keras_twins(name):
    assert type(schedules.get(name, 0.1, decay_steps=T)) is TYPES[name]


def test_step_epochs_drops_every_ten_epochs():
    schedule = schedules.get("step_epochs", 0.1, decay_steps=1000, steps_per_epoch=20)
    values = schedules.schedule_values(schedule, 401)
    np.testing.assert_allclose(values[[0, 199, 200, 399, 400]], [0.1, 0.1, 0.01, 0.01, 0.001], rtol=1e-6)
    with pytest.raises(DLCourseError, match="steps_per_epoch"):
        schedules.get("step_epochs", 0.1, decay_steps=1000)


@pytest.mark.parametrize("name", sorted(AT_END))
def test_get_defaults_from_decay_steps(name):
    schedule = schedules.get(name, 0.2, decay_steps=T, steps_per_epoch=3)
    assert float(schedule(0)) == pytest.approx(0.2, rel=1e-6)
    assert float(schedule(T)) == pytest.approx(0.2 * AT_END[name], rel=1e-5, abs=1e-9)
    values = schedules.schedule_values(schedule, T + 1)
    assert values.shape == (T + 1,) and np.all(np.diff(values) <= 1e-9)


@pytest.mark.parametrize("name", sorted(AT_END))
def test_get_with_warmup(name):
    schedule = schedules.get(name, 0.2, decay_steps=T, warmup_steps=10, steps_per_epoch=3)
    assert isinstance(schedule, schedules.Warmup)
    assert float(schedule(0)) == 0.0
    assert float(schedule(10)) == pytest.approx(float(schedule.inner(10)), rel=1e-6)
    assert float(schedule(5)) == pytest.approx(0.5 * float(schedule.inner(5)), rel=1e-6)


def test_get_errors():
    with pytest.raises(DLCourseError, match="constant, step, step_epochs, inverse, exponential, "
                       "continuous_exponential, linear, cosine, cosine_floor, quarter_cosine"):
        schedules.get("triangle", 0.1, 100)
    with pytest.raises(DLCourseError, match="warmup_steps=100, decay_steps=100"):
        schedules.get("constant", 0.1, 100, warmup_steps=100)
    with pytest.raises(DLCourseError, match="warmup_steps"):
        schedules.get("cosine", 0.1, 100, warmup_steps=-1)
    with pytest.raises(DLCourseError, match="decay_steps"):
        schedules.get("cosine", 0.1, 0)


def test_plot_schedule_writes_png(tmp_path):
    schedule = schedules.get("cosine", 0.1, 200, 20)
    path = schedules.plot_schedule(schedule, 200, tmp_path / "a" / "lr.png")
    assert path.exists() and Image.open(path).format == "PNG"
    several = {n: schedules.get(n, 0.1, 200, steps_per_epoch=5) for n in schedules.SCHEDULE_NAMES}
    path = schedules.plot_schedule(several, 200, tmp_path / "all.png", log_scale=True)
    assert Image.open(path).size[0] > 100
