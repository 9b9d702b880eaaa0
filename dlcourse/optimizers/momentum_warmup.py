"""`MomentumWarmup`: the momentum coefficient annealed linearly, as lecture 3 advises."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class MomentumWarmup(keras.optimizers.schedules.LearningRateSchedule):
    """Momentum coefficient `gamma` raised linearly from `initial_momentum` to `final_momentum`.

    Lecture 3: start with little momentum while the gradients are large and
    erratic, then raise it. At optimiser iteration `step = 0, 1, 2, ...`:

        fraction = min(step / warmup_steps, 1)
        gamma = initial_momentum + (final_momentum - initial_momentum) * fraction

    so `gamma = 0.5` on the first update and `0.9` from step `warmup_steps` on.
    It is a `LearningRateSchedule` only in form (a serialisable function of the
    iteration); pass it as `momentum=` to `dlcourse.optimizers.SGD`.

    Args:
        initial_momentum: float in [0, 1], gamma at step 0. Defaults to 0.5.
        final_momentum: float in [0, 1], gamma from `warmup_steps` on. Defaults to 0.9.
        warmup_steps: positive int, the number of steps of the linear ramp.

    Returns:
        Called with the iteration, a float32 scalar tensor: the momentum to use.

    Example:

        sgd = dlcourse.optimizers.SGD(0.01, momentum=MomentumWarmup(warmup_steps=1000))

    Reference: Sutskever, Martens, Dahl & Hinton, "On the importance of
    initialization and momentum in deep learning", ICML 2013 (Sec. 2, momentum schedule).
    """

    def __init__(self, initial_momentum=0.5, final_momentum=0.9, warmup_steps=1000):
        for arg_name, value in (("initial_momentum", initial_momentum),
                                ("final_momentum", final_momentum)):
            if not 0.0 <= float(value) <= 1.0:
                raise DLCourseError(
                    f"`{arg_name}` must be in [0, 1]. Received: {arg_name}={value}"
                )
        if int(warmup_steps) < 1:
            raise DLCourseError(
                f"`warmup_steps` must be a positive integer. Received: warmup_steps={warmup_steps}"
            )
        self.initial_momentum = float(initial_momentum)
        self.final_momentum = float(final_momentum)
        self.warmup_steps = int(warmup_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        fraction = ops.minimum(step / float(self.warmup_steps), 1.0)
        return self.initial_momentum + (self.final_momentum - self.initial_momentum) * fraction

    def get_config(self):
        return {
            "initial_momentum": self.initial_momentum,
            "final_momentum": self.final_momentum,
            "warmup_steps": self.warmup_steps,
        }
