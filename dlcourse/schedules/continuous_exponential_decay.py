"""Exponential decay in continuous form: eta_0 * exp(-epsilon * t)."""

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate, check_range


@keras.saving.register_keras_serializable(package="dlcourse")
class ContinuousExponentialDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The lecture's exponential decay, continuous form eta_0 * exp(-epsilon * t).
    No Keras twin: `keras.optimizers.schedules.ExponentialDecay` (and our
    `ExponentialDecay`, its twin) takes a factor per `decay_steps` instead of a rate.

    At step `t = 0, 1, 2, ...`:

        learning_rate(t) = initial_learning_rate * exp(-decay_rate * t)

    Here `decay_rate` is the continuous rate `epsilon` of the lecture, per step:
    the rate is divided by e every `1 / decay_rate` steps and reaches 1 % of
    `initial_learning_rate` at `t = ln(100) / decay_rate`.

    Keras's `ExponentialDecay(lr, decay_steps, decay_rate_k)` is
    `lr * decay_rate_k ** (t / decay_steps)`, where `decay_rate_k` is a *factor*
    (0.96 means "lose 4 % every decay_steps steps"), not a rate. The two coincide
    when `decay_rate_k = exp(-decay_rate * decay_steps)`; the tests check that.
    Beware the clash of argument names: `decay_rate=0.96` here would divide the rate
    by 2.6 every step.

    Args:
        initial_learning_rate: float > 0, the rate at step 0 (`eta_0`).
        decay_rate: float >= 0, `epsilon` above (per step); 0 means constant.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = ContinuousExponentialDecay(0.1, decay_rate=math.log(100) / 10_000)
        # 0.1 at step 0, 0.001 at step 10,000.
    """

    def __init__(self, initial_learning_rate, decay_rate):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.decay_rate = check_range("decay_rate", decay_rate, 0.0, float("inf"),
                                      high_open=True)

    def __call__(self, step):
        t = ops.cast(step, "float32")
        return self.initial_learning_rate * ops.exp(-self.decay_rate * t)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_rate": self.decay_rate,
        }
