"""Step decay: multiply the learning rate by a constant factor every `step_size` steps."""

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate, check_range, check_steps


@keras.saving.register_keras_serializable(package="dlcourse")
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Step decay (piecewise constant). Mirrors `keras.optimizers.schedules.ExponentialDecay`
    with `staircase=True`.

    At step `t = 0, 1, 2, ...`:

        learning_rate(t) = initial_learning_rate * factor ** floor(t / step_size)

    The rate holds for `step_size` steps, then drops: with `factor=0.5` it halves at
    `t = step_size, 2 * step_size, ...`. Keras writes the same schedule as
    `ExponentialDecay(initial_learning_rate, decay_steps=step_size,
    decay_rate=factor, staircase=True)`; the tests check the two agree step by step.

    Args:
        initial_learning_rate: float > 0, the rate for the first `step_size` steps.
        step_size: int >= 1, the number of steps between two drops.
        factor: float in (0, 1], what the rate is multiplied by at each drop.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = StepDecay(0.1, step_size=1000, factor=0.1)  # 0.1, 0.01, 0.001, ...
    """

    def __init__(self, initial_learning_rate, step_size, factor=0.5):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.step_size = check_steps("step_size", step_size)
        self.factor = check_range("factor", factor, 0.0, 1.0, low_open=True)

    def __call__(self, step):
        t = ops.cast(step, "float32")
        drops = ops.floor(t / float(self.step_size))
        factor = ops.convert_to_tensor(self.factor, dtype="float32")
        return self.initial_learning_rate * ops.power(factor, drops)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "step_size": self.step_size,
            "factor": self.factor,
        }
