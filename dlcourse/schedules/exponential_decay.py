"""Exponential decay by a factor per `decay_steps` steps, smooth or as a staircase."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_learning_rate, check_range, check_steps


@keras.saving.register_keras_serializable(package="dlcourse")
class ExponentialDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Exponential decay. Mirrors `keras.optimizers.schedules.ExponentialDecay`.

    At step `t = 0, 1, 2, ...`:

        p = t / decay_steps
        if staircase: p = floor(p)
        learning_rate(t) = initial_learning_rate * decay_rate ** p

    `decay_rate` is a *factor*: 0.96 means "lose 4 % every `decay_steps` steps". With
    `staircase=True` the rate is piecewise constant (it is then `StepDecay` with
    `step_size=decay_steps`, `factor=decay_rate`). The lecture writes the smooth decay
    with a continuous rate, `eta_0 * exp(-epsilon * t)`: that parametrisation is
    `ContinuousExponentialDecay`, equal to this one when
    `decay_rate = exp(-epsilon * decay_steps)`.

    Args:
        initial_learning_rate: float > 0, the rate at step 0.
        decay_steps: int >= 1, the steps over which the rate is multiplied by `decay_rate`.
        decay_rate: float > 0, the factor (below 1 to decay).
        staircase: bool, decay at whole multiples of `decay_steps` only.
        name: the name Keras gives the schedule's ops.

    Returns:
        Called with a step (a Python int, an integer tensor or an array of steps), a
        float32 tensor.

    Example:

        schedule = ExponentialDecay(0.1, decay_steps=1_000, decay_rate=0.5)  # halves every 1,000
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.decay_steps = check_steps("decay_steps", decay_steps)
        self.decay_rate = check_range("decay_rate", decay_rate, 0.0, float("inf"),
                                      low_open=True, high_open=True)
        if not isinstance(staircase, bool) or not isinstance(name, str):
            raise DLCourseError(
                "`staircase` must be True or False and `name` a string. "
                f"Received: staircase={staircase!r}, name={name!r}"
            )
        self.staircase, self.name = staircase, name

    def __call__(self, step):
        # The same operations in the same order as Keras: equal to the last bit.
        p = ops.cast(step, "float32") / float(self.decay_steps)
        if self.staircase:
            p = ops.floor(p)
        decay_rate = ops.convert_to_tensor(self.decay_rate, dtype="float32")
        return self.initial_learning_rate * ops.power(decay_rate, p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
