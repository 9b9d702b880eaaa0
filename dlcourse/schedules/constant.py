"""The constant learning rate, as a schedule so every recipe can treat schedules alike."""

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate


@keras.saving.register_keras_serializable(package="dlcourse")
class Constant(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate. Equivalent to passing a float to the optimizer.

    At every step `t = 0, 1, 2, ...`:

        learning_rate(t) = initial_learning_rate

    It exists so that the recipe runner, the `dlcourse` command and the plots can
    treat "no schedule" like any other schedule, and so that `Warmup` can wrap it:
    `Warmup(Constant(0.1), warmup_steps=500)` is the classic warm-up to a flat rate.

    Args:
        initial_learning_rate: float > 0, the learning rate at every step.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = Constant(0.01)
        optimizer = keras.optimizers.SGD(learning_rate=schedule)
    """

    def __init__(self, initial_learning_rate):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)

    def __call__(self, step):
        # The step is only used for its shape-less presence: the value never changes.
        del step
        return ops.convert_to_tensor(self.initial_learning_rate, dtype="float32")

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate}
