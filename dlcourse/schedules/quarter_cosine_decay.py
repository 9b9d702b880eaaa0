"""The lecture's cosine decay: a quarter cosine from the initial rate down to a floor."""

import math

import keras
from keras import ops

from dlcourse.schedules._checks import check_learning_rate, check_range, check_steps


@keras.saving.register_keras_serializable(package="dlcourse")
class QuarterCosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The lecture's cosine decay alpha_0 * cos(pi * t / 2T), with an optional floor.
    No Keras twin: `keras.optimizers.schedules.CosineDecay` (and our `CosineDecay`,
    its twin) uses a half cosine.

    At step `t = 0, 1, 2, ...`, with `T = decay_steps`:

        t = min(t, T)
        c = cos(pi * t / (2 * T))                      # 1 at t = 0, 0 at t = T
        learning_rate(t) = initial_learning_rate * (alpha + (1 - alpha) * c)

    With `alpha = 0` this is the lecture's `alpha_0 * cos(pi t / 2T)`: a quarter
    period of the cosine, flat at the start and steepest at the end. With
    `alpha > 0` the rate ends at the floor `alpha * initial_learning_rate` instead
    of zero ("cosine with a floor"). The step is clipped at `T`, so the rate stays
    at the floor after.

    Keras's `CosineDecay(lr, decay_steps, alpha)` (Loshchilov & Hutter, SGDR) uses
    the half period, `c_keras = 0.5 * (1 + cos(pi * t / T)) = cos(pi * t / 2T) ** 2`.
    So the two agree at `t = 0` (`lr`) and at `t = T` (`alpha * lr`), and in
    between `c = sqrt(c_keras)`: ours stays higher longer (at `t = T/2`, 0.71
    of the way from floor to peak against Keras's 0.5). The tests check both facts
    numerically over a whole run. `dlcourse train --schedule quarter_cosine` uses
    this one, `--schedule cosine` the Keras one.

    Args:
        initial_learning_rate: float > 0, the rate at step 0 (`alpha_0`).
        decay_steps: int >= 1, the step `T` at which the floor is reached.
        alpha: float in [0, 1], the floor as a fraction of `initial_learning_rate`.

    Returns:
        Called with a step (a Python int or a scalar integer tensor), a float32
        scalar tensor.

    Example:

        schedule = QuarterCosineDecay(0.1, decay_steps=10_000, alpha=0.01)  # ends at 1e-3
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0):
        self.initial_learning_rate = check_learning_rate(initial_learning_rate)
        self.decay_steps = check_steps("decay_steps", decay_steps)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)

    def __call__(self, step):
        total = float(self.decay_steps)
        t = ops.minimum(ops.cast(step, "float32"), total)
        # cos(pi t / 2T) written as sin(pi (T - t) / 2T): exactly 0 at t = T in float32.
        c = ops.sin(math.pi * (total - t) / (2.0 * total))
        return self.initial_learning_rate * (self.alpha + (1.0 - self.alpha) * c)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
        }
