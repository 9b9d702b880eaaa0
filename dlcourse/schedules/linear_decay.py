"""Linear decay to zero over a fixed number of steps."""

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate, check_steps


@keras.saving.register_keras_serializable(package="dlcourse")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear decay alpha_0 * (T - t) / T. Mirrors
    `keras.optimizers.schedules.PolynomialDecay` with `power=1` and
    `end_learning_rate=0`.

    At step `t = 0, 1, 2, ...`, with `T = decay_steps`:

        t = min(t, T)
        learning_rate(t) = initial_learning_rate * (T - t) / T

    The rate falls in a straight line from `initial_learning_rate` at step 0 to
    zero at step `T` and stays at zero after (like Keras, the step is clipped
    at `T`), so set `decay_steps` to the length of the run.

    Args:
        initial_learning_rate: float > 0, the rate at step 0 (`alpha_0`).
        decay_steps: int >= 1, the step `T` at which the rate reaches zero.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = LinearDecay(0.1, decay_steps=epochs * steps_per_epoch)
    """

    def __init__(self, initial_learning_rate, decay_steps):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.decay_steps = check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        total = float(self.decay_steps)
        t = ops.minimum(ops.cast(step, "float32"), total)
        return self.initial_learning_rate * (total - t) / total

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
        }
