"""`AdamW`: Adam with weight decay decoupled from the gradient."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.optimizers.adam import Adam


@keras.saving.register_keras_serializable(package="dlcourse")
class AdamW(Adam):
    """AdamW, written out. Mirrors `keras.optimizers.AdamW`.

    For each variable `w` with gradient `g` at step `t = 1, 2, ...`:

        w = w - w * weight_decay * learning_rate        # decoupled decay, first
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    "Decoupled": the decay shrinks `w` directly instead of adding
    `weight_decay * w` to `g`, where Adam's `1 / sqrt(v)` would rescale it
    (L2 regularisation and weight decay are the same only for plain SGD).
    Keras's convention: the decay is multiplied by `learning_rate` (Loshchilov &
    Hutter's schedule multiplier eta_t times lambda), and variables excluded with
    `exclude_from_weight_decay` are not decayed.

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        weight_decay: float, the decoupled decay rate lambda. Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: base-class arguments (`clipnorm`, `global_clipnorm`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-2)

    Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise DLCourseError(
                "`weight_decay` must be a float for AdamW (use Adam for none). "
                "Received: weight_decay=None"
            )
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)

    def _apply_weight_decay(self, variables):
        # The decay is written out in `update_step` below, not left to the base class.
        return

    def update_step(self, gradient, variable, learning_rate):
        if self._use_weight_decay(variable):
            lr = ops.cast(learning_rate, variable.dtype)
            wd = ops.cast(self.weight_decay, variable.dtype)
            # w = w - w * weight_decay * learning_rate
            self.assign_sub(variable, variable * wd * lr)
        self._adam_step(gradient, variable, learning_rate)
