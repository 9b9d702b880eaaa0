"""Schedules by name, for the `dlcourse` command and the recipes.

One function turns a short name, a peak rate and a run length into a schedule, so a
recipe or a command line can say `--schedule cosine --warmup 200` without knowing each
schedule's own parameter. Each schedule's extra parameter gets a default derived from
`decay_steps`, the planned length of the run in optimizer steps (`T` below):

    name                    schedule                                          at t = T
    constant                Constant(lr)                                      lr
    step                    StepDecay(lr, step_size=T // 3, factor=0.5)       lr / 8
    step_epochs             StepDecay(lr, 10 * steps_per_epoch, factor=0.1)   lr / 10 per 10 epochs
    inverse                 InverseDecay(lr, decay_rate=9 / T)                lr / 10
    exponential             ExponentialDecay(lr, T, decay_rate=0.01)          lr / 100   (Keras's)
    continuous_exponential  ContinuousExponentialDecay(lr, ln(100) / T)       lr / 100   (lecture's)
    linear                  LinearDecay(lr, T)                                0
    cosine                  CosineDecay(lr, T)                                0   (Keras's half cosine)
    cosine_floor            CosineDecay(lr, T, alpha=0.1)                     lr / 10   (the modern recipe's)
    quarter_cosine          QuarterCosineDecay(lr, T)                         0   (lecture's quarter cosine)

`exponential` and `continuous_exponential` give the same curve in the two
parametrisations; `cosine` and `quarter_cosine` differ in between (the quarter cosine
stays higher for longer). `step_epochs` is the lecture's "divide the rate by 10 every
10 epochs": it needs `steps_per_epoch`. `warmup_steps > 0` wraps the result in
`Warmup(schedule, warmup_steps)`.
"""

import math

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_learning_rate, check_steps
from dlcourse.schedules.constant import Constant
from dlcourse.schedules.continuous_exponential_decay import ContinuousExponentialDecay
from dlcourse.schedules.cosine_decay import CosineDecay
from dlcourse.schedules.exponential_decay import ExponentialDecay
from dlcourse.schedules.inverse_decay import InverseDecay
from dlcourse.schedules.linear_decay import LinearDecay
from dlcourse.schedules.quarter_cosine_decay import QuarterCosineDecay
from dlcourse.schedules.step_decay import StepDecay
from dlcourse.schedules.warmup import Warmup

EPOCHS_PER_DROP, DROP_FACTOR = 10, 0.1  # `step_epochs`: the lecture's rule of thumb
COSINE_FLOOR = 0.1  # `cosine_floor` ends at this fraction of the peak

# name: (lr, T, steps_per_epoch) -> schedule
_BUILDERS = {
    "constant": lambda lr, steps, epoch: Constant(lr),
    "step": lambda lr, steps, epoch: StepDecay(lr, step_size=max(1, steps // 3), factor=0.5),
    "step_epochs": lambda lr, steps, epoch: StepDecay(lr, EPOCHS_PER_DROP * epoch, DROP_FACTOR),
    "inverse": lambda lr, steps, epoch: InverseDecay(lr, decay_rate=9.0 / steps),
    "exponential": lambda lr, steps, epoch: ExponentialDecay(lr, decay_steps=steps, decay_rate=0.01),
    "continuous_exponential": lambda lr, steps, epoch: ContinuousExponentialDecay(
        lr, decay_rate=math.log(100.0) / steps),
    "linear": lambda lr, steps, epoch: LinearDecay(lr, decay_steps=steps),
    "cosine": lambda lr, steps, epoch: CosineDecay(lr, decay_steps=steps),
    "cosine_floor": lambda lr, steps, epoch: CosineDecay(lr, decay_steps=steps, alpha=COSINE_FLOOR),
    "quarter_cosine": lambda lr, steps, epoch: QuarterCosineDecay(lr, decay_steps=steps),
}

SCHEDULE_NAMES = tuple(_BUILDERS)


def get(name, initial_learning_rate, decay_steps, warmup_steps=0, steps_per_epoch=None):
    """The schedule called `name`, peaking at `initial_learning_rate`.

    Args:
        name: one of `SCHEDULE_NAMES` (the table above), case-insensitive.
        initial_learning_rate: float > 0, the rate at step 0 (after warm-up, if any).
        decay_steps: int >= 1, the planned length of the run in optimizer steps
            (epochs * steps_per_epoch); sets each schedule's decay (table above).
        warmup_steps: int >= 0, length of the linear warm-up; 0 for none. Must be
            smaller than `decay_steps`.
        steps_per_epoch: int >= 1, needed by `step_epochs` only.

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
    if key == "step_epochs":
        steps_per_epoch = _check_steps_per_epoch(steps_per_epoch)
    schedule = _BUILDERS[key](initial_learning_rate, decay_steps, steps_per_epoch)
    if warmup_steps > 0:
        schedule = Warmup(schedule, warmup_steps)
    return schedule


def _check_steps_per_epoch(steps_per_epoch):
    if steps_per_epoch is None:
        raise DLCourseError(
            f"Schedule 'step_epochs' drops the rate every {EPOCHS_PER_DROP} epochs: pass "
            "`steps_per_epoch`. Received: steps_per_epoch=None"
        )
    return check_steps("steps_per_epoch", steps_per_epoch)
