"""Linear warm-up in front of any schedule: ramp from 0 over the first steps."""

import numbers

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_steps
from dlcourse.schedules.constant import Constant

_LearningRateSchedule = keras.optimizers.schedules.LearningRateSchedule


@keras.saving.register_keras_serializable(package="dlcourse")
class Warmup(_LearningRateSchedule):
    """Linear warm-up wrapper: min(1, t / K) * inner(t). Compare the `warmup_steps`
    argument of `keras.optimizers.schedules.CosineDecay`, which works only there.

    At step `t = 0, 1, 2, ...`, with `K = warmup_steps`:

        learning_rate(t) = min(1, t / K) * inner(t)

    The rate grows linearly from 0 at `t = 0` to `inner(K)` at `t = K`, then
    follows `inner` exactly. The inner schedule is *not* shifted: it runs on the
    same clock, so `Warmup(CosineDecay(lr, T), K)` still ends at step `T`. Early
    steps at a small rate let Adam's second-moment estimates and BatchNorm's
    statistics settle before large updates (Goyal et al. 2017, Sec. 2.2). Note
    that the very first update (`t = 0`, the optimizer's `iterations` before any
    step) uses a rate of exactly 0.

    Args:
        inner: the schedule to warm up (any `LearningRateSchedule`, ours or
            Keras's); a float means `Constant(inner)`.
        warmup_steps: int >= 1, `K` above. Must be smaller than the inner
            schedule's `decay_steps` if it has one.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = Warmup(CosineDecay(1e-3, decay_steps=10_000), warmup_steps=500)
    """

    def __init__(self, inner, warmup_steps):
        if isinstance(inner, numbers.Real) and not isinstance(inner, bool):
            inner = Constant(inner)
        if not isinstance(inner, _LearningRateSchedule):
            raise DLCourseError(
                "`inner` must be a keras LearningRateSchedule or a float. "
                f"Received: inner={inner!r}"
            )
        self.inner = inner
        self.warmup_steps = check_steps("warmup_steps", warmup_steps)
        decay_steps = getattr(inner, "decay_steps", None)
        if decay_steps is not None and self.warmup_steps >= decay_steps:
            raise DLCourseError(
                "`warmup_steps` must be smaller than `decay_steps`. "
                f"Received: warmup_steps={self.warmup_steps}, decay_steps={decay_steps}"
            )

    def __call__(self, step):
        t = ops.cast(step, "float32")
        ramp = ops.minimum(1.0, t / float(self.warmup_steps))
        return ramp * ops.cast(self.inner(step), "float32")

    def get_config(self):
        # The one nested entry: the inner schedule, in Keras's serialised form.
        return {
            "inner": keras.optimizers.schedules.serialize(self.inner),
            "warmup_steps": self.warmup_steps,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["inner"] = keras.optimizers.schedules.deserialize(config["inner"])
        return cls(**config)
