"""Cosine decay (SGDR's half cosine), with an optional linear warm-up to a target."""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_learning_rate, check_range, check_steps


@keras.saving.register_keras_serializable(package="dlcourse")
class CosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Cosine decay with an optional warm-up. Mirrors `keras.optimizers.schedules.CosineDecay`.

    Without warm-up (`warmup_target=None`), at step `t = 0, 1, 2, ...` with
    `T = decay_steps`:

        t = min(t, T)
        c = 0.5 * (1 + cos(pi * t / T))               # half a period: 1 at t = 0, 0 at t = T
        learning_rate(t) = initial_learning_rate * ((1 - alpha) * c + alpha)

    With a warm-up over `K = warmup_steps` steps to `warmup_target`:

        t = min(t, K + T)
        if t < K:  learning_rate(t) = initial_learning_rate
                                      + (warmup_target - initial_learning_rate) * t / K
        else:      learning_rate(t) = warmup_target * ((1 - alpha) * c(t - K) + alpha)

    so the decay starts after the warm-up, from `warmup_target`, and ends at step
    `K + T` on the floor `alpha * warmup_target`. The lecture's quarter cosine
    `alpha_0 * cos(pi t / 2T)` is another schedule: `QuarterCosineDecay`.

    Args:
        initial_learning_rate: float, the rate at step 0: > 0, or >= 0 with a warm-up.
        decay_steps: int >= 1, `T`, the length of the decay.
        alpha: float in [0, 1], the floor as a fraction of the peak.
        name: the name Keras gives the schedule's ops.
        warmup_target: None (no warm-up) or float > 0, the rate reached after warm-up.
        warmup_steps: int >= 0, `K`, the length of the warm-up.

    Returns:
        Called with a step (a Python int, an integer tensor or an array of steps), a
        float32 tensor.

    Example:

        schedule = CosineDecay(0.0, decay_steps=9_000, warmup_target=0.1, warmup_steps=1_000)

    Reference: Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017, Eq. 5; warm-up: Goyal et al. 2017, Sec. 2.2.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        if warmup_target is None:
            self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        else:
            self.initial_learning_rate = check_range(
                "initial_learning_rate", initial_learning_rate, 0.0, float("inf"), high_open=True)
            warmup_target = check_learning_rate(warmup_target, "warmup_target")
        self.decay_steps = check_steps("decay_steps", decay_steps)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)
        if not isinstance(name, str):
            raise DLCourseError(f"`name` must be a string. Received: name={name!r}")
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = check_steps("warmup_steps", warmup_steps, minimum=0)

    def _decay(self, t, peak):
        # The same operations in the same order as Keras: equal to the last bit.
        completed_fraction = t / float(self.decay_steps)
        cosine_decayed = 0.5 * (1.0 + ops.cos(math.pi * completed_fraction))
        return peak * ((1.0 - self.alpha) * cosine_decayed + self.alpha)

    def __call__(self, step):
        t = ops.cast(step, "float32")
        if self.warmup_target is None:
            return self._decay(ops.minimum(t, float(self.decay_steps)), self.initial_learning_rate)
        warmup = float(self.warmup_steps)
        t = ops.minimum(t, float(self.decay_steps) + warmup)
        delta = ops.convert_to_tensor(self.warmup_target, "float32") - self.initial_learning_rate
        # max(K, 1): with no warm-up this branch is never chosen, but must not divide by 0.
        rising = delta * (t / max(warmup, 1.0)) + self.initial_learning_rate
        # `where`, not `cond`: both are cheap, and an array of steps works too.
        return ops.where(t < warmup, rising, self._decay(t - warmup, self.warmup_target))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
