"""Learning-rate schedules (lecture 3): `LearningRateSchedule` subclasses.

    from dlcourse import schedules
    optimizer = keras.optimizers.SGD(
        learning_rate=schedules.Warmup(schedules.CosineDecay(0.1, 10_000), 500))

    CosineDecay, ExponentialDecay        twins of `keras.optimizers.schedules`' (same values)
    QuarterCosineDecay                   the lecture's alpha_0 * cos(pi t / 2T)
    ContinuousExponentialDecay           the lecture's eta_0 * exp(-epsilon t)
    Constant, StepDecay, InverseDecay,   the lecture's other decays (each equals a Keras
    LinearDecay                          schedule with matching arguments: see its docstring)
    Warmup                               a linear warm-up in front of any schedule

Every schedule takes the optimizer's step (a Python int or an integer tensor), is
written with `keras.ops`, and is registered, so it saves and loads inside a `.keras`
model's optimizer. `get(name, ...)` builds one by name; `plot_schedule` draws one.
"""

from dlcourse.schedules.constant import Constant
from dlcourse.schedules.continuous_exponential_decay import ContinuousExponentialDecay
from dlcourse.schedules.cosine_decay import CosineDecay
from dlcourse.schedules.exponential_decay import ExponentialDecay
from dlcourse.schedules.factory import SCHEDULE_NAMES, get
from dlcourse.schedules.inverse_decay import InverseDecay
from dlcourse.schedules.linear_decay import LinearDecay
from dlcourse.schedules.plot import plot_schedule, schedule_values
from dlcourse.schedules.quarter_cosine_decay import QuarterCosineDecay
from dlcourse.schedules.step_decay import StepDecay
from dlcourse.schedules.warmup import Warmup

__all__ = [
    "Constant",
    "StepDecay",
    "InverseDecay",
    "ExponentialDecay",
    "ContinuousExponentialDecay",
    "LinearDecay",
    "CosineDecay",
    "QuarterCosineDecay",
    "Warmup",
    "get",
    "SCHEDULE_NAMES",
    "plot_schedule",
    "schedule_values",
]
