"""Schedules by name, for the `dlcourse` command and the recipes.

One function turns a short name, a peak rate and a run length into a schedule, so a
recipe or a command line can say `--schedule cosine --warmup-steps 200` without
knowing each schedule's own parameter. Each schedule's extra parameter gets a default
derived from `decay_steps`, the planned length of the run in optimizer steps:

    name          schedule                                        at t = decay_steps
    constant      Constant(lr)                                    lr
    step          StepDecay(lr, step_size=decay_steps // 3, 0.5)  lr / 8 (halved 3 times)
    inverse       InverseDecay(lr, decay_rate=9 / decay_steps)    lr / 10
    exponential   ExponentialDecay(lr, ln(100) / decay_steps)     lr / 100
    linear        LinearDecay(lr, decay_steps)                    0
    cosine        CosineDecay(lr, decay_steps)                    0

`warmup_steps > 0` wraps the result in `Warmup(schedule, warmup_steps)`.
"""

import math

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_learning_rate, check_steps
from dlcourse.schedules.constant import Constant
from dlcourse.schedules.cosine_decay import CosineDecay
from dlcourse.schedules.exponential_decay import ExponentialDecay
from dlcourse.schedules.inverse_decay import InverseDecay
from dlcourse.schedules.linear_decay import LinearDecay
from dlcourse.schedules.step_decay import StepDecay
from dlcourse.schedules.warmup import Warmup

_BUILDERS = {
    "constant": lambda lr, steps: Constant(lr),
    "step": lambda lr, steps: StepDecay(lr, step_size=max(1, steps // 3), factor=0.5),
    "inverse": lambda lr, steps: InverseDecay(lr, decay_rate=9.0 / steps),
    "exponential": lambda lr, steps: ExponentialDecay(lr, decay_rate=math.log(100.0) / steps),
    "linear": lambda lr, steps: LinearDecay(lr, decay_steps=steps),
    "cosine": lambda lr, steps: CosineDecay(lr, decay_steps=steps),
}

SCHEDULE_NAMES = tuple(_BUILDERS)


def get(name, initial_learning_rate, decay_steps, warmup_steps=0):
    """The schedule called `name`, peaking at `initial_learning_rate`.

    Args:
        name: one of `SCHEDULE_NAMES` (`constant, step, inverse, exponential,
            linear, cosine`), case-insensitive.
        initial_learning_rate: float > 0, the rate at step 0 (after warm-up, if any).
        decay_steps: int >= 1, the planned length of the run in optimizer steps
            (epochs * steps_per_epoch); sets each schedule's decay (table above).
        warmup_steps: int >= 0, length of the linear warm-up; 0 for none. Must be
            smaller than `decay_steps`.

    Returns:
        A `keras.optimizers.schedules.LearningRateSchedule`, ready for an optimizer's
        `learning_rate`.

    Example:

        schedule = get("cosine", 1e-3, decay_steps=epochs * steps, warmup_steps=100)
    """
    key = str(name).strip().lower()
    if key not in _BUILDERS:
        raise DLCourseError(
            f"Unknown schedule {name!r}. Use one of: {', '.join(SCHEDULE_NAMES)}"
        )
    initial_learning_rate = check_learning_rate(initial_learning_rate)
    decay_steps = check_steps("decay_steps", decay_steps)
    warmup_steps = check_steps("warmup_steps", warmup_steps, minimum=0)
    if warmup_steps >= decay_steps:
        raise DLCourseError(
            "`warmup_steps` must be smaller than `decay_steps`. "
            f"Received: warmup_steps={warmup_steps}, decay_steps={decay_steps}"
        )
    schedule = _BUILDERS[key](initial_learning_rate, decay_steps)
    if warmup_steps > 0:
        schedule = Warmup(schedule, warmup_steps)
    return schedule
