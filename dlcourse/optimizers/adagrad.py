"""`Adagrad`: per-coordinate step sizes from the running sum of squared gradients."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class Adagrad(keras.optimizers.Optimizer):
    """AdaGrad, written out. Mirrors `keras.optimizers.Adagrad`.

    For each variable `w` with gradient `g` and accumulator `s`
    (starts at `initial_accumulator_value`):

        s = s + g**2
        w = w - learning_rate * g / sqrt(s + epsilon)

    Keras's convention: `epsilon` sits inside the square root, and `s` starts at
    0.1 rather than 0, so the first steps are not `learning_rate * sign(g)`. The
    lecture's AdaGrad (`s` from 0, `g / (sqrt(s) + 1e-8)`) is
    `Adagrad(initial_accumulator_value=0.0)`: measured, the same steps to 3e-8 relative
    for gradients of order 1 (the default start of 0.1 is off by 5 %).
    Coordinates with large past gradients get small steps, forever: the step
    size only decays, which is why RMSProp replaces the sum with an average.

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        initial_accumulator_value: float >= 0, starting value of `s`. Defaults to 0.1.
        epsilon: small float for numerical stability. Defaults to 1e-7.
        **kwargs: base-class arguments (`weight_decay`, `clipnorm`,
            `global_clipnorm`, `name`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.Adagrad(learning_rate=0.05)

    Reference: Duchi, Hazan & Singer, "Adaptive Subgradient Methods", JMLR 2011.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if initial_accumulator_value < 0:
            raise DLCourseError(
                "`initial_accumulator_value` must be >= 0. "
                f"Received: initial_accumulator_value={initial_accumulator_value}"
            )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator",
            initializer=keras.initializers.Constant(self.initial_accumulator_value),
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        s = self._accumulators[self._get_variable_index(variable)]
        # s = s + g**2
        self.assign_add(s, ops.square(gradient))
        # w = w - learning_rate * g / sqrt(s + epsilon)
        self.assign_sub(
            variable, ops.divide(ops.multiply(lr, gradient), ops.sqrt(ops.add(s, self.epsilon)))
        )

    def get_config(self):
        config = super().get_config()
        config.update({
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        })
        return config
