"""Inverse (1/t) decay: the rate falls like one over the step count."""

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate, check_range


@keras.saving.register_keras_serializable(package="dlcourse")
class InverseDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Inverse decay eta_0 / (1 + epsilon * t). Mirrors
    `keras.optimizers.schedules.InverseTimeDecay` with `decay_steps=1`.

    At step `t = 0, 1, 2, ...`:

        learning_rate(t) = initial_learning_rate / (1 + decay_rate * t)

    The rate is halved at `t = 1 / decay_rate` and is divided by 10 at
    `t = 9 / decay_rate`. It satisfies the Robbins-Monro conditions (the rates sum
    to infinity, their squares do not), which is why convergence proofs for SGD use
    it. Keras parametrises the same curve as
    `initial_learning_rate / (1 + decay_rate_k * t / decay_steps)`, so
    `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay_rate)` gives identical
    values (checked in the tests).

    Args:
        initial_learning_rate: float > 0, the rate at step 0 (`eta_0`).
        decay_rate: float >= 0, `epsilon` above (per step); 0 means constant.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = InverseDecay(0.1, decay_rate=1e-3)  # 0.05 at step 1000
    """

    def __init__(self, initial_learning_rate, decay_rate):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.decay_rate = check_range("decay_rate", decay_rate, 0.0, float("inf"),
                                      high_open=True)

    def __call__(self, step):
        t = ops.cast(step, "float32")
        return self.initial_learning_rate / (1.0 + self.decay_rate * t)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_rate": self.decay_rate,
        }
