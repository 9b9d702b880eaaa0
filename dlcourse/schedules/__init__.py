"""Learning-rate schedules (lecture 3): `LearningRateSchedule` subclasses.

    from dlcourse import schedules
    optimizer = keras.optimizers.SGD(
        learning_rate=schedules.Warmup(schedules.CosineDecay(0.1, 10_000), 500))

Every schedule takes the optimizer's step (a Python int or an integer tensor), is
written with `keras.ops`, and is registered, so it saves and loads inside a `.keras`
model's optimizer. `get(name, ...)` builds one by name; `plot_schedule` draws one.
"""

from dlcourse.schedules.constant import Constant
from dlcourse.schedules.cosine_decay import CosineDecay
from dlcourse.schedules.exponential_decay import ExponentialDecay
from dlcourse.schedules.factory import SCHEDULE_NAMES, get
from dlcourse.schedules.inverse_decay import InverseDecay
from dlcourse.schedules.linear_decay import LinearDecay
from dlcourse.schedules.plot import plot_schedule, schedule_values
from dlcourse.schedules.step_decay import StepDecay
from dlcourse.schedules.warmup import Warmup

__all__ = [
    "Constant",
    "StepDecay",
    "InverseDecay",
    "ExponentialDecay",
    "LinearDecay",
    "CosineDecay",
    "Warmup",
    "get",
    "SCHEDULE_NAMES",
    "plot_schedule",
    "schedule_values",
]
